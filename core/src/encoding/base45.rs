//! Base45 (RFC 9285), strict in both directions.
//!
//! Base45 is what lets a binary payload ride a QR code's alphanumeric mode
//! (5.5 bits per character instead of 8). The decoder accepts exactly the
//! strings the encoder produces: every byte string has one encoding, so a
//! presentation cannot be re-encoded into a second, different-looking text
//! that verifies. Hand-written because it is thirty lines that sit in front
//! of every signature check, and the strictness is the point.

use thiserror::Error;

/// The 45-character alphabet of RFC 9285, in value order.
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Why a string is not canonical Base45.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Base45Error {
    /// A character outside the RFC 9285 alphabet (lower-case letters too).
    #[error("character {character:?} at position {position} is not in the Base45 alphabet")]
    BadCharacter {
        /// The offending character.
        character: char,
        /// Its zero-based character position in the input.
        position: usize,
    },
    /// A three-character group worth more than 65535, or a final
    /// two-character group worth more than 255.
    #[error("the Base45 group at position {position} is out of range")]
    GroupOverflow {
        /// Zero-based character position where the group starts.
        position: usize,
    },
    /// Length 1 modulo 3 cannot come from any byte string.
    #[error(
        "Base45 text of length {length} cannot be decoded (length is 1 more than a multiple of 3)"
    )]
    BadLength {
        /// The length of the input in characters.
        length: usize,
    },
}

/// Length in characters of the Base45 encoding of `byte_len` bytes.
pub const fn encoded_len(byte_len: usize) -> usize {
    byte_len / 2 * 3 + byte_len % 2 * 2
}

/// Encodes bytes as Base45 text.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(encoded_len(bytes.len()));
    let mut pairs = bytes.chunks_exact(2);
    for pair in &mut pairs {
        if let [high, low] = *pair {
            push_digits(&mut out, u32::from(high) << 8 | u32::from(low), 3);
        }
    }
    if let [single] = *pairs.remainder() {
        push_digits(&mut out, u32::from(single), 2);
    }
    out
}

/// Appends `count` Base45 digits of `value`, least significant first.
fn push_digits(out: &mut String, mut value: u32, count: usize) {
    for _ in 0..count {
        // `value % 45` is below 45, the alphabet's length.
        out.push(char::from(ALPHABET[(value % 45) as usize]));
        value /= 45;
    }
}

/// Decodes canonical Base45 text; anything the encoder could not have
/// produced is an error.
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    if let Some((position, character)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| !u8::try_from(*c).is_ok_and(|b| ALPHABET.contains(&b)))
    {
        return Err(Base45Error::BadCharacter {
            character,
            position,
        });
    }
    // Every character is now one ASCII byte of the alphabet.
    let chars = text.as_bytes();
    if chars.len() % 3 == 1 {
        return Err(Base45Error::BadLength {
            length: chars.len(),
        });
    }
    let mut out = Vec::with_capacity(chars.len() / 3 * 2 + 1);
    for (group_index, group) in chars.chunks(3).enumerate() {
        let value = group
            .iter()
            .rev()
            .fold(0u32, |value, &c| value * 45 + digit(c));
        match group.len() {
            3 if value <= 0xFFFF => out.extend_from_slice(&(value as u16).to_be_bytes()),
            2 if value <= 0xFF => out.push(value as u8),
            _ => {
                return Err(Base45Error::GroupOverflow {
                    position: group_index * 3,
                });
            }
        }
    }
    Ok(out)
}

/// The value of one character already known to be in the alphabet.
fn digit(c: u8) -> u32 {
    ALPHABET.iter().position(|&a| a == c).unwrap_or(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples of RFC 9285, section 4.
    #[test]
    fn rfc_9285_examples() {
        let cases: [(&[u8], &str); 4] = [
            (b"AB", "BB8"),
            (b"Hello!!", "%69 VD92EX0"),
            (b"base-45", "UJCLQE7W581"),
            (b"ietf!", "QED8WEX0"),
        ];
        for (bytes, text) in cases {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text).unwrap(), bytes);
        }
    }

    #[test]
    fn every_byte_pair_round_trips() {
        for high in 0..=255u8 {
            for low in (0..=255u8).step_by(7) {
                let bytes = [high, low, low ^ high];
                assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
            }
        }
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn rejects_characters_outside_the_alphabet() {
        assert_eq!(
            decode("bB8"),
            Err(Base45Error::BadCharacter {
                character: 'b',
                position: 0
            })
        );
        assert_eq!(
            decode("B=8"),
            Err(Base45Error::BadCharacter {
                character: '=',
                position: 1
            })
        );
        assert_eq!(
            decode("BBé"),
            Err(Base45Error::BadCharacter {
                character: 'é',
                position: 2
            })
        );
    }

    #[test]
    fn rejects_group_overflow() {
        // ":::" is 44 + 44*45 + 44*2025 = 91124 > 65535.
        assert_eq!(
            decode(":::"),
            Err(Base45Error::GroupOverflow { position: 0 })
        );
        // "GGW" is exactly 65535, the largest legal three-character group.
        assert_eq!(decode("FGW").unwrap(), [0xFF, 0xFF]);
        assert_eq!(
            decode("GGW"),
            Err(Base45Error::GroupOverflow { position: 0 })
        );
        // A final pair above 255: "U5" is 30 + 5*45 = 255, "V5" is 256.
        assert_eq!(decode("BB8U5").unwrap(), [b'A', b'B', 0xFF]);
        assert_eq!(
            decode("BB8V5"),
            Err(Base45Error::GroupOverflow { position: 3 })
        );
    }

    #[test]
    fn rejects_lengths_one_more_than_a_multiple_of_three() {
        assert_eq!(decode("B"), Err(Base45Error::BadLength { length: 1 }));
        assert_eq!(decode("BB8B"), Err(Base45Error::BadLength { length: 4 }));
    }
}
