//! The issuing office's side: add holders (printed card + activation
//! code), give a new code, keep hearings current, and list what wallets
//! sent. Plain synchronous functions over the database file, used by the
//! `docket-portal admin` commands and by tests; they work while a server
//! runs on the same file (WAL, busy timeout), and the server sees their
//! changes on its next request.

use crate::codes::CodeSecret;
use crate::db::wallets::{self, RetiredReason};
use crate::db::{self, DbError, holders, submissions};
use crate::etag;
use docket_core::card::Serial;
use docket_core::hearings::{
    Court, CourtTime, Hearing, HearingError, HearingId, HearingStatus, parse_hearings_json,
};
use docket_core::portal_api::ActivationCode;
use docket_issuer::{CardRequest, EndReason, IssuerDir, issue_card};
use jiff::{SignedDuration, Timestamp};
use rusqlite::TransactionBehavior;
use serde::Serialize;
use std::path::Path;
use thiserror::Error;

/// Days an activation code is valid when not told otherwise.
pub const DEFAULT_CODE_VALID_DAYS: u32 = 30;
/// Longest validity accepted for a code.
pub const MAX_CODE_VALID_DAYS: u32 = 366;

/// Why an admin operation failed.
#[derive(Debug, Error)]
pub enum AdminError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The issuer directory or the card data was refused.
    #[error("{0:#}")]
    Issuer(anyhow::Error),
    /// The hearing list or a hearing is invalid.
    #[error("hearings: {0}")]
    Hearings(#[from] HearingError),
    /// No holder has this card number.
    #[error("no holder has card number {0}")]
    NoSuchHolder(Serial),
    /// The holder has no hearing with this id.
    #[error("card {serial} has no hearing {id}")]
    NoSuchHearing {
        /// The card.
        serial: Serial,
        /// The hearing id.
        id: HearingId,
    },
    /// A hearing with this id exists already.
    #[error("card {serial} already has a hearing {id}; use `hearing move` to change it")]
    HearingExists {
        /// The card.
        serial: Serial,
        /// The hearing id.
        id: HearingId,
    },
    /// The code validity is out of range.
    #[error("a code is valid for 0 to {MAX_CODE_VALID_DAYS} days, not {0}")]
    CodeValidity(u32),
    /// The operating system's random source failed.
    #[error("no randomness for an activation code: {0}")]
    Random(getrandom::Error),
}

impl From<rusqlite::Error> for AdminError {
    fn from(error: rusqlite::Error) -> Self {
        AdminError::Db(DbError::Sqlite(error))
    }
}

/// A holder just added: what the issuing office prints and hands over.
#[derive(Debug, Clone)]
pub struct NewHolder {
    /// The card number.
    pub serial: Serial,
    /// The printed card's QR text (static SC1, unbound).
    pub card_qr: String,
    /// The one-time activation code (shown once; only a hash is kept).
    pub activation_code: ActivationCode,
}

/// An accepted check-in or address change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedSubmission {
    /// The wallet's key for it (a UUID).
    pub idempotency_key: String,
    /// `check_in` or `address_change`.
    pub kind: String,
    /// When the portal recorded it.
    pub received_at: Timestamp,
    /// The reference given to the holder.
    pub reference: String,
    /// The holder's card number.
    pub card_serial: String,
}

/// Issues a printed card from `card` and `photo` with the issuer in
/// `issuer`, and records its holder with a fresh activation code valid
/// for [`DEFAULT_CODE_VALID_DAYS`] and the hearings in `hearings_json`
/// (the API's array form; none when absent).
pub fn add_holder(
    db: &Path,
    issuer: &Path,
    card: &CardRequest,
    photo: &[u8],
    hearings_json: Option<&[u8]>,
    now: Timestamp,
) -> Result<NewHolder, AdminError> {
    add_holder_with_validity(
        db,
        issuer,
        card,
        photo,
        hearings_json,
        now,
        DEFAULT_CODE_VALID_DAYS,
    )
}

/// [`add_holder`], with the code valid for `code_valid_days` from `now`
/// (0: already expired, for tests of expiry).
pub fn add_holder_with_validity(
    db: &Path,
    issuer: &Path,
    card: &CardRequest,
    photo: &[u8],
    hearings_json: Option<&[u8]>,
    now: Timestamp,
    code_valid_days: u32,
) -> Result<NewHolder, AdminError> {
    let expires_at = code_expiry(now, code_valid_days)?;
    let hearings = match hearings_json {
        Some(bytes) => parse_hearings_json(bytes)?,
        None => Vec::new(),
    };
    let (hearings, tag) = encode_hearings(&hearings)?;
    // Everything that can be refused is checked before the card is
    // registered with the issuer (which uses up a card number).
    let conn = db::open(db)?;
    let dir = IssuerDir::open(issuer).map_err(AdminError::Issuer)?;
    let (code, secret) = CodeSecret::generate().map_err(AdminError::Random)?;
    let printed = issue_card(&dir, card, photo, None, now).map_err(AdminError::Issuer)?;
    let serial = printed.card().serial;
    holders::insert(
        &conn,
        &holders::NewHolderRow {
            serial: &serial.to_string(),
            printed_card: printed.payload(),
            photo,
            code: &secret,
            code_expires_at: expires_at,
            hearings: &hearings,
            hearings_etag: &tag,
            now,
        },
    )?;
    Ok(NewHolder {
        serial,
        card_qr: printed.to_text(),
        activation_code: code,
    })
}

/// A new activation code for the holder, valid for
/// [`DEFAULT_CODE_VALID_DAYS`]: the old one stops working, and the
/// failure count and lock are cleared. Once the new code is used, the
/// holder's earlier wallet stops being accepted.
pub fn new_code(db: &Path, serial: Serial) -> Result<ActivationCode, AdminError> {
    new_code_with_validity(db, serial, Timestamp::now(), DEFAULT_CODE_VALID_DAYS)
}

/// [`new_code`] as of `now`, valid for `code_valid_days`.
pub fn new_code_with_validity(
    db: &Path,
    serial: Serial,
    now: Timestamp,
    code_valid_days: u32,
) -> Result<ActivationCode, AdminError> {
    let expires_at = code_expiry(now, code_valid_days)?;
    let conn = db::open(db)?;
    let (code, secret) = CodeSecret::generate().map_err(AdminError::Random)?;
    if holders::replace_code(&conn, &serial.to_string(), &secret, now, expires_at)? {
        Ok(code)
    } else {
        Err(AdminError::NoSuchHolder(serial))
    }
}

/// What reporting a phone lost did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneLost {
    /// The card.
    pub card_serial: String,
    /// How many enrolled phones stopped being accepted by the portal.
    pub wallets_retired: usize,
    /// The status entries now marked `binding_revoked` in the published
    /// list (officers refuse those phones' codes after their next update).
    pub bindings_ended: Vec<u32>,
}

/// The holder reported their phone lost or stolen: every phone the card is
/// enrolled on stops being accepted, by the portal at once and by officers
/// after their next list download, while the card itself (the printed
/// card) stays valid. The holder enrolls a new phone with a new code
/// ([`new_code`]). Repeating it changes nothing more.
pub fn phone_lost(
    db: &Path,
    issuer: &Path,
    serial: Serial,
    now: Timestamp,
) -> Result<PhoneLost, AdminError> {
    let mut conn = db::open(db)?;
    let dir = IssuerDir::open(issuer).map_err(AdminError::Issuer)?;
    // One write transaction around both: if the issuer cannot publish, the
    // portal keeps accepting the phone rather than disagreeing with the
    // list officers see.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let holder =
        holders::by_serial(&tx, &serial.to_string())?.ok_or(AdminError::NoSuchHolder(serial))?;
    let retired = wallets::retire_all(&tx, holder.id, RetiredReason::ReportedLost, now)?;
    let ended = dir
        .end_bindings(serial, EndReason::ReportedLost, now)
        .map_err(AdminError::Issuer)?;
    tx.commit()?;
    Ok(PhoneLost {
        card_serial: serial.to_string(),
        wallets_retired: retired,
        bindings_ended: ended.iter().map(|i| i.value()).collect(),
    })
}

/// Adds a hearing to the holder's list.
pub fn hearing_add(db: &Path, serial: Serial, hearing: Hearing) -> Result<(), AdminError> {
    edit_hearings(db, serial, |list| {
        if list.iter().any(|h| h.id == hearing.id) {
            return Err(AdminError::HearingExists {
                serial,
                id: hearing.id.clone(),
            });
        }
        list.push(hearing);
        Ok(())
    })
}

/// Moves a hearing to `starts` (and to `court`, if given); its status
/// becomes `rescheduled`.
pub fn hearing_move(
    db: &Path,
    serial: Serial,
    id: &HearingId,
    starts: CourtTime,
    court: Option<Court>,
) -> Result<(), AdminError> {
    edit_hearings(db, serial, |list| {
        let hearing = find(list, serial, id)?;
        hearing.starts = starts;
        if let Some(court) = court {
            hearing.court = court;
        }
        hearing.status = HearingStatus::Rescheduled;
        Ok(())
    })
}

/// Marks a hearing `cancelled` (it stays in the list, so the wallet can
/// tell the holder).
pub fn hearing_cancel(db: &Path, serial: Serial, id: &HearingId) -> Result<(), AdminError> {
    edit_hearings(db, serial, |list| {
        find(list, serial, id)?.status = HearingStatus::Cancelled;
        Ok(())
    })
}

/// The holder's hearings as stored.
pub fn hearings(db: &Path, serial: Serial) -> Result<Vec<Hearing>, AdminError> {
    let conn = db::open(db)?;
    let stored = holders::hearings_by_serial(&conn, &serial.to_string())?
        .ok_or(AdminError::NoSuchHolder(serial))?;
    Ok(parse_hearings_json(stored.as_bytes())?)
}

/// Every accepted check-in and address change, oldest first, each once
/// however often its wallet sent it.
pub fn received(db: &Path) -> Result<Vec<ReceivedSubmission>, AdminError> {
    let conn = db::open(db)?;
    submissions::received(&conn)?
        .into_iter()
        .map(|row| {
            Ok(ReceivedSubmission {
                idempotency_key: row.idempotency_key,
                kind: row.kind,
                received_at: db::timestamp(row.received_at)?,
                reference: row.reference,
                card_serial: row.card_serial,
            })
        })
        .collect()
}

fn code_expiry(now: Timestamp, days: u32) -> Result<Timestamp, AdminError> {
    if days > MAX_CODE_VALID_DAYS {
        return Err(AdminError::CodeValidity(days));
    }
    now.checked_add(SignedDuration::from_hours(i64::from(days) * 24))
        .map_err(|_| AdminError::CodeValidity(days))
}

fn find<'a>(
    list: &'a mut [Hearing],
    serial: Serial,
    id: &HearingId,
) -> Result<&'a mut Hearing, AdminError> {
    list.iter_mut()
        .find(|h| h.id == *id)
        .ok_or_else(|| AdminError::NoSuchHearing {
            serial,
            id: id.clone(),
        })
}

/// The list as served (compact JSON) and its entity tag. The list is
/// parsed back with the wallet's own rules, so the portal never stores a
/// list a wallet would refuse (too large, too many hearings).
fn encode_hearings(list: &[Hearing]) -> Result<(String, String), AdminError> {
    let json = serde_json::to_string(list).map_err(|e| HearingError::Malformed {
        detail: e.to_string(),
    })?;
    parse_hearings_json(json.as_bytes())?;
    let tag = etag::of(json.as_bytes());
    Ok((json, tag))
}

/// Reads, edits and writes a holder's list in one write transaction, so
/// two admin commands at once cannot lose an edit.
fn edit_hearings(
    db: &Path,
    serial: Serial,
    edit: impl FnOnce(&mut Vec<Hearing>) -> Result<(), AdminError>,
) -> Result<(), AdminError> {
    let mut conn = db::open(db)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let key = serial.to_string();
    let stored = holders::hearings_by_serial(&tx, &key)?.ok_or(AdminError::NoSuchHolder(serial))?;
    let mut list = parse_hearings_json(stored.as_bytes())?;
    edit(&mut list)?;
    let (json, tag) = encode_hearings(&list)?;
    holders::set_hearings(&tx, &key, &json, &tag)?;
    tx.commit()?;
    Ok(())
}
