//! The Secure Docket Card as data: every field a card carries, each a type
//! that can only hold a valid value, plus the rules that tie fields
//! together (issued before expiry, born before issue).

mod countries;
pub mod date;
pub mod ids;
pub mod name;
pub mod nationality;

pub use date::{BirthDate, CardDate, DateError};
pub use ids::{CaseReference, IdRangeError, PhotoDigest, Serial, StatusIndex};
pub use name::{HolderName, NAME_BUDGET, NAME_GUARANTEE, NameError, NameField, NameProblem};
pub use nationality::{Nationality, NationalityError};

use crate::device::DevicePublicKey;
use crate::trust::KeyId;
use thiserror::Error;

/// Sex as printed on the card (ICAO 9303: M, F or X).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Male.
    M,
    /// Female.
    F,
    /// Unspecified.
    X,
}

impl Sex {
    /// Parses `M`, `F` or `X` (either case).
    pub fn parse(text: &str) -> Result<Self, CardError> {
        match text {
            "M" | "m" => Ok(Sex::M),
            "F" | "f" => Ok(Sex::F),
            "X" | "x" => Ok(Sex::X),
            _ => Err(CardError::BadSex {
                text: text.chars().take(8).collect(),
            }),
        }
    }

    /// The letter printed on the card.
    pub fn letter(self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::F => "F",
            Sex::X => "X",
        }
    }

    /// The 2-bit field of the card (0 is not a value).
    pub fn to_bits(self) -> u64 {
        match self {
            Sex::M => 1,
            Sex::F => 2,
            Sex::X => 3,
        }
    }

    /// Decodes the 2-bit field.
    pub fn from_bits(bits: u64) -> Option<Self> {
        match bits {
            1 => Some(Sex::M),
            2 => Some(Sex::F),
            3 => Some(Sex::X),
            _ => None,
        }
    }
}

/// A card whose fields do not make sense together, or a field that does
/// not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CardError {
    /// A name breaks the name rules.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A date is malformed or impossible.
    #[error(transparent)]
    Date(#[from] DateError),
    /// The nationality code is unknown.
    #[error(transparent)]
    Nationality(#[from] NationalityError),
    /// A number does not fit its field.
    #[error(transparent)]
    Range(#[from] IdRangeError),
    /// Sex is not M, F or X.
    #[error("sex must be M, F or X, not {text:?}")]
    BadSex {
        /// What was given.
        text: String,
    },
    /// The card would expire before it is issued.
    #[error("the card expires ({expires}) before it is issued ({issued})")]
    ExpiresBeforeIssue {
        /// Issue date.
        issued: CardDate,
        /// Expiry date.
        expires: CardDate,
    },
    /// The holder would be born after the card was issued.
    #[error("the date of birth ({born}) is after the issue date ({issued})")]
    BornAfterIssue {
        /// Date of birth.
        born: BirthDate,
        /// Issue date.
        issued: CardDate,
    },
}

/// Everything a Secure Docket Card says about its holder and itself.
///
/// Each field is already valid on its own; [`Card::validate`] checks the
/// rules between fields and is applied when a card is signed and when one
/// is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Card number.
    pub serial: Serial,
    /// Family and given names as signed.
    pub name: HolderName,
    /// Date of birth, possibly partial.
    pub date_of_birth: BirthDate,
    /// Sex.
    pub sex: Sex,
    /// Nationality.
    pub nationality: Nationality,
    /// Issue date.
    pub issued: CardDate,
    /// Expiry date (the card is current through the end of this day).
    pub expires: CardDate,
    /// Opaque case reference.
    pub case_reference: CaseReference,
    /// Digest of the holder's photo.
    pub photo_digest: PhotoDigest,
    /// Which issuer key signed (or will sign) the card.
    pub issuer_key_id: KeyId,
    /// Position in the status list.
    pub status_index: StatusIndex,
    /// The wallet key the card is bound to; `None` for the printed card.
    pub device_key: Option<DevicePublicKey>,
}

impl Card {
    /// Checks the rules that involve more than one field.
    pub fn validate(&self) -> Result<(), CardError> {
        if self.expires < self.issued {
            return Err(CardError::ExpiresBeforeIssue {
                issued: self.issued,
                expires: self.expires,
            });
        }
        if self.date_of_birth.earliest() > self.issued.date() {
            return Err(CardError::BornAfterIssue {
                born: self.date_of_birth,
                issued: self.issued,
            });
        }
        Ok(())
    }

    /// Whether the card is bound to a wallet's device key.
    pub fn is_bound(&self) -> bool {
        self.device_key.is_some()
    }
}
