//! Crockford Base32 for 40-bit identifiers (card numbers, case references).
//!
//! Forty bits are exactly eight characters, shown as `XXXX-XXXX`. The
//! alphabet has no I, L, O or U, so nothing is misread on a scratched card;
//! when typed back, case, hyphens and spaces are ignored and the look-alikes
//! I, L (for 1) and O (for 0) are accepted, as Crockford's rules say.

use thiserror::Error;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Why a typed identifier is not eight Crockford Base32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CrockfordError {
    /// A character that is not a Crockford digit, hyphen or space.
    #[error("{character:?} cannot appear in a card number or case reference")]
    BadCharacter {
        /// The offending character.
        character: char,
    },
    /// Not exactly eight digits once hyphens and spaces are removed.
    #[error("expected 8 characters (like K7QF-3M2X), found {count}")]
    BadLength {
        /// How many digits were found.
        count: usize,
    },
}

/// Formats the low 40 bits of `value` as `XXXX-XXXX`.
pub fn format40(value: u64) -> String {
    let mut out = String::with_capacity(9);
    for index in 0..8 {
        if index == 4 {
            out.push('-');
        }
        let shift = 35 - 5 * index;
        // Masked to five bits, so always a valid index.
        out.push(char::from(ALPHABET[((value >> shift) & 0x1F) as usize]));
    }
    out
}

/// Parses what a person typed back into a 40-bit value.
pub fn parse40(text: &str) -> Result<u64, CrockfordError> {
    let mut value: u64 = 0;
    let mut count = 0usize;
    for character in text.chars() {
        if character == '-' || character == ' ' {
            continue;
        }
        let digit = digit_value(character).ok_or(CrockfordError::BadCharacter { character })?;
        count += 1;
        if count <= 8 {
            value = value << 5 | u64::from(digit);
        }
    }
    if count != 8 {
        return Err(CrockfordError::BadLength { count });
    }
    Ok(value)
}

fn digit_value(character: char) -> Option<u8> {
    let upper = match character.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    let byte = u8::try_from(upper).ok()?;
    ALPHABET
        .iter()
        .position(|&a| a == byte)
        .and_then(|p| u8::try_from(p).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_groups() {
        for value in [0u64, 1, 0xFF_FFFF_FFFF, 0x12_3456_789A] {
            let text = format40(value);
            assert_eq!(text.len(), 9);
            assert_eq!(text.as_bytes()[4], b'-');
            assert_eq!(parse40(&text).unwrap(), value);
        }
        assert_eq!(format40(0), "0000-0000");
        assert_eq!(format40(0xFF_FFFF_FFFF), "ZZZZ-ZZZZ");
    }

    #[test]
    fn accepts_what_people_type() {
        let value = parse40("K7QF-3M2X").unwrap();
        assert_eq!(parse40("k7qf3m2x").unwrap(), value);
        assert_eq!(parse40(" K7QF 3M2X ").unwrap(), value);
        assert_eq!(parse40("OIL0-0000").unwrap(), parse40("0110-0000").unwrap());
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(
            parse40("K7QF-3M2"),
            Err(CrockfordError::BadLength { count: 7 })
        );
        assert_eq!(
            parse40("K7QF-3M2XY"),
            Err(CrockfordError::BadLength { count: 9 })
        );
        assert_eq!(
            parse40("K7QF-3M2U"),
            Err(CrockfordError::BadCharacter { character: 'U' })
        );
        assert_eq!(
            parse40("K7QF_3M2X"),
            Err(CrockfordError::BadCharacter { character: '_' })
        );
        assert_eq!(
            parse40("K7QF-3M2É"),
            Err(CrockfordError::BadCharacter { character: 'É' })
        );
    }
}
