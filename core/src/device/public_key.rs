//! The device public key as it appears on a bound card.

use super::signature::DeviceSignature;
use p256::ecdsa::VerifyingKey;
use p256::ecdsa::signature::Verifier;
use thiserror::Error;

/// A device public key that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeviceKeyError {
    /// The bytes do not encode a point on P-256 (or encode the point at
    /// infinity, or an x coordinate beyond the field).
    #[error("the device public key is not a valid P-256 point")]
    InvalidPoint,
    /// The card carries keys only in 33-byte compressed form.
    #[error("the device public key on a card must be a 33-byte compressed P-256 point")]
    NotCompressed,
    /// Typed or stored text that is not hexadecimal.
    #[error("the device public key must be written in hexadecimal")]
    NotHex,
}

/// A P-256 public key, valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevicePublicKey(VerifyingKey);

impl DevicePublicKey {
    /// Length of the compressed SEC1 form carried on cards.
    pub const COMPRESSED_LEN: usize = 33;

    /// Accepts a SEC1 point, compressed (33 bytes) or uncompressed (65).
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, DeviceKeyError> {
        VerifyingKey::from_sec1_bytes(bytes)
            .map(DevicePublicKey)
            .map_err(|_| DeviceKeyError::InvalidPoint)
    }

    /// Accepts only the compressed form, as on a card.
    pub fn from_compressed(bytes: &[u8]) -> Result<Self, DeviceKeyError> {
        match bytes.first() {
            Some(0x02 | 0x03) if bytes.len() == Self::COMPRESSED_LEN => Self::from_sec1(bytes),
            _ => Err(DeviceKeyError::NotCompressed),
        }
    }

    /// Parses hexadecimal SEC1, compressed or uncompressed.
    pub fn from_hex(text: &str) -> Result<Self, DeviceKeyError> {
        let bytes = hex::decode(text.trim()).map_err(|_| DeviceKeyError::NotHex)?;
        Self::from_sec1(&bytes)
    }

    /// The 33-byte compressed form.
    pub fn to_compressed(&self) -> [u8; 33] {
        let point = self.0.to_sec1_point(true);
        let mut out = [0u8; 33];
        // A compressed P-256 point is always 33 bytes.
        if let Some(bytes) = point.as_bytes().get(..33) {
            out.copy_from_slice(bytes);
        }
        out
    }

    /// The compressed form in lower-case hexadecimal.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_compressed())
    }

    /// Checks a live-presentation signature made by this key.
    pub fn verify(&self, message: &[u8], signature: &DeviceSignature) -> bool {
        self.0.verify(message, signature.inner()).is_ok()
    }

    pub(crate) fn from_verifying_key(key: VerifyingKey) -> Self {
        DevicePublicKey(key)
    }
}

impl std::fmt::Display for DevicePublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The P-256 generator, compressed.
    const G: &str = "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";

    #[test]
    fn parses_and_reencodes_compressed_points() {
        let key = DevicePublicKey::from_hex(G).unwrap();
        assert_eq!(key.to_hex(), G);
        assert_eq!(
            DevicePublicKey::from_compressed(&key.to_compressed()).unwrap(),
            key
        );
    }

    #[test]
    fn rejects_invalid_points() {
        let mut bytes = hex::decode(G).unwrap();
        // x = 1 is not the x of any P-256 point (1 - 3 + b is a non-residue).
        let mut off_curve = [0u8; 33];
        off_curve[0] = 0x02;
        off_curve[32] = 1;
        assert_eq!(
            DevicePublicKey::from_compressed(&off_curve),
            Err(DeviceKeyError::InvalidPoint)
        );
        // x = p, a coordinate outside the field.
        let p = hex::decode("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
            .unwrap();
        let mut beyond = vec![0x02];
        beyond.extend_from_slice(&p);
        assert_eq!(
            DevicePublicKey::from_compressed(&beyond),
            Err(DeviceKeyError::InvalidPoint)
        );
        // Wrong tags and lengths.
        bytes[0] = 0x04;
        assert_eq!(
            DevicePublicKey::from_compressed(&bytes),
            Err(DeviceKeyError::NotCompressed)
        );
        bytes[0] = 0x00;
        assert_eq!(
            DevicePublicKey::from_compressed(&bytes),
            Err(DeviceKeyError::NotCompressed)
        );
        assert_eq!(
            DevicePublicKey::from_compressed(&[0x00]),
            Err(DeviceKeyError::NotCompressed)
        );
        assert_eq!(
            DevicePublicKey::from_sec1(&[0x00]),
            Err(DeviceKeyError::InvalidPoint)
        );
        assert_eq!(DevicePublicKey::from_hex("zz"), Err(DeviceKeyError::NotHex));
    }

    #[test]
    fn x_one_is_off_the_curve_but_x_five_is_on_it() {
        // Guards the test above: the same bytes with x = 5 (where
        // 125 - 15 + b is a square) decode, so the refusal of x = 1 is the
        // curve check, not a parsing accident.
        let mut candidate = [0u8; 33];
        candidate[0] = 0x03;
        candidate[32] = 5;
        assert!(DevicePublicKey::from_sec1(&candidate).is_ok());
        candidate[32] = 1;
        assert_eq!(
            DevicePublicKey::from_sec1(&candidate),
            Err(DeviceKeyError::InvalidPoint)
        );
    }
}
