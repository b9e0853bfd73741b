//! What can go wrong in enrollment and in a sync pass, in words a holder
//! can act on, each with a stable code.

use super::client::{CallError, PortalUrlError, Transport};
use crate::device::SignerError;
use crate::portal_api::ActivationCodeError;
use crate::store::StoreError;
use thiserror::Error;

/// Enrollment did not complete. Nothing was saved unless the error says
/// so; enrolling again is always safe.
#[derive(Debug, Error)]
pub enum EnrollError {
    /// The scanned text is not the QR code of a printed card.
    #[error(
        "this is not the QR code printed on a Secure Docket Card ({0}); scan the code on the back of your card"
    )]
    NotACardQr(String),
    /// The code typed is not shaped like an activation code.
    #[error(transparent)]
    BadCode(#[from] ActivationCodeError),
    /// The portal says the activation code is wrong.
    #[error("{}", wrong_code_message(*attempts_left))]
    WrongCode {
        /// Tries left before enrollment locks, if the portal said.
        attempts_left: Option<u32>,
    },
    /// Too many wrong codes.
    #[error("enrollment is locked after too many wrong codes; ask your case office for a new code")]
    Locked,
    /// The code was already used by another phone.
    #[error(
        "this activation code was already used on another phone; ask your case office for a new code"
    )]
    CodeUsed,
    /// The code expired.
    #[error("this activation code has expired; ask your case office for a new code")]
    CodeExpired,
    /// The portal does not recognise the card's QR code.
    #[error(
        "the portal does not recognise this card's QR code; check that you scanned your own card"
    )]
    CardRefused,
    /// This wallet already holds an enrolled card, and the phone still
    /// holds its key.
    #[error("this phone already holds an enrolled card")]
    AlreadyEnrolled,
    /// A re-enrollment (after the phone's key was lost, or its binding
    /// ended) presented another card than the one this wallet holds: its
    /// queued items belong to that card's holder and must never be sent
    /// under someone else's.
    #[error(
        "this phone holds another card ({held}); to enroll again, scan the card this phone was enrolled with"
    )]
    OtherCard {
        /// The card number this wallet holds.
        held: crate::card::Serial,
    },
    /// The portal could not be reached or did not answer completely.
    #[error("{0}; nothing was saved, try again when you have a connection")]
    Network(Transport),
    /// The portal refused for another reason.
    #[error("the portal refused the enrollment ({code}){}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Portal {
        /// The problem code.
        code: String,
        /// The portal's explanation.
        detail: Option<String>,
    },
    /// The portal's answer is not what the contract promises, or the card
    /// it sent does not check out. Nothing was saved.
    #[error("the portal's answer could not be trusted ({0}); nothing was saved")]
    BadAnswer(String),
    /// See [`SignerError`].
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// See [`StoreError`].
    #[error(transparent)]
    Store(#[from] StoreError),
    /// See [`PortalUrlError`].
    #[error(transparent)]
    Url(#[from] PortalUrlError),
}

fn wrong_code_message(attempts_left: Option<u32>) -> String {
    match attempts_left {
        Some(0) | None => "the activation code is wrong".to_owned(),
        Some(1) => "the activation code is wrong; 1 try left before enrollment locks".to_owned(),
        Some(n) => format!("the activation code is wrong; {n} tries left before enrollment locks"),
    }
}

impl EnrollError {
    /// A stable snake_case code.
    pub fn code(&self) -> &str {
        match self {
            EnrollError::NotACardQr(_) => "not_a_card_qr",
            EnrollError::BadCode(_) => "bad_activation_code",
            EnrollError::WrongCode { .. } => "activation_code_wrong",
            EnrollError::Locked => "enrollment_locked",
            EnrollError::CodeUsed => "activation_code_used",
            EnrollError::CodeExpired => "activation_code_expired",
            EnrollError::CardRefused => "card_qr_invalid",
            EnrollError::AlreadyEnrolled => "already_enrolled",
            EnrollError::OtherCard { .. } => "other_card",
            EnrollError::Network(transport) => transport.code(),
            EnrollError::Portal { code, .. } => code,
            EnrollError::BadAnswer(_) => "bad_answer",
            EnrollError::Signer(e) => e.code(),
            EnrollError::Store(e) => e.code(),
            EnrollError::Url(_) => "bad_portal_url",
        }
    }
}

impl From<CallError> for EnrollError {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Transport(t) => EnrollError::Network(t),
            CallError::Signer(e) => EnrollError::Signer(e),
            CallError::Url(e) => EnrollError::Url(e),
            CallError::Refused { code, .. } => EnrollError::Portal { code, detail: None },
        }
    }
}

/// A sync pass could not run at all. Failures of single requests are
/// not errors: they are in the [`super::SyncReport`].
#[derive(Debug, Error)]
pub enum SyncError {
    /// The wallet has not enrolled yet.
    #[error("this phone is not enrolled yet; enroll with your card and activation code first")]
    NotEnrolled,
    /// See [`StoreError`].
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The phone's key is not the card's: nothing may be signed until the
    /// card is enrolled again (see [`crate::wallet::DeviceKeyState`]).
    #[error("{}", crate::wallet::device_key_message(.0))]
    DeviceKey(crate::wallet::DeviceKeyState),
    /// See [`PortalUrlError`].
    #[error(transparent)]
    Url(#[from] PortalUrlError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Call(#[from] CallError),
}

impl SyncError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NotEnrolled => "not_enrolled",
            SyncError::Store(e) => e.code(),
            SyncError::DeviceKey(state) => state.code(),
            SyncError::Url(_) => "bad_portal_url",
            SyncError::Call(_) => "client",
        }
    }
}
