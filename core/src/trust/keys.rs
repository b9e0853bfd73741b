//! Issuer keys as the trust list describes them: an id short enough for the
//! QR, what the key may sign, and when.

use super::ed25519::Ed25519PublicKey;
use jiff::Timestamp;

/// A 16-bit issuer key id. Ids are short, so two keys may share one; the
/// verifier then tries each (see docs/sc1-format.md, "Key selection").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub u16);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What an issuer key may sign: a set of bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyUsage(u8);

impl KeyUsage {
    /// May sign cards.
    pub const CARDS: KeyUsage = KeyUsage(0b01);
    /// May sign status lists.
    pub const STATUS: KeyUsage = KeyUsage(0b10);
    /// Both.
    pub const ALL: KeyUsage = KeyUsage(0b11);

    /// Decodes the byte on the wire: at least one known bit, no unknown ones.
    pub fn from_bits(bits: u8) -> Option<Self> {
        (bits != 0 && bits & !Self::ALL.0 == 0).then_some(KeyUsage(bits))
    }

    /// The byte on the wire.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Whether every usage in `other` is allowed.
    pub fn allows(self, other: KeyUsage) -> bool {
        self.0 & other.0 == other.0
    }
}

/// An issuer's public key with its id, usage and validity window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerKey {
    /// Id carried in cards and status lists.
    pub id: KeyId,
    /// What it may sign.
    pub usage: KeyUsage,
    /// First instant its signatures count.
    pub not_before: Timestamp,
    /// Last instant its signatures count.
    pub not_after: Timestamp,
    /// The key.
    pub public: Ed25519PublicKey,
}

impl IssuerKey {
    /// Whether `at` is inside the validity window.
    pub fn valid_at(&self, at: Timestamp) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// Whether the key was valid at some instant of the UTC day starting
    /// at `day_start` (a card's issue date must be such a day).
    pub fn valid_during_day(&self, day_start: Timestamp) -> bool {
        let day_end = day_start
            .checked_add(jiff::SignedDuration::from_hours(24))
            .unwrap_or(Timestamp::MAX);
        self.not_before < day_end && self.not_after >= day_start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_bits_are_strict() {
        assert_eq!(KeyUsage::from_bits(0), None);
        assert_eq!(KeyUsage::from_bits(0b100), None);
        assert_eq!(KeyUsage::from_bits(0b11), Some(KeyUsage::ALL));
        assert!(KeyUsage::ALL.allows(KeyUsage::CARDS));
        assert!(!KeyUsage::STATUS.allows(KeyUsage::CARDS));
    }
}
