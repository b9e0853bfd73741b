//! Why a presentation is not valid, in a stable code for machines and a
//! sentence an officer can act on.

use super::ListAge;
use crate::card::{CardDate, StatusIndex};
use crate::sc1::FormatError;
use crate::trust::{KeyId, ListKind, TrustError};

/// One reason a verdict is not "valid".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The text is not a well-formed SC1 presentation.
    Format(FormatError),
    /// The verifier's trust data was refused when it was loaded.
    TrustData(TrustError),
    /// No trust list is installed.
    TrustListMissing,
    /// The trust list has expired.
    TrustListExpired,
    /// The trust list is older than the policy allows.
    TrustListStale,
    /// No status list is installed.
    StatusListMissing,
    /// The status list has expired.
    StatusListExpired,
    /// The status list is older than the policy allows.
    StatusListStale,
    /// This device's clock is before the issue time of installed trust data.
    VerifierClockBehind,
    /// No trusted key has the card's key id.
    UnknownIssuerKey(KeyId),
    /// The key that signed the card may not sign cards.
    IssuerKeyWrongUsage(KeyId),
    /// The key that signed the card is outside its validity window (now, or
    /// on the card's issue date).
    IssuerKeyOutsideValidity(KeyId),
    /// No trusted key with the card's key id made its signature.
    IssuerSignatureInvalid,
    /// The card's issue date has not begun.
    CardNotYetValid(CardDate),
    /// The card's expiry date has passed.
    CardExpired(CardDate),
    /// The status list says revoked.
    CardRevoked,
    /// The status list says suspended.
    CardSuspended,
    /// This phone's copy of the card was withdrawn: the card was enrolled
    /// on another phone, or this phone was reported lost. The card itself
    /// (the printed one, the holder's current phone) is not affected.
    BindingRevoked,
    /// The status list holds a value this version does not define.
    CardStatusUnknown,
    /// The card's status index is beyond the installed status list.
    StatusIndexOutOfRange(StatusIndex),
    /// A card bound to a phone was shown in static form (a screenshot or
    /// copy of the wallet's card, not a live code).
    LivePresentationRequired,
    /// The live code is older than the policy allows.
    LiveCodeStale,
    /// The live code's time is further ahead than the allowed clock skew.
    LiveCodeFromFuture,
    /// This exact live code was already scanned.
    LiveCodeReplayed,
    /// The bound key did not make the live signature.
    DeviceSignatureInvalid,
    /// The live code passed every check but this phone could not save it
    /// to its replay memory, so a second showing of the same image (a
    /// screenshot) could not be told apart after a restart: the verdict
    /// is not valid (the officer's facade adds this, never the procedure).
    ReplayNotRecorded,
}

impl Reason {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Format(e) => e.code(),
            Reason::TrustData(e) => e.code(),
            Reason::TrustListMissing => "trust_list_missing",
            Reason::TrustListExpired => "trust_list_expired",
            Reason::TrustListStale => "trust_list_stale",
            Reason::StatusListMissing => "status_list_missing",
            Reason::StatusListExpired => "status_list_expired",
            Reason::StatusListStale => "status_list_stale",
            Reason::VerifierClockBehind => "verifier_clock_behind",
            Reason::UnknownIssuerKey(_) => "unknown_issuer_key",
            Reason::IssuerKeyWrongUsage(_) => "issuer_key_wrong_usage",
            Reason::IssuerKeyOutsideValidity(_) => "issuer_key_outside_validity",
            Reason::IssuerSignatureInvalid => "issuer_signature_invalid",
            Reason::CardNotYetValid(_) => "card_not_yet_valid",
            Reason::CardExpired(_) => "card_expired",
            Reason::CardRevoked => "card_revoked",
            Reason::CardSuspended => "card_suspended",
            Reason::BindingRevoked => "binding_revoked",
            Reason::CardStatusUnknown => "card_status_unknown",
            Reason::StatusIndexOutOfRange(_) => "status_index_out_of_range",
            Reason::LivePresentationRequired => "live_presentation_required",
            Reason::LiveCodeStale => "live_code_stale",
            Reason::LiveCodeFromFuture => "live_code_from_future",
            Reason::LiveCodeReplayed => "live_code_replayed",
            Reason::DeviceSignatureInvalid => "device_signature_invalid",
            Reason::ReplayNotRecorded => "replay_not_recorded",
        }
    }

    /// Why a list of `kind` standing at `age` cannot be relied on, if it
    /// cannot.
    pub fn list_age(kind: ListKind, age: ListAge) -> Option<Reason> {
        match (kind, age) {
            (_, ListAge::Current) => None,
            (ListKind::TrustList, ListAge::Expired) => Some(Reason::TrustListExpired),
            (ListKind::TrustList, ListAge::Stale) => Some(Reason::TrustListStale),
            (ListKind::StatusList, ListAge::Expired) => Some(Reason::StatusListExpired),
            (ListKind::StatusList, ListAge::Stale) => Some(Reason::StatusListStale),
        }
    }

    /// The reason for a list of `kind` that is not installed.
    pub fn list_missing(kind: ListKind) -> Reason {
        match kind {
            ListKind::TrustList => Reason::TrustListMissing,
            ListKind::StatusList => Reason::StatusListMissing,
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Format(e) => write!(f, "{e}"),
            Reason::TrustData(e) => write!(f, "{e}"),
            Reason::TrustListMissing => f.write_str("No trust list is installed: connect once to download it."),
            Reason::TrustListExpired => f.write_str("The trust list has expired: connect to download a new one."),
            Reason::TrustListStale => f.write_str("The trust list is too old to rely on: connect to refresh it."),
            Reason::StatusListMissing => {
                f.write_str("No revocation list is installed: connect once to download it.")
            }
            Reason::StatusListExpired => {
                f.write_str("The revocation list has expired: connect to download a new one.")
            }
            Reason::StatusListStale => {
                f.write_str("The revocation list is too old to rely on: connect to refresh it.")
            }
            Reason::VerifierClockBehind => {
                f.write_str("This phone's clock is wrong (behind the trust data): set the date and time.")
            }
            Reason::UnknownIssuerKey(id) => write!(
                f,
                "The card names issuer key {id}, which this phone does not trust: refresh the trust list; if it persists, the card is not genuine."
            ),
            Reason::IssuerKeyWrongUsage(id) => write!(
                f,
                "The card was signed by issuer key {id}, which may not sign cards: the card is not genuine."
            ),
            Reason::IssuerKeyOutsideValidity(id) => write!(
                f,
                "The card was signed by issuer key {id} outside that key's validity period: the card is not accepted."
            ),
            Reason::IssuerSignatureInvalid => {
                f.write_str("The card's signature does not match: it was altered or forged. Do not accept it.")
            }
            Reason::CardNotYetValid(issued) => write!(f, "The card is not valid until {issued}."),
            Reason::CardExpired(expires) => write!(f, "The card expired on {expires}."),
            Reason::CardRevoked => f.write_str("The card has been revoked."),
            Reason::CardSuspended => f.write_str("The card is suspended."),
            Reason::BindingRevoked => f.write_str(
                "This phone no longer holds this card: it was moved to another phone or this phone was reported lost. Do not accept this phone's code; the printed card and the holder's current phone are not affected.",
            ),
            Reason::CardStatusUnknown => {
                f.write_str("The revocation list gives this card a status this app does not know: update the app.")
            }
            Reason::StatusIndexOutOfRange(index) => write!(
                f,
                "The revocation list does not cover this card (entry {}): it is newer than the list; connect to refresh.",
                index.value()
            ),
            Reason::LivePresentationRequired => f.write_str(
                "This is a still image of a phone's card, not its live code: ask the holder to open the wallet and show the live code.",
            ),
            Reason::LiveCodeStale => f.write_str(
                "The live code is too old: it may be a screenshot. Ask the holder to show the live code on their phone.",
            ),
            Reason::LiveCodeFromFuture => f.write_str(
                "The live code's time is ahead of this phone's clock: check both phones' date and time.",
            ),
            Reason::LiveCodeReplayed => f.write_str(
                "This exact code was already scanned: it may be a screenshot. A genuine wallet shows a new code every few seconds; scan again after it changes.",
            ),
            Reason::DeviceSignatureInvalid => f.write_str(
                "The live code was not made by the phone this card belongs to: the card may have been copied. Do not accept it.",
            ),
            Reason::ReplayNotRecorded => f.write_str(
                "This phone could not record the code, so it cannot tell a screenshot from a live code: free some storage on this phone, then scan the live code again.",
            ),
        }
    }
}
