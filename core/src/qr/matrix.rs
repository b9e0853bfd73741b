//! Text to module matrix (`qrcode`), pinned to error correction level M.

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};
use thiserror::Error;

/// Text that cannot be put in a QR code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QrError {
    /// More than a version-40 code at level M holds.
    #[error("the text is too long for a QR code")]
    TooLong,
    /// The PNG encoder failed.
    #[error("the PNG image could not be written: {0}")]
    Png(String),
    /// Rendering options outside what makes a sensible image.
    #[error("{0}")]
    BadOptions(&'static str),
}

/// The characters of QR alphanumeric mode (ISO/IEC 18004, table 5), the
/// same set as Base45's alphabet.
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// A QR code as a square of modules, `true` = dark, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    version: u8,
    width: usize,
    modules: Vec<bool>,
}

impl QrMatrix {
    /// Encodes text at level M: as one alphanumeric segment in the smallest
    /// version that holds it when every character is alphanumeric (always
    /// so for SC1), otherwise with `qrcode`'s own segmentation.
    pub fn encode(text: &str) -> Result<Self, QrError> {
        let code = if text.bytes().all(|b| ALPHANUMERIC.contains(&b)) {
            let version = smallest_alphanumeric_version(text.len()).ok_or(QrError::TooLong)?;
            let bits = alphanumeric_bits(text, version).ok_or(QrError::TooLong)?;
            QrCode::with_bits(bits, EcLevel::M).map_err(|_| QrError::TooLong)?
        } else {
            QrCode::with_error_correction_level(text, EcLevel::M).map_err(|_| QrError::TooLong)?
        };
        let version = match code.version() {
            Version::Normal(v) | Version::Micro(v) => u8::try_from(v).unwrap_or(0),
        };
        Ok(QrMatrix {
            version,
            width: code.width(),
            modules: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// QR version (1 to 40).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Modules per side (17 + 4 × version).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at column `x`, row `y` is dark (false outside).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width
            && self
                .modules
                .get(y * self.width + x)
                .copied()
                .unwrap_or(false)
    }

    /// The rows, top to bottom.
    pub fn rows(&self) -> impl Iterator<Item = &[bool]> {
        self.modules.chunks(self.width.max(1))
    }
}

/// The smallest version whose level-M capacity holds `chars` characters in
/// one alphanumeric segment.
pub fn smallest_alphanumeric_version(chars: usize) -> Option<u8> {
    let text = vec![b'0'; chars];
    (1u8..=40).find(|&v| alphanumeric_bits_bytes(&text, v).is_some())
}

fn alphanumeric_bits(text: &str, version: u8) -> Option<Bits> {
    alphanumeric_bits_bytes(text.as_bytes(), version)
}

fn alphanumeric_bits_bytes(text: &[u8], version: u8) -> Option<Bits> {
    let mut bits = Bits::new(Version::Normal(i16::from(version)));
    bits.push_alphanumeric_data(text).ok()?;
    bits.push_terminator(EcLevel::M).ok()?;
    Some(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_at_level_m_match_the_standard() {
        // ISO/IEC 18004 table 7, alphanumeric capacity at level M.
        for (version, capacity) in [
            (1u8, 20usize),
            (9, 262),
            (10, 311),
            (11, 366),
            (12, 419),
            (40, 3391),
        ] {
            assert_eq!(smallest_alphanumeric_version(capacity), Some(version));
            assert_eq!(
                smallest_alphanumeric_version(capacity + 1),
                Some(version + 1).filter(|v| *v <= 40)
            );
        }
    }

    #[test]
    fn alphanumeric_text_uses_the_smallest_version() {
        let matrix = QrMatrix::encode(&"A".repeat(311)).unwrap();
        assert_eq!(matrix.version(), 10);
        assert_eq!(matrix.width(), 57);
        assert_eq!(matrix.rows().count(), 57);
        // Finder pattern corner is dark.
        assert!(matrix.is_dark(0, 0));
        assert!(!matrix.is_dark(57, 0));
    }

    #[test]
    fn other_text_still_encodes() {
        let matrix = QrMatrix::encode("hello, world").unwrap();
        assert!(matrix.version() >= 1);
        assert_eq!(QrMatrix::encode(&"a".repeat(5000)), Err(QrError::TooLong));
    }
}
