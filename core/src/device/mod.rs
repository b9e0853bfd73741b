//! The holder's device key: the P-256 key a wallet's card is bound to,
//! which signs live presentations.
//!
//! On a phone the private key lives in the platform key store (Android
//! Keystore, iOS Secure Enclave, which is why the curve is P-256) and never
//! leaves it: core only sees a [`DeviceSigner`]. [`SoftwareDeviceKey`] is the
//! desktop and test stand-in.

mod public_key;
mod signature;
mod software;

pub use public_key::{DeviceKeyError, DevicePublicKey};
pub use signature::{DeviceSignature, SignatureFormatError};
pub use software::{SoftwareDeviceKey, SoftwareKeyError};

use thiserror::Error;

/// A key store could not produce a signature.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignerError {
    /// The key store is locked until the holder unlocks the phone (after
    /// a restart, on some phones).
    #[error("the phone's key store is locked: unlock the phone and try again")]
    Locked,
    /// The platform key store refused or failed; its message is kept for
    /// the log but contains no personal data.
    #[error("the phone's key store could not sign: {0}")]
    Platform(String),
    /// The key store answered with something that is not an ECDSA P-256
    /// signature.
    #[error("the phone's key store returned an unusable signature: {0}")]
    BadSignature(#[from] SignatureFormatError),
    /// The key store holds no device key at all (it was wiped, or the
    /// wallet's data was restored without it).
    #[error("the phone's key store holds no key for this wallet")]
    NoKey,
}

impl SignerError {
    /// A stable snake_case code, for the apps' texts and the outbox's
    /// last failure.
    pub fn code(&self) -> &'static str {
        match self {
            SignerError::Locked => "key_store_locked",
            SignerError::Platform(_) => "key_store_failed",
            SignerError::BadSignature(_) => "key_store_bad_signature",
            SignerError::NoKey => "device_key_missing",
        }
    }
}

/// A key store that holds no key: what a wallet opens with when its key
/// is gone, so that it can still show the card and the queue, and say
/// that the phone must enroll again (every signature is refused with
/// [`SignerError::NoKey`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDeviceKey;

impl DeviceSigner for NoDeviceKey {
    fn public_key(&self) -> Result<DevicePublicKey, SignerError> {
        Err(SignerError::NoKey)
    }

    fn sign(&self, _message: &[u8]) -> Result<Vec<u8>, SignerError> {
        Err(SignerError::NoKey)
    }
}

/// A P-256 key held by a key store: the platform traits implement this.
pub trait DeviceSigner {
    /// The public half of the key.
    fn public_key(&self) -> Result<DevicePublicKey, SignerError>;

    /// ECDSA P-256 with SHA-256 over `message`, as Android's
    /// `SHA256withECDSA` and iOS's `ecdsaSignatureMessageX962SHA256` do.
    /// The answer may be ASN.1 DER (what both platforms return) or the
    /// 64-byte `r || s` form.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError>;
}
