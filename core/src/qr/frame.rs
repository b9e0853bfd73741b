//! Camera frames as the scanner reads them: 8-bit luma with a row stride,
//! borrowed from the platform's buffer where it already is luma (Android's
//! NV21 and YUV_420_888, iOS's 420f/420v: the Y plane comes first), or
//! converted once from RGBA.

use thiserror::Error;

/// Largest width or height accepted (an 8K frame's width).
pub const MAX_FRAME_SIDE: usize = 8192;
/// Most pixels accepted (4096 × 4096, twice a 4K camera frame): bounds the
/// scanner's memory, which grows with the frame, on a phone. Larger photos
/// are downscaled before scanning.
pub const MAX_FRAME_PIXELS: usize = 4096 * 4096;
/// Smallest width or height that can hold a version-1 code.
const MIN_FRAME_SIDE: usize = 21;

/// A frame that cannot be scanned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// Width or height outside 21 to 8192 pixels, or more than
    /// [`MAX_FRAME_PIXELS`] in all.
    #[error(
        "the image is {width}x{height}; it must be between {MIN_FRAME_SIDE} and {MAX_FRAME_SIDE} pixels on each side and at most {MAX_FRAME_PIXELS} pixels in all"
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
        check_geometry(width, height, stride, 1, pixels.len())?;
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

    /// Row `y` (`width` pixels; empty beyond the frame).
    pub fn row(&self, y: usize) -> &'a [u8] {
        let start = y * self.stride;
        self.pixels
            .get(start..start + self.width)
            .unwrap_or_default()
    }

    /// The pixel at (`x`, `y`); white beyond the frame.
    pub fn luma(&self, x: usize, y: usize) -> u8 {
        self.pixels.get(y * self.stride + x).copied().unwrap_or(255)
    }
}

/// Checks a frame's size against the limits, and its row stride and
/// buffer length against `bytes_per_pixel`.
fn check_geometry(
    width: usize,
    height: usize,
    stride: usize,
    bytes_per_pixel: usize,
    len: usize,
) -> Result<(), FrameError> {
    let side_ok = |s: usize| (MIN_FRAME_SIDE..=MAX_FRAME_SIDE).contains(&s);
    // Both sides are at most 8192 here, so the products cannot overflow.
    if !side_ok(width) || !side_ok(height) || width * height > MAX_FRAME_PIXELS {
        return Err(FrameError::BadSize { width, height });
    }
    let row_bytes = width * bytes_per_pixel;
    let needed = stride
        .checked_mul(height - 1)
        .and_then(|n| n.checked_add(row_bytes));
    if stride < row_bytes || needed.is_none_or(|n| len < n) {
        return Err(FrameError::BufferTooShort {
            len,
            height,
            stride,
        });
    }
    Ok(())
}

/// The luma of an RGBA (or BGRA with `bgr = true`) buffer, ITU-R BT.601
/// weights in integer arithmetic, as a tightly packed buffer for
/// [`GrayFrame::new`] with `stride = width`.
pub fn luma_from_rgba(
    width: usize,
    height: usize,
    stride: usize,
    rgba: &[u8],
    bgr: bool,
) -> Result<Vec<u8>, FrameError> {
    check_geometry(width, height, stride, 4, rgba.len())?;
    let row_bytes = width * 4;
    let mut luma = Vec::with_capacity(width * height);
    for y in 0..height {
        let row = rgba
            .get(y * stride..y * stride + row_bytes)
            .unwrap_or_default();
        luma.extend(row.chunks_exact(4).map(|px| {
            let (r, g, b) = match *px {
                [b, g, r, _] if bgr => (r, g, b),
                [r, g, b, _] => (r, g, b),
                _ => (0, 0, 0),
            };
            ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b) + 128) >> 8) as u8
        }));
    }
    Ok(luma)
}

impl<'a> GrayFrame<'a> {
    /// The Y plane of an NV21 / NV12 / YUV_420_888 / 420f buffer: the
    /// first `height` rows of `y_stride` bytes (the chroma that follows is
    /// not needed to find a code).
    pub fn from_yuv420(
        width: usize,
        height: usize,
        y_stride: usize,
        data: &'a [u8],
    ) -> Result<Self, FrameError> {
        GrayFrame::new(width, height, y_stride, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgba_and_bgra_become_luma() {
        let (w, h) = (21, 21);
        let mut rgba = vec![0u8; w * h * 4 + 8];
        rgba[0..4].copy_from_slice(&[255, 0, 0, 255]);
        rgba[4..8].copy_from_slice(&[0, 255, 0, 255]);
        rgba[8..12].copy_from_slice(&[255, 255, 255, 255]);
        let luma = luma_from_rgba(w, h, w * 4, &rgba, false).unwrap();
        assert_eq!(&luma[..3], &[77, 149, 255]);
        let bgr = luma_from_rgba(w, h, w * 4, &rgba, true).unwrap();
        assert_eq!(bgr[0], 29);
        assert_eq!(luma.len(), w * h);
        assert!(luma_from_rgba(w, h, w * 4, &rgba[..100], false).is_err());
        assert!(luma_from_rgba(5, h, 20, &rgba, false).is_err());
        assert!(luma_from_rgba(w, h, w * 4 - 1, &rgba, false).is_err());
        // A 4K RGBA camera frame (wider than 2048 pixels, 33 MB) is taken.
        let (w4k, h4k) = (3840, 2160);
        let frame_4k = vec![200u8; w4k * h4k * 4];
        assert_eq!(
            luma_from_rgba(w4k, h4k, w4k * 4, &frame_4k, false)
                .unwrap()
                .len(),
            w4k * h4k
        );
    }

    #[test]
    fn the_y_plane_is_a_frame() {
        let data = vec![7u8; 32 * 24 + 32 * 12];
        let frame = GrayFrame::from_yuv420(30, 24, 32, &data).unwrap();
        assert_eq!(frame.row(23).len(), 30);
        assert_eq!(frame.luma(29, 23), 7);
    }
}
