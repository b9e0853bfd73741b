//! Errors on the wire: RFC 9457 problem details with a stable `code`
//! extension member, the one field a client branches on.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The media type of every error body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Prefix of each problem's `type` URI (a URN: nothing to fetch).
const TYPE_PREFIX: &str = "urn:docket:problem:";

macro_rules! problem_codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $status:literal, $title:literal), )+) => {
        /// Every problem code the portal answers with. Clients must treat a
        /// code they do not know by its HTTP status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ProblemCode {
            $( $(#[$doc])* $variant, )+
        }

        impl ProblemCode {
            /// Every code, for documentation and tests.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant),+];

            /// The stable snake_case code.
            pub fn as_str(self) -> &'static str {
                match self { $(ProblemCode::$variant => $code,)+ }
            }

            /// The HTTP status that carries it.
            pub fn status(self) -> u16 {
                match self { $(ProblemCode::$variant => $status,)+ }
            }

            /// A short English title (RFC 9457 `title`).
            pub fn title(self) -> &'static str {
                match self { $(ProblemCode::$variant => $title,)+ }
            }

            /// The code named `code`, if this version knows it.
            pub fn from_code(code: &str) -> Option<ProblemCode> {
                match code { $($code => Some(ProblemCode::$variant),)+ _ => None }
            }
        }
    };
}

problem_codes! {
    /// The request is not what the API accepts (bad JSON, a missing field,
    /// a field out of range).
    InvalidRequest = ("invalid_request", 400, "The request is malformed"),
    /// `Content-Digest` does not match the body.
    DigestMismatch = ("digest_mismatch", 400, "The body does not match its digest"),
    /// A submission without a valid `Idempotency-Key`.
    IdempotencyKeyMissing = ("idempotency_key_missing", 400, "An Idempotency-Key header (a UUID) is required"),
    /// No request signature.
    SignatureMissing = ("signature_missing", 401, "The request must be signed by the wallet's key"),
    /// The signature headers do not follow the profile.
    SignatureMalformed = ("signature_malformed", 401, "The request signature is malformed"),
    /// The signature does not verify.
    SignatureInvalid = ("signature_invalid", 401, "The request signature does not verify"),
    /// `created` is too far from the portal's clock; the body's
    /// `server_time` lets the client correct its clock and sign again.
    SignatureStale = ("signature_stale", 401, "The request signature is too old or from the future"),
    /// This signature's nonce was already used.
    SignatureReplayed = ("signature_replayed", 401, "This signed request was already received"),
    /// No wallet is enrolled with this key.
    UnknownWallet = ("unknown_wallet", 401, "This phone is not enrolled"),
    /// The request is signed by a phone whose binding ended: the card was
    /// enrolled on another phone, or this phone was reported lost.
    BindingRevoked = ("binding_revoked", 403, "This phone no longer holds the card"),
    /// Wrong activation code; `attempts_left` says how many tries remain.
    ActivationCodeWrong = ("activation_code_wrong", 403, "The activation code is wrong"),
    /// No such resource.
    NotFound = ("not_found", 404, "Not found"),
    /// The method is not allowed on this path.
    MethodNotAllowed = ("method_not_allowed", 405, "Method not allowed"),
    /// The same idempotency key is being processed right now.
    IdempotencyKeyInUse = ("idempotency_key_in_use", 409, "A request with this Idempotency-Key is in progress"),
    /// The activation code was already used by another phone.
    ActivationCodeUsed = ("activation_code_used", 410, "The activation code was already used"),
    /// The activation code is past its expiry.
    ActivationCodeExpired = ("activation_code_expired", 410, "The activation code has expired"),
    /// The body is larger than the portal accepts.
    PayloadTooLarge = ("payload_too_large", 413, "The request body is too large"),
    /// The body is not in the required media type.
    UnsupportedMediaType = ("unsupported_media_type", 415, "Unsupported media type"),
    /// The card QR text is not a genuine printed card of this portal.
    CardQrInvalid = ("card_qr_invalid", 422, "The card's QR code is not valid"),
    /// The device public key is not a P-256 key.
    DeviceKeyInvalid = ("device_key_invalid", 422, "The phone's key is not usable"),
    /// The idempotency key was used before with a different body.
    IdempotencyKeyReused = ("idempotency_key_reused", 422, "This Idempotency-Key was used for a different request"),
    /// The submission's content is refused; `detail` says why.
    SubmissionInvalid = ("submission_invalid", 422, "The submission cannot be accepted"),
    /// Too many wrong activation codes: enrollment is locked.
    EnrollmentLocked = ("enrollment_locked", 423, "Enrollment is locked after too many wrong codes"),
    /// Too many requests; retry after `Retry-After`.
    RateLimited = ("rate_limited", 429, "Too many requests"),
    /// The portal failed.
    InternalError = ("internal_error", 500, "The portal failed"),
    /// The portal is unavailable; retry after `Retry-After`.
    Unavailable = ("unavailable", 503, "The portal is unavailable"),
}

/// An RFC 9457 problem details object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `urn:docket:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short English summary.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened in this case, for the holder or the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable code.
    pub code: String,
    /// With `activation_code_wrong`: tries left before the lockout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// With `signature_stale`: the portal's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<Timestamp>,
}

impl Problem {
    /// The problem for `code`, with an optional detail.
    pub fn new(code: ProblemCode, detail: Option<String>) -> Self {
        Problem {
            problem_type: format!("{TYPE_PREFIX}{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            detail,
            code: code.as_str().to_owned(),
            attempts_left: None,
            server_time: None,
        }
    }

    /// The code, if this version knows it.
    pub fn known_code(&self) -> Option<ProblemCode> {
        ProblemCode::from_code(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &code in ProblemCode::ALL {
            assert!(seen.insert(code.as_str()), "{code:?}");
            assert_eq!(ProblemCode::from_code(code.as_str()), Some(code));
            assert!((400..600).contains(&code.status()));
        }
        assert_eq!(ProblemCode::from_code("no_such_code"), None);
    }

    #[test]
    fn serializes_as_rfc_9457() {
        let problem = Problem::new(ProblemCode::ActivationCodeWrong, None);
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["type"], "urn:docket:problem:activation_code_wrong");
        assert_eq!(json["status"], 403);
        assert_eq!(json["code"], "activation_code_wrong");
        assert!(json.get("detail").is_none());
    }
}
