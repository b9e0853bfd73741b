//! The wallet facade's errors (enrollment and sync have their own).

use super::DeviceKeyState;
use crate::sc1::LiveError;
use crate::store::StoreError;
use thiserror::Error;

/// A wallet call failed.
#[derive(Debug, Error)]
pub enum WalletError {
    /// See [`StoreError`].
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The wallet holds no card yet.
    #[error("this phone has no card yet; enroll with your card and activation code first")]
    NotEnrolled,
    /// A live code could not be made.
    #[error(transparent)]
    Live(#[from] LiveError),
    /// The phone's key store no longer holds the key the card is bound to
    /// ([`DeviceKeyState::Missing`] or [`DeviceKeyState::Mismatch`]):
    /// nothing is signed until the card is enrolled again.
    #[error("{}", device_key_message(.0))]
    DeviceKey(DeviceKeyState),
}

/// What a holder whose key is gone must do (shared with sync's error).
pub(crate) fn device_key_message(state: &DeviceKeyState) -> &'static str {
    match state {
        DeviceKeyState::Missing => {
            "this phone no longer holds the key your card is bound to; ask your case office for a new activation code and enroll again (what is waiting to be sent is kept and sent after)"
        }
        _ => {
            "the key on this phone is not the one your card is bound to; ask your case office for a new activation code and enroll again (what is waiting to be sent is kept and sent after)"
        }
    }
}

impl WalletError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            WalletError::Store(e) => e.code(),
            WalletError::NotEnrolled => "not_enrolled",
            WalletError::Live(_) => "live_code",
            WalletError::DeviceKey(state) => state.code(),
        }
    }
}
