//! The officer's answer: valid or not, why, and whose card it is.

use super::reason::Reason;
use crate::card::Card;
use jiff::Timestamp;
use serde::Serialize;

/// How the card was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PresentationForm {
    /// A live code from the holder's phone.
    Live,
    /// A static code (the printed card, or a still of a phone's card).
    Static,
}

/// The holder fields an officer's screen shows, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderView {
    /// Family name as signed.
    pub family_name: String,
    /// Given names as signed.
    pub given_names: String,
    /// Whether either name was shortened to fit the card.
    pub name_shortened: bool,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// `M`, `F` or `X`.
    pub sex: String,
    /// Three-letter code.
    pub nationality: String,
    /// The nationality in English.
    pub nationality_name: String,
    /// Card number, `XXXX-XXXX`.
    pub card_number: String,
    /// Issue date.
    pub issued: String,
    /// Expiry date.
    pub expires: String,
    /// Opaque case reference, `XXXX-XXXX`.
    pub case_reference: String,
    /// Hex digest of the photo the wallet shows.
    pub photo_digest: String,
    /// Whether the card is bound to a phone.
    pub bound_to_phone: bool,
}

impl HolderView {
    /// The display fields of a card.
    pub fn of(card: &Card) -> Self {
        HolderView {
            family_name: card.name.family().to_owned(),
            given_names: card.name.given().to_owned(),
            name_shortened: card.name.family_shortened() || card.name.given_shortened(),
            date_of_birth: card.date_of_birth.to_string(),
            sex: card.sex.letter().to_owned(),
            nationality: card.nationality.code().to_owned(),
            nationality_name: card.nationality.english_name().to_owned(),
            card_number: card.serial.to_string(),
            issued: card.issued.to_string(),
            expires: card.expires.to_string(),
            case_reference: card.case_reference.to_string(),
            photo_digest: card.photo_digest.to_string(),
            bound_to_phone: card.is_bound(),
        }
    }
}

/// The result of one verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Empty exactly when the card is valid.
    pub reasons: Vec<Reason>,
    /// The holder, once the issuer's signature has verified (never for a
    /// forged or unreadable code).
    pub holder: Option<HolderView>,
    /// How the card was shown, once it parsed.
    pub form: Option<PresentationForm>,
    /// The verifier's time of the check.
    pub checked_at: Timestamp,
}

impl Verdict {
    /// Whether the card is genuine, current, not revoked and, for a phone,
    /// live.
    pub fn is_valid(&self) -> bool {
        self.reasons.is_empty() && self.holder.is_some()
    }

    /// The reason codes, in order.
    pub fn reason_codes(&self) -> Vec<&'static str> {
        self.reasons.iter().map(Reason::code).collect()
    }

    pub(crate) fn refused(
        reason: Reason,
        form: Option<PresentationForm>,
        checked_at: Timestamp,
    ) -> Self {
        Verdict {
            reasons: vec![reason],
            holder: None,
            form,
            checked_at,
        }
    }
}
