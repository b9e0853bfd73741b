//! Crockford Base32 for short identifiers people read and type: 40-bit
//! card numbers and case references (eight characters, `XXXX-XXXX`) and
//! 60-bit activation codes (twelve, `XXXX-XXXX-XXXX`).
//!
//! Characters are shown in groups of four. The
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
    /// Not the expected number of digits once hyphens and spaces are
    /// removed.
    #[error("expected {expected} characters (like {example}), found {count}")]
    BadLength {
        /// How many digits were found.
        count: usize,
        /// How many were expected.
        expected: usize,
        /// What a valid one looks like.
        example: &'static str,
    },
}

/// Digits in a 40-bit identifier.
const DIGITS_40: usize = 8;
/// Digits in a 60-bit code.
const DIGITS_60: usize = 12;

/// Formats the low 40 bits of `value` as `XXXX-XXXX`.
pub fn format40(value: u64) -> String {
    format_digits(value, DIGITS_40)
}

/// Parses what a person typed back into a 40-bit value.
pub fn parse40(text: &str) -> Result<u64, CrockfordError> {
    parse_digits(text, DIGITS_40, "K7QF-3M2X")
}

/// Formats the low 60 bits of `value` as `XXXX-XXXX-XXXX`.
pub fn format60(value: u64) -> String {
    format_digits(value, DIGITS_60)
}

/// Parses what a person typed back into a 60-bit value.
pub fn parse60(text: &str) -> Result<u64, CrockfordError> {
    parse_digits(text, DIGITS_60, "K7QF-3M2X-9TCA")
}

fn format_digits(value: u64, digits: usize) -> String {
    let mut out = String::with_capacity(digits + digits / 4);
    for index in 0..digits {
        if index > 0 && index.is_multiple_of(4) {
            out.push('-');
        }
        let shift = 5 * (digits - 1 - index);
        // Masked to five bits, so always a valid index.
        out.push(char::from(ALPHABET[((value >> shift) & 0x1F) as usize]));
    }
    out
}

fn parse_digits(text: &str, expected: usize, example: &'static str) -> Result<u64, CrockfordError> {
    let mut value: u64 = 0;
    let mut count = 0usize;
    for character in text.chars() {
        if character == '-' || character == ' ' {
            continue;
        }
        let digit = digit_value(character).ok_or(CrockfordError::BadCharacter { character })?;
        count += 1;
        if count <= expected {
            value = value << 5 | u64::from(digit);
        }
    }
    if count != expected {
        return Err(CrockfordError::BadLength {
            count,
            expected,
            example,
        });
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
    fn sixty_bit_codes_round_trip_in_three_groups() {
        for value in [0u64, 1, (1 << 60) - 1, 0x0ABC_DEF0_1234_5678] {
            let text = format60(value);
            assert_eq!(text.len(), 14);
            assert_eq!(parse60(&text).unwrap(), value);
        }
        assert_eq!(format60((1 << 60) - 1), "ZZZZ-ZZZZ-ZZZZ");
        assert!(matches!(
            parse60("ZZZZ-ZZZZ"),
            Err(CrockfordError::BadLength { count: 8, .. })
        ));
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
            Err(CrockfordError::BadLength {
                count: 7,
                expected: 8,
                example: "K7QF-3M2X"
            })
        );
        assert_eq!(
            parse40("K7QF-3M2XY"),
            Err(CrockfordError::BadLength {
                count: 9,
                expected: 8,
                example: "K7QF-3M2X"
            })
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
