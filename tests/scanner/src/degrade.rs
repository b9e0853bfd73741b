//! The camera after the lens: blur kernels on the linear image, exposure,
//! vignetting, sensor noise, the tone curve to 8 bits, and JPEG.

use crate::detmath;
use crate::rng::Rng;

/// Separable Gaussian blur, edges clamped.
pub fn gaussian(buf: &mut [f32], width: usize, height: usize, sigma: f64) {
    if sigma < 0.05 {
        return;
    }
    let radius = (3.0 * sigma).ceil() as usize;
    let mut kernel: Vec<f32> = (0..=2 * radius)
        .map(|i| {
            let d = i as f64 - radius as f64;
            detmath::exp(-d * d / (2.0 * sigma * sigma)) as f32
        })
        .collect();
    let total: f32 = kernel.iter().sum();
    for w in &mut kernel {
        *w /= total;
    }
    let mut line = vec![0.0f32; width.max(height) + 2 * radius];
    // Rows.
    for y in 0..height {
        let row = &mut buf[y * width..(y + 1) * width];
        for (i, slot) in line.iter_mut().take(width + 2 * radius).enumerate() {
            *slot = row[(i.saturating_sub(radius)).min(width - 1)];
        }
        for x in 0..width {
            let mut acc = 0.0f32;
            for (j, w) in kernel.iter().enumerate() {
                acc += w * line[x + j];
            }
            row[x] = acc;
        }
    }
    // Columns.
    for x in 0..width {
        for (i, slot) in line.iter_mut().take(height + 2 * radius).enumerate() {
            *slot = buf[(i.saturating_sub(radius)).min(height - 1) * width + x];
        }
        for y in 0..height {
            let mut acc = 0.0f32;
            for (j, w) in kernel.iter().enumerate() {
                acc += w * line[y + j];
            }
            buf[y * width + x] = acc;
        }
    }
}

/// Uniform disk blur of radius `r` pixels (a defocused lens), edges
/// clamped. Each kernel row is an exact box of fractional width, summed
/// from running row totals, so the cost grows with the radius, not its
/// square.
pub fn disk(buf: &mut [f32], width: usize, height: usize, r: f64) {
    if r < 0.5 {
        return;
    }
    let rows = r.floor() as isize;
    // Half-widths per kernel row; the weights are the row lengths.
    let half: Vec<f64> = (-rows..=rows)
        .map(|dy| (r * r - (dy * dy) as f64).max(0.0).sqrt().max(0.5))
        .collect();
    let total: f64 = half.iter().map(|h| 2.0 * h).sum();
    // Running totals of every row: prefix[y][i] = sum of row y, x < i.
    let mut prefix = vec![0.0f64; height * (width + 1)];
    for y in 0..height {
        let base = y * (width + 1);
        for x in 0..width {
            prefix[base + x + 1] = prefix[base + x] + f64::from(buf[y * width + x]);
        }
    }
    // Integral of row y from -0.5 to t (pixels constant over [i-0.5, i+0.5]),
    // extended with the edge values beyond the frame.
    let integral = |y: usize, t: f64| -> f64 {
        let base = y * (width + 1);
        let s = t + 0.5;
        if s <= 0.0 {
            return s * f64::from(buf[y * width]);
        }
        if s >= width as f64 {
            return prefix[base + width]
                + (s - width as f64) * f64::from(buf[y * width + width - 1]);
        }
        let i = s as usize;
        prefix[base + i] + (s - i as f64) * f64::from(buf[y * width + i])
    };
    let mut out = vec![0.0f32; width * height];
    for y in 0..height {
        for x in 0..width {
            let mut acc = 0.0f64;
            for (j, h) in half.iter().enumerate() {
                let yy = (y as isize + j as isize - rows).clamp(0, height as isize - 1) as usize;
                acc += integral(yy, x as f64 + h) - integral(yy, x as f64 - h);
            }
            out[y * width + x] = (acc / total) as f32;
        }
    }
    buf.copy_from_slice(&out);
}

/// Linear motion blur: `length` pixels along `angle_deg`, equal weights,
/// bilinear taps, edges clamped.
pub fn motion(buf: &mut [f32], width: usize, height: usize, length: f64, angle_deg: f64) {
    if length < 0.5 {
        return;
    }
    let taps = length.ceil() as usize + 1;
    let angle = detmath::radians(angle_deg);
    let (dx, dy) = (detmath::cos(angle), detmath::sin(angle));
    let offsets: Vec<(f32, f32)> = (0..taps)
        .map(|i| {
            let t = (i as f64 / (taps - 1) as f64 - 0.5) * length;
            ((t * dx) as f32, (t * dy) as f32)
        })
        .collect();
    let per = 1.0 / taps as f32;
    let mut out = vec![0.0f32; width * height];
    let (wmax, hmax) = ((width - 1) as f32, (height - 1) as f32);
    for y in 0..height {
        for x in 0..width {
            let mut acc = 0.0f32;
            for &(ox, oy) in &offsets {
                let fx = (x as f32 + ox).clamp(0.0, wmax);
                let fy = (y as f32 + oy).clamp(0.0, hmax);
                let x0 = fx as usize;
                let y0 = fy as usize;
                let x1 = (x0 + 1).min(width - 1);
                let y1 = (y0 + 1).min(height - 1);
                let tx = fx - x0 as f32;
                let ty = fy - y0 as f32;
                let a = buf[y0 * width + x0];
                let b = buf[y0 * width + x1];
                let c = buf[y1 * width + x0];
                let d = buf[y1 * width + x1];
                let top = a + (b - a) * tx;
                let bottom = c + (d - c) * tx;
                acc += top + (bottom - top) * ty;
            }
            out[y * width + x] = acc * per;
        }
    }
    buf.copy_from_slice(&out);
}

/// The sensor and the camera's processing, from linear radiance to 8-bit
/// gray.
pub struct Sensor {
    /// Linear sensor value of radiance 1.0 (the screen's white).
    pub exposure: f32,
    /// Vignetting at the corners (0-1).
    pub vignette: f32,
    /// Read noise sigma, linear full scale.
    pub read_noise: f32,
    /// Shot-noise variance per unit of linear signal.
    pub shot_noise: f32,
    /// Tone-curve gamma.
    pub gamma: f64,
    /// Output level of linear 0.
    pub out_black: f64,
    /// Output level of linear full scale.
    pub out_white: f64,
}

impl Sensor {
    /// Exposes, clips at full well, adds noise, applies the tone curve and
    /// quantises.
    pub fn capture(&self, buf: &[f32], width: usize, height: usize, rng: &mut Rng) -> Vec<u8> {
        const STEPS: usize = 4096;
        let lut: Vec<f32> = (0..=STEPS)
            .map(|i| {
                let v = i as f64 / STEPS as f64;
                let out = self.out_black
                    + (self.out_white - self.out_black) * detmath::pow(v, 1.0 / self.gamma);
                out as f32
            })
            .collect();
        let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
        let corner2 = cx * cx + cy * cy;
        let mut out = vec![0u8; width * height];
        for y in 0..height {
            let dy = y as f32 + 0.5 - cy;
            for x in 0..width {
                let dx = x as f32 + 0.5 - cx;
                let falloff = 1.0 - self.vignette * (dx * dx + dy * dy) / corner2;
                let signal = (buf[y * width + x] * self.exposure * falloff).clamp(0.0, 1.0);
                let sigma = (self.read_noise * self.read_noise + self.shot_noise * signal).sqrt();
                let v = (signal + sigma * rng.normal_fast()).clamp(0.0, 1.0);
                let pos = v * STEPS as f32;
                let i = (pos as usize).min(STEPS - 1);
                let t = pos - i as f32;
                let level = lut[i] + (lut[i + 1] - lut[i]) * t;
                out[y * width + x] = (level + 0.5).clamp(0.0, 255.0) as u8;
            }
        }
        out
    }
}

/// Encodes as JPEG at `quality` and decodes again, in memory.
pub fn jpeg(pixels: &[u8], width: usize, height: usize, quality: u8) -> Vec<u8> {
    use image::ImageEncoder;
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, quality)
        .write_image(
            pixels,
            width as u32,
            height as u32,
            image::ExtendedColorType::L8,
        )
        .expect("in-memory JPEG encoding of a valid gray image");
    image::load_from_memory_with_format(&encoded, image::ImageFormat::Jpeg)
        .expect("decoding the JPEG just written")
        .to_luma8()
        .into_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blurs_keep_a_flat_image_flat_and_spread_a_point() {
        for blur in 0..3 {
            let (w, h) = (40, 30);
            let mut flat = vec![0.5f32; w * h];
            let mut point = vec![0.0f32; w * h];
            point[15 * w + 20] = 1.0;
            match blur {
                0 => {
                    gaussian(&mut flat, w, h, 1.5);
                    gaussian(&mut point, w, h, 1.5);
                }
                1 => {
                    disk(&mut flat, w, h, 3.2);
                    disk(&mut point, w, h, 3.2);
                }
                _ => {
                    motion(&mut flat, w, h, 6.0, 30.0);
                    motion(&mut point, w, h, 6.0, 30.0);
                }
            }
            assert!(flat.iter().all(|v| (v - 0.5).abs() < 1e-4), "blur {blur}");
            let total: f32 = point.iter().sum();
            assert!((total - 1.0).abs() < 1e-3, "blur {blur}: {total}");
            assert!(point[15 * w + 20] < 0.5, "blur {blur}");
        }
    }

    #[test]
    fn jpeg_round_trip_keeps_size_and_roughly_the_values() {
        let (w, h) = (64, 48);
        let pixels: Vec<u8> = (0..w * h).map(|i| ((i % w) * 4) as u8).collect();
        let back = jpeg(&pixels, w, h, 80);
        assert_eq!(back.len(), w * h);
        let err: f64 = pixels
            .iter()
            .zip(&back)
            .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
            .sum::<f64>()
            / (w * h) as f64;
        assert!(err < 4.0, "mean error {err}");
    }
}
