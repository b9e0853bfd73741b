//! The card's identifiers and its photo digest.

use crate::encoding::crockford::{self, CrockfordError};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// A number too large for the field that carries it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{value} does not fit in the {bits}-bit {field}")]
pub struct IdRangeError {
    /// The field.
    pub field: &'static str,
    /// Its width.
    pub bits: u32,
    /// The rejected value.
    pub value: u64,
}

macro_rules! id40 {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            /// The largest value the 40-bit field holds.
            pub const MAX: u64 = (1 << 40) - 1;

            /// Wraps a value that fits in 40 bits.
            pub fn new(value: u64) -> Result<Self, IdRangeError> {
                if value > Self::MAX {
                    return Err(IdRangeError { field: $what, bits: 40, value });
                }
                Ok($name(value))
            }

            /// A fresh value from the operating system's random source.
            pub fn random() -> Result<Self, getrandom::Error> {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes[3..])?;
                Ok($name(u64::from_be_bytes(bytes)))
            }

            /// The numeric value.
            pub fn value(self) -> u64 {
                self.0
            }

            /// Parses the printed form (`K7QF-3M2X`), forgiving case,
            /// hyphens, spaces and the look-alikes I, L and O.
            pub fn parse(text: &str) -> Result<Self, CrockfordError> {
                crockford::parse40(text).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&crockford::format40(self.0))
            }
        }
    };
}

id40!(
    /// The card number: 40 random bits, printed as `XXXX-XXXX` in Crockford
    /// Base32. Random rather than sequential so that a number says nothing
    /// about when or where a card was issued.
    Serial,
    "card number"
);

id40!(
    /// An opaque reference the issuer's systems map to the holder's case.
    /// Never the A-number: it means nothing outside those systems.
    CaseReference,
    "case reference"
);

/// The card's position in the status list (24 bits: 16,777,216 cards per
/// list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatusIndex(u32);

impl StatusIndex {
    /// The largest index the 24-bit field holds.
    pub const MAX: u32 = (1 << 24) - 1;

    /// Wraps an index that fits in 24 bits.
    pub fn new(value: u32) -> Result<Self, IdRangeError> {
        if value > Self::MAX {
            return Err(IdRangeError {
                field: "status index",
                bits: 24,
                value: u64::from(value),
            });
        }
        Ok(StatusIndex(value))
    }

    /// The numeric value.
    pub fn value(self) -> u32 {
        self.0
    }
}

/// The first 16 bytes of SHA-256 over the photo file, binding the photo the
/// wallet shows to the signed card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PhotoDigest(pub [u8; 16]);

impl PhotoDigest {
    /// Digests a photo file.
    pub fn of_photo(photo: &[u8]) -> Self {
        let full = Sha256::digest(photo);
        let mut digest = [0u8; 16];
        digest.copy_from_slice(&full[..16]);
        PhotoDigest(digest)
    }

    /// Whether `photo` is the photo this digest was made from.
    pub fn matches(&self, photo: &[u8]) -> bool {
        Self::of_photo(photo) == *self
    }
}

impl std::fmt::Display for PhotoDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_respect_their_widths() {
        assert!(Serial::new(Serial::MAX).is_ok());
        assert!(Serial::new(Serial::MAX + 1).is_err());
        assert!(CaseReference::new(1 << 40).is_err());
        assert!(StatusIndex::new(StatusIndex::MAX).is_ok());
        assert!(StatusIndex::new(1 << 24).is_err());
        assert!(Serial::random().unwrap().value() <= Serial::MAX);
    }

    #[test]
    fn serials_print_and_parse() {
        let serial = Serial::new(0x12_3456_789A).unwrap();
        assert_eq!(serial.to_string(), "28T5-CY4T");
        assert_eq!(Serial::parse("28t5cy4t").unwrap(), serial);
    }

    #[test]
    fn photo_digest_is_truncated_sha256() {
        let digest = PhotoDigest::of_photo(b"abc");
        assert_eq!(digest.to_string(), "ba7816bf8f01cfea414140de5dae2223");
        assert!(digest.matches(b"abc"));
        assert!(!digest.matches(b"abd"));
    }
}
