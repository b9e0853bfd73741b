//! The cached hearings: one sealed list with the portal's ETag and the
//! time it was fetched, replaced whole on every refresh.

use super::{Store, StoreError, from_sql_time, to_sql_time};
use crate::hearings::{Hearing, HearingChanges, diff, parse_hearings_json};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

const CACHE_ROW: &[u8] = b"1";

/// Longest ETag kept. A longer one (or one with characters HTTP does not
/// allow) is dropped, which only costs one full download next time.
const MAX_ETAG_LEN: usize = 256;

/// The hearings as last fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HearingCache {
    /// Every hearing the portal sent, cancelled ones included.
    pub hearings: Vec<Hearing>,
    /// The portal's ETag for them, for `If-None-Match`.
    pub etag: Option<String>,
    /// When they were last confirmed current.
    pub fetched_at: Timestamp,
}

impl Store {
    /// The cached hearings; `None` before the first fetch.
    pub fn hearing_cache(&self) -> Result<Option<HearingCache>, StoreError> {
        let row: Option<(Vec<u8>, Option<String>, i64)> = self
            .conn
            .query_row(
                "SELECT hearings_sealed, etag, fetched_at FROM hearing_cache WHERE slot = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((sealed, etag, fetched_at)) = row else {
            return Ok(None);
        };
        let json = self.open_sealed("hearing_cache.hearings", CACHE_ROW, &sealed)?;
        let hearings = parse_hearings_json(&json).map_err(StoreError::StoredHearingsInvalid)?;
        Ok(Some(HearingCache {
            hearings,
            etag,
            fetched_at: from_sql_time(fetched_at)?,
        }))
    }

    /// Replaces the cache with a fresh list from the portal and reports
    /// what changed since the last one (everything is `added` the first
    /// time). Old and new are compared and written in one transaction.
    pub fn replace_hearings(
        &mut self,
        hearings: Vec<Hearing>,
        etag: Option<&str>,
        fetched_at: Timestamp,
    ) -> Result<HearingChanges, StoreError> {
        self.writable()?;
        let before = self
            .hearing_cache()?
            .map(|cache| cache.hearings)
            .unwrap_or_default();
        let changes = diff(&before, &hearings);
        let json =
            serde_json::to_vec(&hearings).map_err(|e| StoreError::Database(e.to_string()))?;
        let sealed = self.seal("hearing_cache.hearings", CACHE_ROW, &json)?;
        let etag = etag.filter(|etag| usable_etag(etag));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO hearing_cache (slot, hearings_sealed, etag, fetched_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (slot) DO UPDATE SET hearings_sealed = ?1, etag = ?2, fetched_at = ?3",
            params![sealed, etag, to_sql_time(fetched_at)],
        )?;
        tx.commit()?;
        Ok(changes)
    }

    /// Records that the portal confirmed the cached hearings are current
    /// (a `304 Not Modified`). Returns false if there is no cache to
    /// confirm.
    pub fn confirm_hearings(&mut self, fetched_at: Timestamp) -> Result<bool, StoreError> {
        self.writable()?;
        let updated = self.conn.execute(
            "UPDATE hearing_cache SET fetched_at = ?1 WHERE slot = 1",
            [to_sql_time(fetched_at)],
        )?;
        Ok(updated == 1)
    }
}

/// An entity tag as HTTP allows it: visible ASCII, bounded.
fn usable_etag(etag: &str) -> bool {
    !etag.is_empty() && etag.len() <= MAX_ETAG_LEN && etag.bytes().all(|b| b.is_ascii_graphic())
}
