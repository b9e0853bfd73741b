//! Device signatures in the one form a live presentation carries: 64 bytes
//! `r || s`, both in range, `s` in the lower half of the group order.

use p256::ecdsa::Signature;
use thiserror::Error;

/// A signature that is not acceptable in a live presentation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureFormatError {
    /// Not 64 bytes.
    #[error("a device signature is 64 bytes, not {0}")]
    BadLength(usize),
    /// `r` or `s` is zero or not below the group order.
    #[error("a device signature value is out of range")]
    OutOfRange,
    /// `s` is in the upper half of the group order (the malleable twin of a
    /// valid signature).
    #[error("a device signature is not in low-S form")]
    HighS,
    /// Neither DER nor 64 bytes.
    #[error("a device signature is neither ASN.1 DER nor 64 raw bytes")]
    Unparseable,
}

/// A device signature in canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceSignature(Signature);

impl DeviceSignature {
    /// Length on the wire.
    pub const LEN: usize = 64;

    /// Strict parse of the wire form: exactly 64 bytes, in range, low-S.
    /// ECDSA signatures are malleable — `(r, n − s)` verifies too — and
    /// requiring low-S keeps exactly one valid encoding of each live code.
    pub fn from_wire(bytes: &[u8]) -> Result<Self, SignatureFormatError> {
        if bytes.len() != Self::LEN {
            return Err(SignatureFormatError::BadLength(bytes.len()));
        }
        let signature =
            Signature::from_slice(bytes).map_err(|_| SignatureFormatError::OutOfRange)?;
        if signature.normalize_s() != signature {
            return Err(SignatureFormatError::HighS);
        }
        Ok(DeviceSignature(signature))
    }

    /// Lenient parse of what a key store returns (DER or raw, any S),
    /// normalised to the wire form. DER is tried first: both platforms
    /// answer in DER, and a DER signature can itself be 64 bytes long.
    pub fn from_key_store(bytes: &[u8]) -> Result<Self, SignatureFormatError> {
        let signature = match Signature::from_der(bytes) {
            Ok(signature) => signature,
            Err(_) if bytes.len() == Self::LEN => {
                Signature::from_slice(bytes).map_err(|_| SignatureFormatError::OutOfRange)?
            }
            Err(_) => return Err(SignatureFormatError::Unparseable),
        };
        Ok(DeviceSignature(signature.normalize_s()))
    }

    /// The 64-byte wire form.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(&self.0.to_bytes());
        out
    }

    pub(crate) fn inner(&self) -> &Signature {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order of P-256.
    const N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

    fn raw(r: &str, s: &str) -> Vec<u8> {
        let mut bytes = hex::decode(r).unwrap();
        bytes.extend(hex::decode(s).unwrap());
        bytes
    }

    #[test]
    fn rejects_out_of_range_values() {
        let one = format!("{:064x}", 1);
        let zero = format!("{:064x}", 0);
        assert_eq!(
            DeviceSignature::from_wire(&raw(&zero, &one)),
            Err(SignatureFormatError::OutOfRange)
        );
        assert_eq!(
            DeviceSignature::from_wire(&raw(&one, &zero)),
            Err(SignatureFormatError::OutOfRange)
        );
        assert_eq!(
            DeviceSignature::from_wire(&raw(N, &one)),
            Err(SignatureFormatError::OutOfRange)
        );
        assert_eq!(
            DeviceSignature::from_wire(&raw(&one, N)),
            Err(SignatureFormatError::OutOfRange)
        );
        assert_eq!(
            DeviceSignature::from_wire(&raw(&one, &one)).map(|s| s.to_bytes().len()),
            Ok(64)
        );
    }

    #[test]
    fn rejects_high_s_and_wrong_lengths() {
        let one = format!("{:064x}", 1);
        // n - 1 is in the upper half.
        let n_minus_one = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550";
        assert_eq!(
            DeviceSignature::from_wire(&raw(&one, n_minus_one)),
            Err(SignatureFormatError::HighS)
        );
        assert_eq!(
            DeviceSignature::from_wire(&[1; 63]),
            Err(SignatureFormatError::BadLength(63))
        );
        assert_eq!(
            DeviceSignature::from_wire(&[1; 72]),
            Err(SignatureFormatError::BadLength(72))
        );
    }

    #[test]
    fn key_store_answers_are_normalised() {
        let one = format!("{:064x}", 1);
        let n_minus_one = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550";
        let high = raw(&one, n_minus_one);
        let normalised = DeviceSignature::from_key_store(&high).unwrap();
        // n - (n - 1) = 1.
        assert_eq!(normalised.to_bytes(), raw(&one, &one).as_slice());
        // DER of (r = 1, s = n - 1): SEQUENCE { INTEGER 1, INTEGER 00 ff.. }.
        let mut der = vec![0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00];
        der.extend(hex::decode(n_minus_one).unwrap());
        assert_eq!(DeviceSignature::from_key_store(&der).unwrap(), normalised);
        assert_eq!(
            DeviceSignature::from_key_store(&der[..20]),
            Err(SignatureFormatError::Unparseable)
        );
    }

    #[test]
    fn a_64_byte_der_signature_is_read_as_der() {
        // SEQUENCE { INTEGER r (29 bytes), INTEGER s (29 bytes) }: 64 bytes.
        let r = [0x11u8; 29];
        let s = [0x22u8; 29];
        let der = [&[0x30, 62, 0x02, 29][..], &r, &[0x02, 29], &s].concat();
        assert_eq!(der.len(), 64);
        let parsed = DeviceSignature::from_key_store(&der).unwrap().to_bytes();
        assert_eq!(&parsed[..3], &[0, 0, 0]);
        assert_eq!(&parsed[3..32], &r);
        assert_eq!(&parsed[35..64], &s);
    }
}
