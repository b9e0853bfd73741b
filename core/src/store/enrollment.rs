//! Where the wallet is enrolled, and when a sync last reached the portal.

use super::{Store, StoreError, from_sql_time, to_sql_time};
use crate::trust::Ed25519PublicKey;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

/// The wallet's enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// The portal's base URL.
    pub portal_url: String,
    /// When enrollment completed.
    pub enrolled_at: Timestamp,
    /// When a sync last completed with the portal reachable.
    pub last_synced_at: Option<Timestamp>,
    /// The issuer root pinned at enrollment by a wallet with no built-in
    /// roots (the desktop stand-in).
    pub trust_root: Option<Ed25519PublicKey>,
}

impl Store {
    /// Records the enrollment (replacing an earlier one). Called after the
    /// card, photo, trust data and hearings are saved.
    pub fn save_enrollment(
        &mut self,
        portal_url: &str,
        trust_root: Option<&Ed25519PublicKey>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.writable()?;
        self.conn.execute(
            "INSERT INTO enrollment (slot, portal_url, enrolled_at, last_synced_at, trust_root)
             VALUES (1, ?1, ?2, ?2, ?3)
             ON CONFLICT (slot) DO UPDATE
                 SET portal_url = ?1, enrolled_at = ?2, last_synced_at = ?2, trust_root = ?3",
            params![portal_url, to_sql_time(at), trust_root.map(|k| k.to_hex())],
        )?;
        Ok(())
    }

    /// The enrollment; `None` before one completed.
    pub fn enrollment(&self) -> Result<Option<Enrollment>, StoreError> {
        let row: Option<(String, i64, Option<i64>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT portal_url, enrolled_at, last_synced_at, trust_root
                 FROM enrollment WHERE slot = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()?;
        row.map(|(portal_url, enrolled_at, synced, root)| {
            let trust_root = root
                .map(|hex| Ed25519PublicKey::from_hex(&hex))
                .transpose()
                .map_err(|e| StoreError::Corrupt {
                    detail: format!("the pinned trust root is unusable: {e}"),
                })?;
            Ok(Enrollment {
                portal_url,
                enrolled_at: from_sql_time(enrolled_at)?,
                last_synced_at: synced.map(from_sql_time).transpose()?,
                trust_root,
            })
        })
        .transpose()
    }

    /// Records that a sync reached the portal at `at`.
    pub fn record_sync(&mut self, at: Timestamp) -> Result<(), StoreError> {
        self.writable()?;
        self.conn.execute(
            "UPDATE enrollment SET last_synced_at = ?1 WHERE slot = 1",
            [to_sql_time(at)],
        )?;
        Ok(())
    }
}
