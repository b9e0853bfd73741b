//! The one error type of the FFI. Each variant carries a stable `code`
//! (for the apps' translated texts and their branching) and an English
//! `message` a holder or officer can act on.

use docket_core::device::SignerError;
use docket_core::officer::OfficerError;
use docket_core::sc1::LiveError;
use docket_core::store::StoreError;
use docket_core::sync::{EnrollError, SyncError};
use docket_core::wallet::WalletError;

/// An exported call failed. Nothing was lost: see each variant.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum DocketError {
    /// Enrollment did not complete (wrong code, locked, no network, ...);
    /// nothing was saved, and enrolling again is safe.
    #[error("{message}")]
    Enrollment {
        /// Stable code, e.g. `activation_code_wrong`.
        code: String,
        /// What to tell the holder.
        message: String,
    },
    /// The wallet's or the officer's data could not be read or written;
    /// the file was left as it is.
    #[error("{message}")]
    Storage {
        /// Stable code, e.g. `key_missing`, `corrupt`, `busy`,
        /// `officer_state_damaged`, `disk_full`.
        code: String,
        /// What to tell the holder.
        message: String,
    },
    /// A sync pass could not run at all (per-item failures are in the
    /// summary, not errors).
    #[error("{message}")]
    Sync {
        /// Stable code, e.g. `not_enrolled`.
        code: String,
        /// What to tell the holder.
        message: String,
    },
    /// What the app passed in is not valid (an address field, a note, a
    /// date, a frame's geometry).
    #[error("{message}")]
    InvalidInput {
        /// Stable code, e.g. `state_unknown`, `note_too_long`.
        code: String,
        /// What to tell the holder, naming the field.
        message: String,
    },
    /// The phone's key store could not do what was asked: locked after a
    /// restart (`key_store_locked`: unlock and retry), failed or key
    /// removed (`key_store_failed`), a signature that is not one
    /// (`key_store_bad_signature`), or a key that is not the card's
    /// (`device_key_mismatch`) or none at all (`device_key_missing`):
    /// enroll again with a new code; queued items are kept.
    #[error("{message}")]
    KeyStore {
        /// Stable code, one of the above.
        code: String,
        /// What to tell the holder.
        message: String,
    },
    /// The wallet holds no card yet.
    #[error("{message}")]
    NotEnrolled {
        /// What to tell the holder.
        message: String,
    },
    /// A bug: a panic or a broken invariant, caught at the FFI.
    #[error("{message}")]
    Internal {
        /// For the bug report.
        message: String,
    },
}

impl DocketError {
    pub(crate) fn input(code: &str, message: impl ToString) -> Self {
        DocketError::InvalidInput {
            code: code.to_owned(),
            message: message.to_string(),
        }
    }
}

impl From<StoreError> for DocketError {
    fn from(error: StoreError) -> Self {
        DocketError::Storage {
            code: error.code().to_owned(),
            message: error.to_string(),
        }
    }
}

impl From<OfficerError> for DocketError {
    fn from(error: OfficerError) -> Self {
        DocketError::Storage {
            code: error.code().to_owned(),
            message: error.to_string(),
        }
    }
}

impl From<EnrollError> for DocketError {
    fn from(error: EnrollError) -> Self {
        DocketError::Enrollment {
            code: error.code().to_owned(),
            message: error.to_string(),
        }
    }
}

impl From<SyncError> for DocketError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Store(store) => store.into(),
            // The key is gone or not the card's: enroll again.
            SyncError::DeviceKey(_) => DocketError::KeyStore {
                code: error.code().to_owned(),
                message: error.to_string(),
            },
            other => DocketError::Sync {
                code: other.code().to_owned(),
                message: other.to_string(),
            },
        }
    }
}

impl From<WalletError> for DocketError {
    fn from(error: WalletError) -> Self {
        match error {
            WalletError::Store(store) => store.into(),
            WalletError::NotEnrolled => DocketError::NotEnrolled {
                message: error.to_string(),
            },
            WalletError::Live(live) => live.into(),
            WalletError::DeviceKey(_) => DocketError::KeyStore {
                code: error.code().to_owned(),
                message: error.to_string(),
            },
        }
    }
}

impl From<LiveError> for DocketError {
    fn from(error: LiveError) -> Self {
        let code = error.code().to_owned();
        let message = error.to_string();
        match error {
            LiveError::Signer(_) | LiveError::WrongKey | LiveError::SignatureDoesNotVerify => {
                DocketError::KeyStore { code, message }
            }
            // The phone's clock is the input at fault; the holder can fix it.
            LiveError::ClockOutOfRange => DocketError::InvalidInput { code, message },
            // Enrollment only saves a card bound to this phone's key.
            LiveError::NotBound => DocketError::Internal { message },
        }
    }
}

impl From<SignerError> for DocketError {
    fn from(error: SignerError) -> Self {
        DocketError::KeyStore {
            code: error.code().to_owned(),
            message: error.to_string(),
        }
    }
}
