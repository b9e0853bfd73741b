//! SC1, the Secure Docket Card presentation format (normative spec:
//! docs/sc1-format.md).
//!
//! A presentation is `SC1:` followed by strict Base45 of a binary payload,
//! so it rides a QR code's alphanumeric mode:
//!
//! - *static* (`0x10`): the card record and the issuer's Ed25519 signature —
//!   what the plastic card prints (unbound) and what the wallet stores
//!   (bound to the phone's key);
//! - *live* (`0x11`): a bound static payload, a timestamp, and the phone
//!   key's P-256 signature over both. A screenshot goes stale in seconds and
//!   a copied card cannot make a fresh one without the phone's key.

mod error;
mod presentation;
mod record;

pub use error::FormatError;
pub use presentation::{IssueError, LiveError, LivePresentation, Presentation, SignedCard};
pub use record::{BOUND_FIXED_LEN, MAX_RECORD_LEN, UNBOUND_FIXED_LEN};

use crate::encoding::base45;

/// The text prefix: scheme and major version, upper case exactly.
pub const PREFIX: &str = "SC1:";
/// Format byte of a static presentation (version 1).
pub const FORMAT_STATIC: u8 = 0x10;
/// Format byte of a live presentation (version 1).
pub const FORMAT_LIVE: u8 = 0x11;
/// Ed25519 signature length.
pub const ISSUER_SIGNATURE_LEN: usize = 64;
/// Largest static payload: format byte, record, signature.
pub const MAX_STATIC_LEN: usize = 1 + MAX_RECORD_LEN + ISSUER_SIGNATURE_LEN;
/// Largest live payload: format byte, static payload, timestamp, signature.
pub const MAX_LIVE_LEN: usize = 1 + MAX_STATIC_LEN + 4 + crate::device::DeviceSignature::LEN;
/// Longest SC1 text; longer input is refused before any decoding.
pub const MAX_TEXT_LEN: usize = PREFIX.len() + base45::encoded_len(MAX_LIVE_LEN);
/// How often a wallet makes a new live code.
pub const LIVE_ROTATION_SECONDS: u32 = 5;

/// Domain separation for the issuer's card signature.
pub(crate) const CARD_DOMAIN: &[u8] = b"SC1/card\0";
/// Domain separation for the device's live signature.
pub(crate) const LIVE_DOMAIN: &[u8] = b"SC1/live\0";

/// `SC1:` and the Base45 of `payload`.
pub(crate) fn to_text(payload: &[u8]) -> String {
    format!("{PREFIX}{}", base45::encode(payload))
}

/// The payload of an SC1 text, after the size, prefix and Base45 checks.
pub(crate) fn payload_of(text: &str) -> Result<Vec<u8>, FormatError> {
    if text.len() > MAX_TEXT_LEN {
        return Err(FormatError::TooLarge {
            len: text.len(),
            max: MAX_TEXT_LEN,
        });
    }
    let body = text.strip_prefix(PREFIX).ok_or(FormatError::BadPrefix)?;
    Ok(base45::decode(body)?)
}
