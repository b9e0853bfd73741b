//! Signature nonces: each verified request's (keyid, nonce) is recorded in
//! the same transaction as what the request does, so a replayed request
//! can neither act twice nor use up a nonce without acting.

use docket_core::portal_api::signing::MAX_CLOCK_SKEW;
use jiff::Timestamp;
use rusqlite::{Connection, params};

/// How long a nonce is kept: a signature is accepted up to
/// `MAX_CLOCK_SKEW` either side of the portal's clock, so one seen at `t`
/// is stale by `t + 2 × MAX_CLOCK_SKEW` at the latest.
fn retention_secs() -> i64 {
    2 * MAX_CLOCK_SKEW.as_secs()
}

/// Records a nonce. `false` when it was already recorded (a replay).
/// Expired nonces are pruned first; the age index makes that cheap.
pub(crate) fn record(
    conn: &Connection,
    key_id: &str,
    nonce: &str,
    now: Timestamp,
) -> rusqlite::Result<bool> {
    let now = super::seconds(now);
    conn.execute(
        "DELETE FROM nonces WHERE seen_at < ?1",
        params![now - retention_secs()],
    )?;
    let inserted = conn.execute(
        "INSERT INTO nonces (key_id, nonce, seen_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key_id, nonce) DO NOTHING",
        params![key_id, nonce, now],
    )?;
    Ok(inserted == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    #[test]
    fn a_nonce_counts_once_per_key_until_it_is_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::super::open(&dir.path().join("p.sqlite")).unwrap();
        let now: Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        assert!(record(&conn, &a, "nonce-1234567890ab", now).unwrap());
        assert!(!record(&conn, &a, "nonce-1234567890ab", now).unwrap());
        assert!(record(&conn, &b, "nonce-1234567890ab", now).unwrap());
        let edge = now.checked_add(SignedDuration::from_secs(600)).unwrap();
        assert!(!record(&conn, &a, "nonce-1234567890ab", edge).unwrap());
        let later = now.checked_add(SignedDuration::from_secs(601)).unwrap();
        assert!(record(&conn, &a, "nonce-1234567890ab", later).unwrap());
    }
}
