//! The schema, one file per version, each applied in its own transaction
//! together with its `user_version`.

use super::DbError;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// "DKTP": marks the file as a portal database (the wallet's is "DKTW").
const APPLICATION_ID: i64 = 0x444B_5450;

/// Version `i + 1` is `MIGRATIONS[i]`.
const MIGRATIONS: &[&str] = &[
    include_str!("0001_init.sql"),
    include_str!("0002_bindings.sql"),
];

/// The schema version this build writes.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the file to [`LATEST`], refusing files that are not ours or are
/// newer. Each step takes the write lock first (`BEGIN IMMEDIATE`) and
/// reads the version inside it, so a server and an admin command opening a
/// new file at once do not both apply a step.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), DbError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let app: i64 = tx.query_row("PRAGMA application_id", [], |row| row.get(0))?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let objects: i64 =
            tx.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
        if app != APPLICATION_ID && (app != 0 || objects != 0) {
            return Err(DbError::NotOurs(path.to_owned()));
        }
        if version > LATEST {
            return Err(DbError::Newer {
                path: path.to_owned(),
                found: version,
                known: LATEST,
            });
        }
        if version == LATEST {
            return Ok(());
        }
        let step = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
            .ok_or_else(|| DbError::Damaged(format!("schema version {version}")))?;
        tx.execute_batch(step)?;
        tx.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
            version + 1
        ))?;
        tx.commit()?;
    }
}
