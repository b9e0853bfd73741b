//! The wallet facade's errors (enrollment and sync have their own).

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
}

impl WalletError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            WalletError::Store(e) => e.code(),
            WalletError::NotEnrolled => "not_enrolled",
            WalletError::Live(_) => "live_code",
        }
    }
}
