//! The JSON bodies of the portal API. Requests are parsed strictly
//! (unknown fields refused); responses are read leniently so that a portal
//! may add fields without breaking installed wallets.

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
