//! Holders: one row per printed card, with its activation code (hashed),
//! photo and hearing list.

use super::DbError;
use crate::codes::CodeSecret;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A holder as the enrollment needs it.
pub(crate) struct HolderRow {
    pub id: i64,
    pub printed_card: Vec<u8>,
    pub photo: Vec<u8>,
    pub code_salt: Vec<u8>,
    pub code_hash: Vec<u8>,
    pub code_expires_at: i64,
    pub code_used_by: Option<String>,
    pub failed_attempts: u32,
    pub locked: bool,
}

/// What a new holder row holds.
pub(crate) struct NewHolderRow<'a> {
    pub serial: &'a str,
    pub printed_card: &'a [u8],
    pub photo: &'a [u8],
    pub code: &'a CodeSecret,
    pub code_expires_at: Timestamp,
    pub hearings: &'a str,
    pub hearings_etag: &'a str,
    pub now: Timestamp,
}

pub(crate) fn insert(conn: &Connection, row: &NewHolderRow<'_>) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO holders (serial, printed_card, photo, code_salt, code_hash,
                              code_issued_at, code_expires_at, hearings, hearings_etag, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?6)",
        params![
            row.serial,
            row.printed_card,
            row.photo,
            row.code.salt.as_slice(),
            row.code.hash.as_slice(),
            super::seconds(row.now),
            super::seconds(row.code_expires_at),
            row.hearings,
            row.hearings_etag,
        ],
    )?;
    Ok(())
}

pub(crate) fn by_serial(conn: &Connection, serial: &str) -> Result<Option<HolderRow>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id, printed_card, photo, code_salt, code_hash, code_expires_at,
                    code_used_by, failed_attempts, locked
             FROM holders WHERE serial = ?1",
            params![serial],
            holder_row,
        )
        .optional()?)
}

fn holder_row(row: &Row<'_>) -> rusqlite::Result<HolderRow> {
    Ok(HolderRow {
        id: row.get(0)?,
        printed_card: row.get(1)?,
        photo: row.get(2)?,
        code_salt: row.get(3)?,
        code_hash: row.get(4)?,
        code_expires_at: row.get(5)?,
        code_used_by: row.get(6)?,
        failed_attempts: row.get(7)?,
        locked: row.get(8)?,
    })
}

/// Counts a wrong code; `locked` when this try used up the last one.
pub(crate) fn record_failure(
    conn: &Connection,
    id: i64,
    failed_attempts: u32,
    locked: bool,
) -> Result<(), DbError> {
    conn.execute(
        "UPDATE holders SET failed_attempts = ?2, locked = ?3 WHERE id = ?1",
        params![id, failed_attempts, locked],
    )?;
    Ok(())
}

pub(crate) fn mark_code_used(conn: &Connection, id: i64, key_id: &str) -> Result<(), DbError> {
    conn.execute(
        "UPDATE holders SET code_used_by = ?2 WHERE id = ?1",
        params![id, key_id],
    )?;
    Ok(())
}

/// Replaces the code, clearing its use, failures and lock. `false` when
/// there is no such holder.
pub(crate) fn replace_code(
    conn: &Connection,
    serial: &str,
    code: &CodeSecret,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<bool, DbError> {
    let changed = conn.execute(
        "UPDATE holders SET code_salt = ?2, code_hash = ?3, code_issued_at = ?4,
                            code_expires_at = ?5, code_used_by = NULL,
                            failed_attempts = 0, locked = 0
         WHERE serial = ?1",
        params![
            serial,
            code.salt.as_slice(),
            code.hash.as_slice(),
            super::seconds(now),
            super::seconds(expires_at),
        ],
    )?;
    Ok(changed == 1)
}

/// The hearing list and its tag.
pub(crate) fn hearings(conn: &Connection, id: i64) -> Result<(String, String), DbError> {
    Ok(conn.query_row(
        "SELECT hearings, hearings_etag FROM holders WHERE id = ?1",
        params![id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?)
}

/// The hearing list of the holder with `serial`.
pub(crate) fn hearings_by_serial(
    conn: &Connection,
    serial: &str,
) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row(
            "SELECT hearings FROM holders WHERE serial = ?1",
            params![serial],
            |row| row.get(0),
        )
        .optional()?)
}

pub(crate) fn set_hearings(
    conn: &Connection,
    serial: &str,
    hearings: &str,
    etag: &str,
) -> Result<bool, DbError> {
    let changed = conn.execute(
        "UPDATE holders SET hearings = ?2, hearings_etag = ?3 WHERE serial = ?1",
        params![serial, hearings, etag],
    )?;
    Ok(changed == 1)
}
