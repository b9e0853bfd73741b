//! A P-256 device key held in software, for the desktop CLI and tests.
//! Clearly a stand-in: on a phone the key never leaves the key store.

use super::{DevicePublicKey, DeviceSigner, SignerError};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use thiserror::Error;
use zeroize::Zeroizing;

/// A software key that cannot be created or read.
#[derive(Debug, Error)]
pub enum SoftwareKeyError {
    /// The operating system's random source failed.
    #[error("no randomness available to create a key: {0}")]
    Random(getrandom::Error),
    /// The file is not a PKCS#8 PEM P-256 private key.
    #[error("not a PKCS#8 PEM P-256 private key")]
    BadKeyFile,
    /// The seed is zero or not below the group order.
    #[error("the seed is not a valid P-256 private key")]
    BadSeed,
}

/// A P-256 private key in memory.
pub struct SoftwareDeviceKey {
    key: SigningKey,
}

impl SoftwareDeviceKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, SoftwareKeyError> {
        loop {
            let mut seed = Zeroizing::new([0u8; 32]);
            getrandom::fill(seed.as_mut()).map_err(SoftwareKeyError::Random)?;
            // Out-of-range seeds (probability about 2^-32) are drawn again.
            if let Ok(key) = Self::from_seed(&seed) {
                return Ok(key);
            }
        }
    }

    /// The key with the given 32-byte scalar (for reproducible test
    /// vectors).
    pub fn from_seed(seed: &[u8; 32]) -> Result<Self, SoftwareKeyError> {
        SigningKey::from_slice(seed)
            .map(|key| SoftwareDeviceKey { key })
            .map_err(|_| SoftwareKeyError::BadSeed)
    }

    /// Reads a PKCS#8 PEM private key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, SoftwareKeyError> {
        SigningKey::from_pkcs8_pem(pem)
            .map(|key| SoftwareDeviceKey { key })
            .map_err(|_| SoftwareKeyError::BadKeyFile)
    }

    /// Writes the key as PKCS#8 PEM (the caller keeps the file private).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, SoftwareKeyError> {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| SoftwareKeyError::BadKeyFile)
    }

    /// The public key.
    pub fn public(&self) -> DevicePublicKey {
        DevicePublicKey::from_verifying_key(*self.key.verifying_key())
    }
}

impl DeviceSigner for SoftwareDeviceKey {
    fn public_key(&self) -> Result<DevicePublicKey, SignerError> {
        Ok(self.public())
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        // RFC 6979 deterministic nonces: reproducible vectors, and no
        // dependence on the quality of a desktop's randomness.
        let signature: Signature = self.key.sign(message);
        Ok(signature.to_der().as_bytes().to_vec())
    }
}

impl std::fmt::Debug for SoftwareDeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareDeviceKey")
            .field("public", &self.public().to_hex())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::DeviceSignature;

    #[test]
    fn signs_verifiably_and_round_trips_through_pem() {
        let key = SoftwareDeviceKey::generate().unwrap();
        let der = key.sign(b"hello").unwrap();
        let signature = DeviceSignature::from_key_store(&der).unwrap();
        assert!(key.public().verify(b"hello", &signature));
        assert!(!key.public().verify(b"hellO", &signature));
        let pem = key.to_pkcs8_pem().unwrap();
        let again = SoftwareDeviceKey::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(again.public(), key.public());
        assert!(SoftwareDeviceKey::from_pkcs8_pem("-----BEGIN NONSENSE-----").is_err());
        assert!(SoftwareDeviceKey::from_seed(&[0; 32]).is_err());
    }
}
