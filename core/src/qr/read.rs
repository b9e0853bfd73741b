//! Reading QR codes from a grayscale image with `rqrr`.
//!
//! Enough for the CLI to read a clean PNG or a screenshot; the camera-frame
//! scanner is a separate, later component. `rqrr` is known to panic on
//! some images, so every call into it is contained and becomes "nothing
//! found".

use std::panic::{AssertUnwindSafe, catch_unwind};
use thiserror::Error;

/// Largest width or height accepted (an 8K frame).
pub const MAX_FRAME_SIDE: usize = 8192;
/// Smallest width or height that can hold a version-1 code.
const MIN_FRAME_SIDE: usize = 21;

/// A frame that cannot be scanned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// Width or height outside 21 to 8192 pixels.
    #[error(
        "the image is {width}x{height}; it must be between {MIN_FRAME_SIDE} and {MAX_FRAME_SIDE} pixels on each side"
    )]
    BadSize {
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
    },
    /// The row stride is shorter than a row, or the buffer shorter than the
    /// frame.
    #[error("the image buffer is {len} bytes, too short for {height} rows of stride {stride}")]
    BufferTooShort {
        /// Bytes provided.
        len: usize,
        /// Rows.
        height: usize,
        /// Bytes per row.
        stride: usize,
    },
}

/// A borrowed 8-bit grayscale frame (0 = black).
#[derive(Debug, Clone, Copy)]
pub struct GrayFrame<'a> {
    width: usize,
    height: usize,
    stride: usize,
    pixels: &'a [u8],
}

impl<'a> GrayFrame<'a> {
    /// Checks the geometry against the buffer.
    pub fn new(
        width: usize,
        height: usize,
        stride: usize,
        pixels: &'a [u8],
    ) -> Result<Self, FrameError> {
        let side_ok = |s: usize| (MIN_FRAME_SIDE..=MAX_FRAME_SIDE).contains(&s);
        if !side_ok(width) || !side_ok(height) {
            return Err(FrameError::BadSize { width, height });
        }
        let needed = stride
            .checked_mul(height - 1)
            .and_then(|n| n.checked_add(width));
        if stride < width || needed.is_none_or(|n| pixels.len() < n) {
            return Err(FrameError::BufferTooShort {
                len: pixels.len(),
                height,
                stride,
            });
        }
        Ok(GrayFrame {
            width,
            height,
            stride,
            pixels,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    fn luma(&self, x: usize, y: usize) -> u8 {
        self.pixels.get(y * self.stride + x).copied().unwrap_or(255)
    }
}

/// A QR code found in a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedQr {
    /// The decoded text.
    pub text: String,
    /// The QR version.
    pub version: u8,
    /// Corners in the frame: top-left, top-right, bottom-right, bottom-left.
    pub corners: [(i32, i32); 4],
}

/// Every QR code `rqrr` can read in the frame. A panic inside `rqrr` is
/// contained and counts as nothing found.
pub fn read_codes(frame: &GrayFrame<'_>) -> Vec<DecodedQr> {
    catch_unwind(AssertUnwindSafe(|| detect_and_decode(frame))).unwrap_or_default()
}

fn detect_and_decode(frame: &GrayFrame<'_>) -> Vec<DecodedQr> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(frame.width, frame.height, |x, y| {
            frame.luma(x, y)
        });
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| {
            let (meta, text) = grid.decode().ok()?;
            Some(DecodedQr {
                text,
                version: u8::try_from(meta.version.0).ok()?,
                corners: grid.bounds.map(|p| (p.x, p.y)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::{QrMatrix, RenderOptions, to_gray};

    fn render(text: &str, module: u32) -> (usize, Vec<u8>) {
        let matrix = QrMatrix::encode(text).unwrap();
        let (side, pixels) = to_gray(
            &matrix,
            RenderOptions {
                module_size: module,
                quiet_zone: 4,
            },
        )
        .unwrap();
        (side as usize, pixels)
    }

    #[test]
    fn reads_back_what_it_rendered() {
        let text = "SC1:HELLO-WORLD";
        let (side, pixels) = render(text, 4);
        let frame = GrayFrame::new(side, side, side, &pixels).unwrap();
        let codes = read_codes(&frame);
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].text, text);
        assert_eq!(codes[0].version, QrMatrix::encode(text).unwrap().version());
    }

    #[test]
    fn rejects_bad_geometry_and_finds_nothing_in_noise() {
        assert!(matches!(
            GrayFrame::new(10, 100, 10, &[0; 1000]),
            Err(FrameError::BadSize { .. })
        ));
        assert!(matches!(
            GrayFrame::new(100, 100, 99, &[0; 10_000]),
            Err(FrameError::BufferTooShort { .. })
        ));
        assert!(matches!(
            GrayFrame::new(100, 100, 100, &[0; 9_999]),
            Err(FrameError::BufferTooShort { .. })
        ));
        assert!(matches!(
            GrayFrame::new(9000, 100, 9000, &[]),
            Err(FrameError::BadSize { .. })
        ));
        let white = vec![255u8; 200 * 200];
        assert!(read_codes(&GrayFrame::new(200, 200, 200, &white).unwrap()).is_empty());
        let black = vec![0u8; 200 * 200];
        assert!(read_codes(&GrayFrame::new(200, 200, 200, &black).unwrap()).is_empty());
        let noise: Vec<u8> = (0..200 * 200u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        assert!(read_codes(&GrayFrame::new(200, 200, 200, &noise).unwrap()).is_empty());
    }
}
