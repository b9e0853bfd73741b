//! Why a text or payload is not a well-formed SC1 presentation.

use crate::card::{CardError, DateError, NameError, NationalityError};
use crate::device::{DeviceKeyError, SignatureFormatError};
use crate::encoding::base45::Base45Error;
use crate::encoding::reader::ReadError;
use thiserror::Error;

/// A presentation that does not parse. Each variant has a stable
/// snake_case [`code`](FormatError::code).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// Longer than any SC1 presentation; refused before decoding.
    #[error(
        "the code is {len} characters long, more than the {max} a Secure Docket Card code can have"
    )]
    TooLarge {
        /// Its length (characters of text or bytes of payload).
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not `SC1:` (exactly, upper case) at the start.
    #[error("this is not a Secure Docket Card code (it does not start with \"SC1:\")")]
    BadPrefix,
    /// The text after the prefix is not canonical Base45.
    #[error("the code is damaged: {0}")]
    Base45(#[from] Base45Error),
    /// A format byte this version does not define. There is no fallback
    /// to another layout.
    #[error("the code uses format byte {byte:#04x}, which this app does not know; update the app")]
    UnsupportedVersion {
        /// The byte.
        byte: u8,
    },
    /// The payload ends inside a field.
    #[error("the code is damaged or cut short: {0}")]
    Truncated(ReadError),
    /// Bytes after the last field.
    #[error("the code has {extra} unexpected bytes after its end")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
    /// A field holds a value the format does not allow.
    #[error("the code is damaged: {0}")]
    InvalidField(&'static str),
    /// The nationality code is unknown.
    #[error("the code is damaged: {0}")]
    Nationality(#[from] NationalityError),
    /// A name breaks the name rules.
    #[error("the card's {0}")]
    Name(#[from] NameError),
    /// A date is impossible.
    #[error("the card has an impossible date: {0}")]
    Date(#[from] DateError),
    /// Dates contradict each other (expiry before issue, birth after
    /// issue).
    #[error("the card is inconsistent: {0}")]
    Card(CardError),
    /// The bound device key is not a P-256 point.
    #[error("the card's device key is invalid: {0}")]
    DeviceKey(#[from] DeviceKeyError),
    /// The live signature is not in canonical form.
    #[error("the live code's signature is invalid: {0}")]
    DeviceSignature(#[from] SignatureFormatError),
    /// A live code for a card that is not bound to any device key.
    #[error("a live code can only be made for a card bound to a phone")]
    LiveCodeUnbound,
}

impl FormatError {
    /// A stable snake_case code for machines (JSON output, test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            FormatError::TooLarge { .. } => "too_large",
            FormatError::BadPrefix => "bad_prefix",
            FormatError::Base45(_) => "bad_base45",
            FormatError::UnsupportedVersion { .. } => "unsupported_version",
            FormatError::Truncated(_) => "truncated",
            FormatError::TrailingBytes { .. } => "trailing_bytes",
            FormatError::InvalidField(_) | FormatError::Nationality(_) => "invalid_field",
            FormatError::Name(_) => "invalid_name",
            FormatError::Date(_) | FormatError::Card(_) => "invalid_date",
            FormatError::DeviceKey(_) => "invalid_device_key",
            FormatError::DeviceSignature(_) => "invalid_device_signature",
            FormatError::LiveCodeUnbound => "live_code_unbound",
        }
    }
}

impl From<ReadError> for FormatError {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::TrailingBytes { extra } => FormatError::TrailingBytes { extra },
            truncated @ ReadError::Truncated { .. } => FormatError::Truncated(truncated),
        }
    }
}

impl From<CardError> for FormatError {
    fn from(error: CardError) -> Self {
        match error {
            CardError::Name(e) => FormatError::Name(e),
            CardError::Date(e) => FormatError::Date(e),
            CardError::Nationality(e) => FormatError::Nationality(e),
            CardError::Range(_) => FormatError::InvalidField("a number is too large for its field"),
            CardError::BadSex { .. } => FormatError::InvalidField("the sex field holds no value"),
            dates @ (CardError::ExpiresBeforeIssue { .. } | CardError::BornAfterIssue { .. }) => {
                FormatError::Card(dates)
            }
        }
    }
}
