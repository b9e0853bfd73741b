//! Sealing of sensitive columns: XChaCha20-Poly1305 under the database key.
//!
//! A sealed value is `0x01 ‖ nonce (24) ‖ ciphertext ‖ tag (16)`. The
//! 192-bit nonce is drawn fresh from the operating system for every seal:
//! at that size random nonces do not repeat in any number of writes a
//! phone will ever make (the birthday bound is near 2^96), which a counter
//! could not promise across crashes and restored backups.
//!
//! The associated data names the column and the row, so a sealed value
//! copied into another row or column does not open: an attacker who can
//! write the file cannot swap one holder record for another unnoticed.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

/// Length of the database key in bytes.
pub const DATABASE_KEY_LEN: usize = 32;

const FORMAT: u8 = 0x01;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const DOMAIN: &[u8] = b"docket-store/v1\0";

/// The 256-bit key the sensitive columns are sealed under. It lives in the
/// platform's secret store, never in the database.
pub struct DatabaseKey(Zeroizing<[u8; DATABASE_KEY_LEN]>);

impl DatabaseKey {
    /// A new random key.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut key = Zeroizing::new([0u8; DATABASE_KEY_LEN]);
        getrandom::fill(key.as_mut())?;
        Ok(DatabaseKey(key))
    }

    /// A key read back from the secret store; `None` if it is not exactly
    /// 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; DATABASE_KEY_LEN] = bytes.try_into().ok()?;
        Some(DatabaseKey(Zeroizing::new(array)))
    }

    /// The key's bytes, to hand to the secret store.
    pub fn as_bytes(&self) -> &[u8; DATABASE_KEY_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey(..)")
    }
}

/// Which column of which row a sealed value belongs to.
pub(crate) struct SealContext<'a> {
    pub column: &'static str,
    pub row: &'a [u8],
}

impl SealContext<'_> {
    fn associated_data(&self) -> Vec<u8> {
        let mut aad = Vec::with_capacity(DOMAIN.len() + self.column.len() + 1 + self.row.len());
        aad.extend_from_slice(DOMAIN);
        aad.extend_from_slice(self.column.as_bytes());
        aad.push(0);
        aad.extend_from_slice(self.row);
        aad
    }
}

/// Why a value could not be sealed or opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SealError {
    /// The operating system gave no randomness for a nonce.
    Random,
    /// The value is not a sealed value, was altered, belongs to another
    /// row or column, or was sealed under another key.
    Unopenable,
}

/// Whether `sealed` has the shape of a sealed value of a
/// `plaintext_len`-byte plaintext: the format byte, then exactly the
/// nonce, ciphertext and tag. Only a value of that shape can tell a wrong
/// key (it does not authenticate) from damage (it is not a sealed value).
pub(crate) fn is_sealed_shape(sealed: &[u8], plaintext_len: usize) -> bool {
    sealed.first() == Some(&FORMAT) && sealed.len() == 1 + NONCE_LEN + plaintext_len + TAG_LEN
}

/// Seals and opens column values under one database key.
pub(crate) struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    pub fn new(key: &DatabaseKey) -> Self {
        Sealer {
            cipher: XChaCha20Poly1305::new(&(*key.0).into()),
        }
    }

    pub fn seal(&self, context: &SealContext<'_>, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| SealError::Random)?;
        let aad = context.associated_data();
        let ciphertext = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| SealError::Unopenable)?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(FORMAT);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    pub fn open(
        &self,
        context: &SealContext<'_>,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let (&format, rest) = sealed.split_first().ok_or(SealError::Unopenable)?;
        if format != FORMAT || rest.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::Unopenable);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::Unopenable)?;
        let aad = context.associated_data();
        self.cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| SealError::Unopenable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(byte: u8) -> Sealer {
        Sealer::new(&DatabaseKey::from_bytes(&[byte; 32]).unwrap())
    }

    const CONTEXT: SealContext<'static> = SealContext {
        column: "outbox.payload",
        row: b"row-1",
    };

    #[test]
    fn round_trip_and_fresh_nonces() {
        let s = sealer(7);
        let a = s.seal(&CONTEXT, b"Calle 5").unwrap();
        let b = s.seal(&CONTEXT, b"Calle 5").unwrap();
        assert_ne!(a[1..25], b[1..25], "two seals share a nonce");
        assert_eq!(&**s.open(&CONTEXT, &a).unwrap(), b"Calle 5");
        assert_eq!(a.len(), 1 + 24 + 7 + 16);
    }

    #[test]
    fn refuses_other_key_row_column_and_any_flipped_bit() {
        let s = sealer(7);
        let sealed = s.seal(&CONTEXT, b"secret").unwrap();
        assert_eq!(
            sealer(8).open(&CONTEXT, &sealed),
            Err(SealError::Unopenable)
        );
        let other_row = SealContext {
            column: "outbox.payload",
            row: b"row-2",
        };
        assert_eq!(s.open(&other_row, &sealed), Err(SealError::Unopenable));
        let other_column = SealContext {
            column: "card.photo",
            row: b"row-1",
        };
        assert_eq!(s.open(&other_column, &sealed), Err(SealError::Unopenable));
        for bit in 0..sealed.len() * 8 {
            let mut bad = sealed.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert!(s.open(&CONTEXT, &bad).is_err(), "bit {bit}");
        }
        for len in 0..sealed.len() {
            assert!(s.open(&CONTEXT, &sealed[..len]).is_err(), "length {len}");
        }
    }

    #[test]
    fn the_shape_of_a_sealed_value_is_checked_without_the_key() {
        let sealed = sealer(7).seal(&CONTEXT, b"secret").unwrap();
        assert!(is_sealed_shape(&sealed, 6));
        assert!(!is_sealed_shape(&sealed, 5));
        assert!(!is_sealed_shape(&sealed[1..], 5));
        let mut other_format = sealed.clone();
        other_format[0] = 0x02;
        assert!(!is_sealed_shape(&other_format, 6));
        assert!(!is_sealed_shape(&[], 0));
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert!(DatabaseKey::from_bytes(&[0; 31]).is_none());
        assert!(DatabaseKey::from_bytes(&[0; 33]).is_none());
        assert_ne!(
            DatabaseKey::generate().unwrap().as_bytes(),
            DatabaseKey::generate().unwrap().as_bytes()
        );
    }
}
