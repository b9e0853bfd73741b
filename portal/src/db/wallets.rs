//! Wallets: device keys bound to holders by enrollment.

use super::DbError;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

/// An enrolled wallet.
pub(crate) struct WalletRow {
    pub holder_id: i64,
    /// Compressed SEC1, hex.
    pub device_key: String,
    /// Static SC1 text.
    pub bound_card: String,
    pub retired: bool,
}

/// The wallet with `key_id`, retired or not.
pub(crate) fn get(conn: &Connection, key_id: &str) -> Result<Option<WalletRow>, DbError> {
    Ok(conn
        .query_row(
            "SELECT holder_id, device_key, bound_card, retired_at IS NOT NULL
             FROM wallets WHERE key_id = ?1",
            params![key_id],
            |row| {
                Ok(WalletRow {
                    holder_id: row.get(0)?,
                    device_key: row.get(1)?,
                    bound_card: row.get(2)?,
                    retired: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// The device key of the active wallet with `key_id`, for signature
/// checks: a retired wallet is as unknown as one never enrolled.
pub(crate) fn active_key(conn: &Connection, key_id: &str) -> Result<Option<String>, DbError> {
    Ok(get(conn, key_id)?
        .filter(|w| !w.retired)
        .map(|w| w.device_key))
}

/// Binds `key_id` to the holder (again, if this phone enrolled before
/// and the holder was given a new code) and retires the holder's other
/// wallets: one phone per holder, so a lost phone stops working when its
/// replacement enrolls.
pub(crate) fn bind(
    conn: &Connection,
    key_id: &str,
    holder_id: i64,
    device_key: &str,
    bound_card: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    let now = super::seconds(now);
    conn.execute(
        "UPDATE wallets SET retired_at = ?3
         WHERE holder_id = ?1 AND key_id <> ?2 AND retired_at IS NULL",
        params![holder_id, key_id, now],
    )?;
    conn.execute(
        "INSERT INTO wallets (key_id, holder_id, device_key, bound_card, enrolled_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key_id) DO UPDATE SET
             bound_card = excluded.bound_card, enrolled_at = excluded.enrolled_at,
             retired_at = NULL
         WHERE holder_id = excluded.holder_id",
        params![key_id, holder_id, device_key, bound_card, now],
    )?;
    Ok(())
}
