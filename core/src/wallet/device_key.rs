//! Whether this phone still holds the key its card is bound to.
//!
//! The enrolled card names one device key; every live code and every
//! request to the portal must be signed by exactly that key. A key store
//! can lose the key (Android wipes Keystore keys when the screen lock is
//! removed; a backup restored to another phone arrives without them) or,
//! on a desktop, hold another wallet's key copied in. Signing with any
//! other key would deliver this holder's check-ins as someone else's, so
//! the wallet compares the key store's public key with the card's when it
//! opens and again before every use, and refuses to sign with a key that
//! is not the card's. The way out is re-enrollment with a new activation
//! code: the queued items stay and are delivered under the new binding.

use crate::device::{DevicePublicKey, DeviceSigner, SignerError};

/// The key store against the enrolled card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceKeyState {
    /// No card yet: nothing to compare.
    NotEnrolled,
    /// The key store holds the card's key.
    Bound,
    /// The key store holds no key. Enroll again with a new activation
    /// code; queued items are kept and sent after.
    Missing,
    /// The key store holds a key that is not the card's (made after the
    /// card's key was lost, or another wallet's). Enroll again with a new
    /// activation code; queued items are kept and sent after.
    Mismatch,
    /// The key store could not be asked (locked until the phone is
    /// unlocked, or failing); checked again at the next use.
    Unavailable(SignerError),
    /// The stored card could not be read to compare with (the store's
    /// error comes back at the next use that needs the key).
    Unchecked,
}

impl DeviceKeyState {
    /// Compares the key store's key with the card's (`None` before
    /// enrollment).
    pub fn of(card_key: Option<&DevicePublicKey>, signer: &dyn DeviceSigner) -> Self {
        let Some(card_key) = card_key else {
            return DeviceKeyState::NotEnrolled;
        };
        match signer.public_key() {
            Ok(key) if &key == card_key => DeviceKeyState::Bound,
            Ok(_) => DeviceKeyState::Mismatch,
            Err(SignerError::NoKey) => DeviceKeyState::Missing,
            Err(error) => DeviceKeyState::Unavailable(error),
        }
    }

    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            DeviceKeyState::NotEnrolled => "not_enrolled",
            DeviceKeyState::Bound => "bound",
            DeviceKeyState::Missing => "device_key_missing",
            DeviceKeyState::Mismatch => "device_key_mismatch",
            DeviceKeyState::Unavailable(error) => error.code(),
            DeviceKeyState::Unchecked => "unchecked",
        }
    }

    /// Whether the key is gone for good on this phone, so that only a new
    /// enrollment can make the card usable here again.
    pub fn is_lost(&self) -> bool {
        matches!(self, DeviceKeyState::Missing | DeviceKeyState::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{NoDeviceKey, SoftwareDeviceKey};

    fn key(seed: u8) -> SoftwareDeviceKey {
        SoftwareDeviceKey::from_seed(&[seed; 32]).unwrap()
    }

    struct Locked;

    impl DeviceSigner for Locked {
        fn public_key(&self) -> Result<DevicePublicKey, SignerError> {
            Err(SignerError::Locked)
        }

        fn sign(&self, _message: &[u8]) -> Result<Vec<u8>, SignerError> {
            Err(SignerError::Locked)
        }
    }

    #[test]
    fn the_key_store_is_compared_with_the_card() {
        let card_key = key(1).public();
        assert_eq!(
            DeviceKeyState::of(None, &key(1)),
            DeviceKeyState::NotEnrolled
        );
        assert_eq!(
            DeviceKeyState::of(Some(&card_key), &key(1)),
            DeviceKeyState::Bound
        );
        let other = DeviceKeyState::of(Some(&card_key), &key(2));
        assert_eq!(other, DeviceKeyState::Mismatch);
        assert!(other.is_lost());
        let gone = DeviceKeyState::of(Some(&card_key), &NoDeviceKey);
        assert_eq!(gone, DeviceKeyState::Missing);
        assert_eq!(gone.code(), "device_key_missing");
        let locked = DeviceKeyState::of(Some(&card_key), &Locked);
        assert_eq!(locked.code(), "key_store_locked");
        assert!(!locked.is_lost(), "a locked key store is not a lost key");
    }
}
