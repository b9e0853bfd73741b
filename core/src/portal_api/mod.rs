//! The wallet–portal contract, shared by the wallet's sync engine and the
//! reference portal so that both speak exactly docs/portal-api.yaml:
//! paths and headers, the JSON bodies, problem codes, activation codes,
//! and the request-signature profile (RFC 9421 with RFC 9530 digests).
//!
//! Nothing here does I/O: the client is [`crate::sync`], the server is
//! the `docket-portal` crate.

mod activation;
mod problem;
pub mod signing;
mod wire;

pub use activation::{ACTIVATION_CODE_BITS, ActivationCode, ActivationCodeError};
pub use problem::{PROBLEM_CONTENT_TYPE, Problem, ProblemCode};
pub use wire::{EnrollmentRequest, EnrollmentResponse, SubmissionReceipt};

/// Every path the portal serves, relative to its base URL.
pub mod paths {
    /// `POST`: bind a printed card to a wallet key (signed).
    pub const ENROLLMENTS: &str = "/v1/enrollments";
    /// `GET`: the holder's hearings, with `ETag` (signed).
    pub const HEARINGS: &str = "/v1/hearings";
    /// `POST`: a check-in, with `Idempotency-Key` (signed).
    pub const CHECK_INS: &str = "/v1/check-ins";
    /// `POST`: a change of address, with `Idempotency-Key` (signed).
    pub const ADDRESS_CHANGES: &str = "/v1/address-changes";
    /// `GET`: the signed trust list (public).
    pub const TRUST_LIST: &str = "/v1/trust-list";
    /// `GET`: the signed status list (public).
    pub const STATUS_LIST: &str = "/v1/status-list";
}

/// Header names the contract uses besides the standard ones.
pub mod headers {
    /// The client's key for a submission (a UUID), after the IETF
    /// `Idempotency-Key` header draft.
    pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
    /// Set to `true` on an answer repeated for an idempotency key.
    pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
    /// RFC 9530 digest of the request body.
    pub const CONTENT_DIGEST: &str = "content-digest";
    /// RFC 9421 signature parameters.
    pub const SIGNATURE_INPUT: &str = "signature-input";
    /// RFC 9421 signature value.
    pub const SIGNATURE: &str = "signature";
}

/// Media type of the signed trust and status lists (their binary layouts
/// are in docs/sc1-format.md).
pub const LIST_CONTENT_TYPE: &str = "application/octet-stream";
