//! Check-ins and address changes: the first answer to each (holder,
//! Idempotency-Key) is stored with the exact body, so a repeat gets the
//! same answer and a different body under the same key is refused. Keys
//! are the holder's, not one phone's: after a re-enrollment the new phone
//! sends the old phone's queued items under their original keys, and one
//! the old phone delivered is answered as it was then.

use super::{DbError, nonces};
use docket_core::outbox::ItemKind;
use docket_core::portal_api::SubmissionReceipt;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// A verified submission, reduced to what the decision needs.
pub(crate) struct SubmitInput {
    pub key_id: String,
    pub holder_id: i64,
    pub nonce: String,
    pub now: Timestamp,
    /// Canonical (lower-case, hyphenated) UUID.
    pub idempotency_key: String,
    pub kind: ItemKind,
    pub body: Vec<u8>,
    /// `None` when the body is valid; else the 422 problem document to
    /// answer (and remember).
    pub refusal: Option<Vec<u8>>,
}

/// The decision.
pub(crate) enum SubmitOutcome {
    /// The signature's nonce was seen before: nothing happened.
    Replayed,
    /// The first request with this key: its answer.
    First { status: u16, response: Vec<u8> },
    /// The same request again: the first answer.
    Repeat { status: u16, response: Vec<u8> },
    /// The key was used for a different kind or body.
    KeyReused,
}

pub(crate) fn submit(conn: &mut Connection, input: SubmitInput) -> Result<SubmitOutcome, DbError> {
    let tx = conn.transaction()?;
    if !nonces::record(&tx, &input.key_id, &input.nonce, input.now)? {
        return Ok(SubmitOutcome::Replayed);
    }
    let digest: [u8; 32] = Sha256::digest(&input.body).into();
    let stored: Option<(String, Vec<u8>, u16, Vec<u8>)> = tx
        .query_row(
            "SELECT kind, body_sha256, status, response FROM submissions
             WHERE holder_id = ?1 AND idempotency_key = ?2",
            params![input.holder_id, input.idempotency_key],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let outcome = match stored {
        Some((kind, sha, status, response)) => {
            if kind == input.kind.code() && sha == digest {
                SubmitOutcome::Repeat { status, response }
            } else {
                SubmitOutcome::KeyReused
            }
        }
        None => {
            let (status, response, reference) = match &input.refusal {
                Some(problem) => (422, problem.clone(), None),
                None => {
                    let reference = new_reference(&tx, input.kind)?;
                    let receipt = SubmissionReceipt {
                        reference: reference.clone(),
                        received_at: input.now,
                    };
                    let json = serde_json::to_vec(&receipt)
                        .map_err(|e| DbError::Damaged(e.to_string()))?;
                    (201, json, Some(reference))
                }
            };
            tx.execute(
                "INSERT INTO submissions (holder_id, wallet_key_id, idempotency_key, kind, body,
                                          body_sha256, status, response, reference, received_at)
                 VALUES (?10, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    input.key_id,
                    input.idempotency_key,
                    input.kind.code(),
                    input.body,
                    digest.as_slice(),
                    status,
                    response,
                    reference,
                    super::seconds(input.now),
                    input.holder_id,
                ],
            )?;
            SubmitOutcome::First { status, response }
        }
    };
    // Committed (synchronous = FULL) before the answer is sent.
    tx.commit()?;
    Ok(outcome)
}

/// A fresh reference, `CI-XXXX-XXXX` or `AC-XXXX-XXXX`: 40 random bits in
/// Crockford Base32, easy to read out on the phone to a court clerk.
fn new_reference(conn: &Connection, kind: ItemKind) -> Result<String, DbError> {
    // Collisions are about one in a million after a million items; a few
    // draws make one practically impossible.
    for _ in 0..16 {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| DbError::Damaged(e.to_string()))?;
        let value = u64::from_le_bytes(bytes) >> 24;
        let reference = SubmissionReceipt::reference_for(kind, value);
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM submissions WHERE reference = ?1)",
            params![reference],
            |row| row.get(0),
        )?;
        if !taken {
            return Ok(reference);
        }
    }
    Err(DbError::Damaged("no free submission reference".into()))
}

/// An accepted submission, for the admin listing.
pub(crate) struct ReceivedRow {
    pub idempotency_key: String,
    pub kind: String,
    pub received_at: i64,
    pub reference: String,
    pub card_serial: String,
}

/// Every accepted submission, oldest first.
pub(crate) fn received(conn: &Connection) -> Result<Vec<ReceivedRow>, DbError> {
    let mut statement = conn.prepare(
        "SELECT s.idempotency_key, s.kind, s.received_at, s.reference, h.serial
         FROM submissions s
         JOIN holders h ON h.id = s.holder_id
         WHERE s.status = 201
         ORDER BY s.id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(ReceivedRow {
            idempotency_key: row.get(0)?,
            kind: row.get(1)?,
            received_at: row.get(2)?,
            reference: row.get(3)?,
            card_serial: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
