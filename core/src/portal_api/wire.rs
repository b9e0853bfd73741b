//! The JSON bodies of the portal API. Requests are parsed strictly
//! (unknown fields refused); responses are read leniently so that a portal
//! may add fields without breaking installed wallets.

use crate::encoding::crockford;
use crate::outbox::ItemKind;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `POST /v1/enrollments`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRequest {
    /// The text of the QR code printed on the physical card (a static,
    /// unbound SC1 presentation).
    pub card_qr: String,
    /// The one-time activation code, as typed.
    pub activation_code: String,
    /// The wallet's P-256 public key, compressed SEC1, hex.
    pub device_public_key: String,
}

/// The answer to an enrollment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrollmentResponse {
    /// The bound card: static SC1 text of the card re-issued with the
    /// wallet's key.
    pub card: String,
    /// The holder's photo, standard Base64.
    pub photo: String,
    /// The holder's hearings, the same array `GET /v1/hearings` returns.
    pub hearings: Box<RawValue>,
    /// The entity tag of that hearing list.
    pub hearings_etag: String,
    /// The issuer's root public key (Ed25519, hex). A wallet app pins its
    /// roots at build time and ignores this; the desktop stand-in may pin
    /// it on first use.
    pub trust_root: String,
}

/// The portal's receipt for a check-in or an address change (`201`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionReceipt {
    /// The portal's reference, shown to the holder as proof.
    pub reference: String,
    /// When the portal recorded it.
    pub received_at: Timestamp,
}

impl SubmissionReceipt {
    /// The reference's prefix for an item of `kind`: `CI` for a
    /// check-in, `AC` for an address change.
    pub fn prefix(kind: ItemKind) -> &'static str {
        match kind {
            ItemKind::CheckIn => "CI",
            ItemKind::AddressChange => "AC",
        }
    }

    /// The reference for an item of `kind` with the 40-bit `value`:
    /// `CI-XXXX-XXXX` or `AC-XXXX-XXXX` (Crockford Base32).
    pub fn reference_for(kind: ItemKind, value: u64) -> String {
        format!("{}-{}", Self::prefix(kind), crockford::format40(value))
    }

    /// Whether `reference` is exactly what the API promises for an item
    /// of `kind` (the canonical form [`Self::reference_for`] writes). A
    /// wallet counts an item as sent only with such a receipt: the
    /// reference is what the holder reads out to a clerk as proof.
    pub fn is_valid_reference(kind: ItemKind, reference: &str) -> bool {
        let Some(rest) = reference
            .strip_prefix(Self::prefix(kind))
            .and_then(|r| r.strip_prefix('-'))
        else {
            return false;
        };
        rest.len() == 9
            && crockford::parse40(rest).is_ok_and(|value| crockford::format40(value) == rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_checked_against_the_api() {
        let good = SubmissionReceipt::reference_for(ItemKind::CheckIn, 0x12_3456_789A);
        assert_eq!(good, "CI-28T5-CY4T");
        assert!(SubmissionReceipt::is_valid_reference(
            ItemKind::CheckIn,
            &good
        ));
        assert!(!SubmissionReceipt::is_valid_reference(
            ItemKind::AddressChange,
            &good
        ));
        for bad in [
            "",
            "CI-28T5-CY4",
            "CI-28T5-CY4TX",
            "ci-28t5-cy4t",
            "CI-28T5CY4T",
            "CI-28T5-CY4U",
            "CI-28T5-CY4T\n",
            "CI-28T5-CY4T\u{202E}",
            "\x1b[2JCI-28T5-CY4T",
        ] {
            assert!(
                !SubmissionReceipt::is_valid_reference(ItemKind::CheckIn, bad),
                "{bad:?}"
            );
        }
    }
}
