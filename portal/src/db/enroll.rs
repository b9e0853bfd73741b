//! The enrollment decision, in one transaction with the request's nonce:
//! printed card, lockout, code, reuse, expiry, binding.
//!
//! The binding itself — a status index of its own for this phone, the
//! holder's earlier phones ended, the card signed again — is made by the
//! issuer inside that transaction, and only once everything else has
//! passed: a wrong code or a repeated request never uses up an index.

use super::{DbError, holders, nonces, wallets};
use crate::codes;
use docket_core::device::DevicePublicKey;
use docket_core::portal_api::ActivationCode;
use docket_core::sc1::SignedCard;
use docket_core::trust::{MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES, TrustStore};
use docket_core::verify::Verifier;
use docket_issuer::{IssuerDir, STATUS_LIST, TRUST_LIST};
use jiff::Timestamp;
use rusqlite::Connection;
use std::path::PathBuf;
use subtle::ConstantTimeEq;

/// Wrong codes allowed per printed card (per code issued) before the
/// enrollment locks.
pub(crate) const MAX_ATTEMPTS: u32 = 5;

/// A verified enrollment request, reduced to what the decision needs.
pub(crate) struct EnrollInput {
    pub key_id: String,
    pub nonce: String,
    pub now: Timestamp,
    /// The presented card, `None` when it is not a current printed card
    /// of this issuer (the nonce is still recorded, so that a replay of
    /// even a refused request is refused as a replay).
    pub card: Option<PresentedCard>,
    /// The typed code, `None` when it did not parse.
    pub code: Option<ActivationCode>,
    /// The device key.
    pub device_key: DevicePublicKey,
    /// The issuer directory that binds the card.
    pub issuer: PathBuf,
}

/// A presented card that verified against the issuer's current lists.
pub(crate) struct PresentedCard {
    /// Its number.
    pub serial: String,
    /// The printed card as presented.
    pub printed: SignedCard,
}

/// What the holder gets on success.
pub(crate) struct Enrolled {
    pub bound_card: String,
    pub photo: Vec<u8>,
    pub hearings: String,
    pub hearings_etag: String,
}

/// The decision.
pub(crate) enum EnrollOutcome {
    /// The nonce was seen before: nothing happened.
    Replayed,
    /// No holder has exactly this printed card.
    CardUnknown,
    /// Locked before this request.
    Locked,
    /// Wrong code, tries left.
    Wrong { attempts_left: u32 },
    /// Wrong code, and that was the last try.
    LockedNow,
    /// The code was used by another wallet.
    Used,
    /// The code is past its expiry.
    Expired,
    /// This device key is enrolled for another holder.
    KeyTaken,
    /// Bound now, or already bound to this same key (a repeat).
    Enrolled(Enrolled),
}

pub(crate) fn enroll(conn: &mut Connection, input: EnrollInput) -> Result<EnrollOutcome, DbError> {
    let tx = conn.transaction()?;
    if !nonces::record(&tx, &input.key_id, &input.nonce, input.now)? {
        return Ok(EnrollOutcome::Replayed);
    }
    // Everything below commits, refusals included: the nonce is used up
    // and a wrong code counts.
    let outcome = decide(&tx, &input)?;
    tx.commit()?;
    Ok(outcome)
}

fn decide(conn: &Connection, input: &EnrollInput) -> Result<EnrollOutcome, DbError> {
    let Some(card) = &input.card else {
        return Ok(EnrollOutcome::CardUnknown);
    };
    let Some(holder) = holders::by_serial(conn, &card.serial)? else {
        return Ok(EnrollOutcome::CardUnknown);
    };
    let same_card: bool = holder
        .printed_card
        .as_slice()
        .ct_eq(card.printed.payload())
        .into();
    if !same_card {
        return Ok(EnrollOutcome::CardUnknown);
    }
    if holder.locked {
        return Ok(EnrollOutcome::Locked);
    }
    if !codes::matches(&holder.code_salt, &holder.code_hash, input.code.as_ref()) {
        let failed = holder.failed_attempts.saturating_add(1).min(MAX_ATTEMPTS);
        let locked = failed >= MAX_ATTEMPTS;
        holders::record_failure(conn, holder.id, failed, locked)?;
        return Ok(if locked {
            EnrollOutcome::LockedNow
        } else {
            EnrollOutcome::Wrong {
                attempts_left: MAX_ATTEMPTS - failed,
            }
        });
    }
    let enrolled = |bound_card: String| -> Result<EnrollOutcome, DbError> {
        let (hearings, hearings_etag) = holders::hearings(conn, holder.id)?;
        Ok(EnrollOutcome::Enrolled(Enrolled {
            bound_card,
            photo: holder.photo.clone(),
            hearings,
            hearings_etag,
        }))
    };
    match &holder.code_used_by {
        // The same phone again: its first answer was probably lost.
        Some(used_by) if *used_by == input.key_id => {
            let wallet = wallets::get(conn, used_by)?
                .ok_or_else(|| DbError::Damaged("a used code names no wallet".into()))?;
            return enrolled(wallet.bound_card);
        }
        Some(_) => return Ok(EnrollOutcome::Used),
        None => {}
    }
    if super::seconds(input.now) >= holder.code_expires_at {
        return Ok(EnrollOutcome::Expired);
    }
    if let Some(existing) = wallets::get(conn, &input.key_id)?
        && existing.holder_id != holder.id
    {
        return Ok(EnrollOutcome::KeyTaken);
    }
    let bound_card = bind(input, &card.printed)?;
    wallets::bind(
        conn,
        &input.key_id,
        holder.id,
        &input.device_key.to_hex(),
        &bound_card,
        input.now,
    )?;
    holders::mark_code_used(conn, holder.id, &input.key_id)?;
    enrolled(bound_card)
}

/// The issuer binds the printed card to the phone's key (ending the
/// holder's earlier bindings) and the portal checks the result against
/// the lists it now publishes: a card that would not verify is never
/// handed out.
fn bind(input: &EnrollInput, printed: &SignedCard) -> Result<String, DbError> {
    let failed = |e: anyhow::Error| DbError::Issuer(format!("{e:#}"));
    let dir = IssuerDir::open(&input.issuer).map_err(failed)?;
    let binding = dir
        .bind_card(printed, input.device_key, input.now)
        .map_err(failed)?;
    let mut store = TrustStore::new(vec![dir.root_public().map_err(failed)?]);
    let read = |name: &str, max: usize| {
        docket_core::files::read_limited(&dir.file(name), max as u64, "signed list")
            .map_err(|e| DbError::Issuer(e.to_string()))
    };
    store
        .install_trust_list(&read(TRUST_LIST, MAX_TRUST_LIST_BYTES)?, input.now)
        .map_err(|e| DbError::Issuer(e.to_string()))?;
    store
        .install_status_list(&read(STATUS_LIST, MAX_STATUS_LIST_BYTES)?, input.now)
        .map_err(|e| DbError::Issuer(e.to_string()))?;
    let verdict = Verifier::new(store, crate::lists_policy()).check_card(&binding.card, input.now);
    if !verdict.reasons.is_empty() {
        return Err(DbError::Issuer(format!(
            "a freshly bound card does not verify: {}",
            verdict.reason_codes().join(", ")
        )));
    }
    Ok(binding.card.to_text())
}
