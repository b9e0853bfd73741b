//! Image files in, QR codes out.

use anyhow::{Context, Result, bail};
use docket_core::qr::scan::{FoundCode, ScanMode, scan};
use docket_core::qr::{GrayFrame, MAX_FRAME_PIXELS, MAX_FRAME_SIDE};
use image::imageops::FilterType;
use std::path::Path;

/// Largest image file read.
const MAX_IMAGE_FILE: u64 = 64 * 1024 * 1024;
/// Largest side decoded; larger than the scanner takes, an image is
/// downscaled after decoding.
const MAX_DECODED_SIDE: u32 = 20_000;
/// Largest image decoded, in pixels: a 48-megapixel phone photo is
/// 8000×6000. A PNG of 16000×16000 pixels compresses to 51 KB and would
/// take 1 GB to decode; its size is read from the header and refused
/// before any pixel is.
const MAX_DECODED_PIXELS: u64 = 50_000_000;
/// Most memory the decoder may take for one image (an 8-bit RGBA image
/// of the largest size, plus room for the decoder's own buffers).
const MAX_DECODER_ALLOC: u64 = 4 * MAX_DECODED_PIXELS + 64 * 1024 * 1024;

/// Every QR code the frame scanner finds in an image file (PNG or JPEG).
pub fn qr_codes_in(path: &Path, mode: ScanMode) -> Result<Vec<FoundCode>> {
    let bytes = docket_core::files::read_limited(path, MAX_IMAGE_FILE, "image")?;
    let reader = || -> Result<_> {
        let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes.as_slice()))
            .with_guessed_format()
            .with_context(|| format!("cannot read image {}", path.display()))?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_DECODED_SIDE);
        limits.max_image_height = Some(MAX_DECODED_SIDE);
        limits.max_alloc = Some(MAX_DECODER_ALLOC);
        reader.limits(limits);
        Ok(reader)
    };
    let (width, height) = reader()?
        .into_dimensions()
        .with_context(|| format!("{} is not a readable PNG or JPEG image", path.display()))?;
    if u64::from(width) * u64::from(height) > MAX_DECODED_PIXELS {
        bail!(
            "image {} is {width}×{height} pixels; at most {} megapixels are read",
            path.display(),
            MAX_DECODED_PIXELS / 1_000_000
        );
    }
    let image = reader()?
        .decode()
        .with_context(|| format!("{} is not a readable PNG or JPEG image", path.display()))?;
    let luma = fit_for_scanning(image).to_luma8();
    let (width, height) = (luma.width() as usize, luma.height() as usize);
    let frame = GrayFrame::new(width, height, width, luma.as_raw())
        .with_context(|| format!("cannot scan {}", path.display()))?;
    Ok(scan(&frame, mode))
}

/// Downscales an image that is larger than the scanner takes (a photo
/// from a high-resolution camera), keeping its aspect ratio.
fn fit_for_scanning(image: image::DynamicImage) -> image::DynamicImage {
    let (width, height) = (f64::from(image.width()), f64::from(image.height()));
    let side = MAX_FRAME_SIDE as f64;
    let scale = (side / width)
        .min(side / height)
        .min((MAX_FRAME_PIXELS as f64 / (width * height)).sqrt());
    if scale >= 1.0 {
        return image;
    }
    let (new_width, new_height) = (
        (width * scale).floor() as u32,
        (height * scale).floor() as u32,
    );
    image.resize(new_width.max(1), new_height.max(1), FilterType::Triangle)
}
