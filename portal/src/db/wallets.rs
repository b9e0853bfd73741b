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
    /// Why the wallet stopped being accepted, if it did.
    pub retired: Option<RetiredReason>,
}

/// Why a wallet's binding ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetiredReason {
    /// A later enrollment of the same holder replaced it.
    Replaced,
    /// The holder reported the phone lost.
    ReportedLost,
}

impl RetiredReason {
    pub(crate) fn code(self) -> &'static str {
        match self {
            RetiredReason::Replaced => "replaced",
            RetiredReason::ReportedLost => "reported_lost",
        }
    }
}

/// The wallet with `key_id`, retired or not.
pub(crate) fn get(conn: &Connection, key_id: &str) -> Result<Option<WalletRow>, DbError> {
    Ok(conn
        .query_row(
            "SELECT holder_id, device_key, bound_card, retired_at IS NOT NULL, retired_reason
             FROM wallets WHERE key_id = ?1",
            params![key_id],
            |row| {
                let retired: bool = row.get(3)?;
                let reason: Option<String> = row.get(4)?;
                Ok(WalletRow {
                    holder_id: row.get(0)?,
                    device_key: row.get(1)?,
                    bound_card: row.get(2)?,
                    retired: retired.then_some(match reason.as_deref() {
                        Some("reported_lost") => RetiredReason::ReportedLost,
                        _ => RetiredReason::Replaced,
                    }),
                })
            },
        )
        .optional()?)
}

/// Ends every active wallet of the holder (`reason`); returns how many.
pub(crate) fn retire_all(
    conn: &Connection,
    holder_id: i64,
    reason: RetiredReason,
    now: Timestamp,
) -> Result<usize, DbError> {
    Ok(conn.execute(
        "UPDATE wallets SET retired_at = ?2, retired_reason = ?3
         WHERE holder_id = ?1 AND retired_at IS NULL",
        params![holder_id, super::seconds(now), reason.code()],
    )?)
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
        "UPDATE wallets SET retired_at = ?3, retired_reason = 'replaced'
         WHERE holder_id = ?1 AND key_id <> ?2 AND retired_at IS NULL",
        params![holder_id, key_id, now],
    )?;
    conn.execute(
        "INSERT INTO wallets (key_id, holder_id, device_key, bound_card, enrolled_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key_id) DO UPDATE SET
             bound_card = excluded.bound_card, enrolled_at = excluded.enrolled_at,
             retired_at = NULL, retired_reason = NULL
         WHERE holder_id = excluded.holder_id",
        params![key_id, holder_id, device_key, bound_card, now],
    )?;
    Ok(())
}
