//! Ed25519 keys for the root and the issuers, parsed strictly.
//!
//! A public key must be the canonical encoding of a point that is not of
//! small order, and signatures are checked with `verify_strict`, which also
//! refuses small-order or non-canonical `R` and non-canonical `S`. Small-order
//! keys are the classic way to make one signature valid for many messages.

use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use thiserror::Error;
use zeroize::Zeroizing;

/// An Ed25519 public key that is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Ed25519KeyError {
    /// The bytes do not decode to a curve point.
    #[error("the Ed25519 public key is not a curve point")]
    NotAPoint,
    /// The point has another, canonical encoding.
    #[error("the Ed25519 public key is not canonically encoded")]
    NonCanonical,
    /// The point has small order (a "weak" key).
    #[error("the Ed25519 public key has small order")]
    SmallOrder,
}

/// A strictly validated Ed25519 public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ed25519PublicKey(VerifyingKey);

impl Ed25519PublicKey {
    /// Validates a 32-byte encoding.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Ed25519KeyError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| Ed25519KeyError::NotAPoint)?;
        if key.to_edwards().compress().to_bytes() != *bytes {
            return Err(Ed25519KeyError::NonCanonical);
        }
        if key.is_weak() {
            return Err(Ed25519KeyError::SmallOrder);
        }
        Ok(Ed25519PublicKey(key))
    }

    /// Parses 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, Ed25519KeyError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| Ed25519KeyError::NotAPoint)?;
        Self::from_bytes(&bytes)
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Lower-case hexadecimal.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// Strict verification of a 64-byte signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

/// A private Ed25519 key (root or issuer), for issuing.
pub struct Ed25519SigningKey(SigningKey);

/// A private key file that cannot be read or written.
#[derive(Debug, Error)]
pub enum Ed25519KeyFileError {
    /// Not a PKCS#8 PEM Ed25519 private key.
    #[error("not a PKCS#8 PEM Ed25519 private key")]
    BadKeyFile,
    /// The operating system's random source failed.
    #[error("no randomness available to create a key: {0}")]
    Random(getrandom::Error),
}

impl Ed25519SigningKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, Ed25519KeyFileError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(Ed25519KeyFileError::Random)?;
        Ok(Self::from_seed(&seed))
    }

    /// The key derived from a 32-byte seed (for reproducible test vectors).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Ed25519SigningKey(SigningKey::from_bytes(seed))
    }

    /// Reads a PKCS#8 PEM private key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, Ed25519KeyFileError> {
        SigningKey::from_pkcs8_pem(pem)
            .map(Ed25519SigningKey)
            .map_err(|_| Ed25519KeyFileError::BadKeyFile)
    }

    /// Writes the key as PKCS#8 PEM.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, Ed25519KeyFileError> {
        self.0
            .to_pkcs8_pem(Default::default())
            .map_err(|_| Ed25519KeyFileError::BadKeyFile)
    }

    /// The public key.
    pub fn public(&self) -> Ed25519PublicKey {
        Ed25519PublicKey(self.0.verifying_key())
    }

    /// Signs `message` (deterministic, as Ed25519 is).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl std::fmt::Debug for Ed25519SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519SigningKey")
            .field("public", &self.public().to_hex())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The neutral element (0, 1): small order.
    const IDENTITY: [u8; 32] = {
        let mut b = [0u8; 32];
        b[0] = 1;
        b
    };

    #[test]
    fn rejects_small_order_points() {
        assert_eq!(
            Ed25519PublicKey::from_bytes(&IDENTITY),
            Err(Ed25519KeyError::SmallOrder)
        );
        // The point of order 2: (0, -1), y = p - 1.
        let mut order_two = [0xFFu8; 32];
        order_two[0] = 0xEC;
        order_two[31] = 0x7F;
        assert_eq!(
            Ed25519PublicKey::from_bytes(&order_two),
            Err(Ed25519KeyError::SmallOrder)
        );
    }

    #[test]
    fn rejects_non_canonical_encodings() {
        // y = p + 1 encodes the same point as y = 1 (the identity).
        let mut y_beyond_p = [0xFFu8; 32];
        y_beyond_p[0] = 0xEE;
        y_beyond_p[31] = 0x7F;
        assert_eq!(
            Ed25519PublicKey::from_bytes(&y_beyond_p),
            Err(Ed25519KeyError::NonCanonical)
        );
        // A valid key with the sign bit flipped on x = 0 ("negative zero").
        let mut negative_zero = IDENTITY;
        negative_zero[31] |= 0x80;
        assert!(Ed25519PublicKey::from_bytes(&negative_zero).is_err());
    }

    #[test]
    fn signs_and_verifies_strictly() {
        let key = Ed25519SigningKey::from_seed(&[7; 32]);
        let public = Ed25519PublicKey::from_bytes(&key.public().to_bytes()).unwrap();
        let signature = key.sign(b"message");
        assert!(public.verify(b"message", &signature));
        assert!(!public.verify(b"messagE", &signature));
        let pem = key.to_pkcs8_pem().unwrap();
        assert_eq!(
            Ed25519SigningKey::from_pkcs8_pem(&pem).unwrap().public(),
            public
        );
    }

    #[test]
    fn rejects_non_canonical_and_small_order_signature_parts() {
        let key = Ed25519SigningKey::from_seed(&[7; 32]);
        let public = key.public();
        let signature = key.sign(b"message");
        // S + L: the same S modulo the group order, but not canonical.
        let order: [u8; 32] =
            hex::decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
                .unwrap()
                .try_into()
                .unwrap();
        let mut s_plus_l = signature;
        let mut carry = 0u16;
        for (byte, l) in s_plus_l[32..].iter_mut().zip(order) {
            let sum = u16::from(*byte) + u16::from(l) + carry;
            *byte = sum as u8;
            carry = sum >> 8;
        }
        assert!(!public.verify(b"message", &s_plus_l));
        // R = identity (small order) with S = 0.
        let mut small_r = [0u8; 64];
        small_r[..32].copy_from_slice(&IDENTITY);
        assert!(!public.verify(b"message", &small_r));
    }
}
