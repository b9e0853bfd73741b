//! Image files in, QR codes out.

use anyhow::{Context, Result};
use docket_core::qr::scan::{FoundCode, ScanMode, scan};
use docket_core::qr::{GrayFrame, MAX_FRAME_SIDE};
use std::path::Path;

/// Largest image file read.
const MAX_IMAGE_FILE: u64 = 64 * 1024 * 1024;

/// Every QR code the frame scanner finds in an image file (PNG or JPEG).
pub fn qr_codes_in(path: &Path, mode: ScanMode) -> Result<Vec<FoundCode>> {
    let bytes = crate::files::read_limited(path, MAX_IMAGE_FILE, "image")?;
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .with_context(|| format!("cannot read image {}", path.display()))?;
    let mut limits = image::Limits::default();
    let side = u32::try_from(MAX_FRAME_SIDE).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    reader.limits(limits);
    let luma = reader
        .decode()
        .with_context(|| format!("{} is not a readable PNG or JPEG image", path.display()))?
        .to_luma8();
    let (width, height) = (luma.width() as usize, luma.height() as usize);
    let frame = GrayFrame::new(width, height, width, luma.as_raw())
        .with_context(|| format!("cannot scan {}", path.display()))?;
    Ok(scan(&frame, mode))
}
