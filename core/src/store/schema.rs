//! Versioned migrations: one SQL file per schema version, each applied in
//! its own transaction together with the new `user_version`, so a crash
//! leaves the database at one version or the next, never between.

use super::error::StoreError;
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// One schema version and the SQL that reaches it from the one before.
pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// Every migration, in order. Append only: a shipped file never changes.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("migrations/0001_card_outbox.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("migrations/0002_hearings.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("migrations/0003_enrollment.sql"),
    },
];

/// The schema version this app writes and the newest it reads.
pub const SCHEMA_VERSION: i64 = 3;

/// `PRAGMA application_id` of a Docket Wallet database ("DKTW").
pub(crate) const APPLICATION_ID: i64 = 0x444B_5457;

/// Applies one migration inside `tx` and records its version there.
pub(crate) fn apply(tx: &Transaction<'_>, migration: &Migration) -> Result<(), StoreError> {
    tx.execute_batch(migration.sql)?;
    tx.pragma_update(None, "user_version", migration.version)?;
    Ok(())
}

/// Brings a database at `from` up to [`SCHEMA_VERSION`], one transaction
/// per version.
pub(crate) fn upgrade(conn: &mut Connection, from: i64) -> Result<(), StoreError> {
    for migration in MIGRATIONS.iter().filter(|m| m.version > from) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        apply(&tx, migration)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_and_end_at_the_current_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, index as i64 + 1);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
