//! The one-time activation code printed for a holder: 60 random bits as
//! twelve Crockford Base32 characters, `XXXX-XXXX-XXXX`, so it survives
//! being read aloud, handwritten and typed on a cracked screen.

use crate::encoding::crockford::{self, CrockfordError};
use std::fmt;
use thiserror::Error;
use zeroize::Zeroize;

/// Bits of randomness in a code. With the portal's lockout after a few
/// wrong tries, guessing one is hopeless (see docs/portal-api.yaml).
pub const ACTIVATION_CODE_BITS: u32 = 60;

/// What was typed is not an activation code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("this is not an activation code ({0}); it has 12 letters and digits, like K7QF-3M2X-9TCA")]
pub struct ActivationCodeError(#[from] CrockfordError);

/// An activation code. Its `Debug` hides the value: codes are secrets
/// until used.
#[derive(Clone, PartialEq, Eq)]
pub struct ActivationCode(u64);

impl ActivationCode {
    /// Reads what the holder typed: case, hyphens and spaces are ignored,
    /// and I, L and O are read as 1, 1 and 0.
    pub fn parse(text: &str) -> Result<Self, ActivationCodeError> {
        Ok(ActivationCode(crockford::parse60(text)?))
    }

    /// A fresh random code.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)?;
        let value = u64::from_le_bytes(bytes) >> (64 - ACTIVATION_CODE_BITS);
        bytes.zeroize();
        Ok(ActivationCode(value))
    }

    /// The canonical 8 bytes the portal hashes (big-endian value), the same
    /// however the code was typed.
    pub fn to_bytes(&self) -> [u8; 8] {
        self.0.to_be_bytes()
    }
}

impl fmt::Display for ActivationCode {
    /// `XXXX-XXXX-XXXX`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crockford::format60(self.0))
    }
}

impl fmt::Debug for ActivationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ActivationCode(..)")
    }
}

impl Drop for ActivationCode {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_variants_are_the_same_code() {
        let code = ActivationCode::generate().unwrap();
        let shown = code.to_string();
        assert_eq!(shown.len(), 14);
        let typed = shown.to_lowercase().replace('-', " ");
        assert_eq!(ActivationCode::parse(&typed).unwrap(), code);
        assert_eq!(
            ActivationCode::parse(&typed).unwrap().to_bytes(),
            code.to_bytes()
        );
    }

    #[test]
    fn refuses_what_is_not_a_code() {
        for bad in [
            "",
            "K7QF-3M2X",
            "K7QF-3M2X-9TCA-0",
            "K7QF-3M2X-9TCU",
            "K7QF_3M2X_9TCA",
        ] {
            assert!(ActivationCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_does_not_show_the_code() {
        let code = ActivationCode::parse("K7QF-3M2X-9TCA").unwrap();
        assert!(!format!("{code:?}").contains("K7QF"));
    }
}
