//! The solvability check: could a decoder that knew exactly where the code
//! is read it?
//!
//! The oracle samples the final 8-bit frame at every module's true centre
//! (bilinear), decides dark or light against a local threshold (the mean
//! of the module samples within 4 modules, or failing that the mean over
//! the whole code), and hands the grid to `rqrr`'s Reed-Solomon decoder.
//! A sample the oracle cannot read is redrawn, so every image in the set
//! is readable in principle: what remains hard is finding and sampling the
//! code, which is the scanner's job.

use crate::geometry::{M3, apply};
use docket_core::qr::QrMatrix;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What the oracle saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// Fraction of modules read wrongly with the local threshold.
    pub module_error: f64,
    /// Whether either threshold gave a grid that decodes to the text.
    pub decodes: bool,
}

struct Bits {
    size: usize,
    dark: Vec<bool>,
}

impl rqrr::BitGrid for Bits {
    fn size(&self) -> usize {
        self.size
    }

    fn bit(&self, y: usize, x: usize) -> bool {
        self.dark[y * self.size + x]
    }
}

fn bilinear(pixels: &[u8], width: usize, height: usize, x: f64, y: f64) -> f64 {
    let fx = (x - 0.5).clamp(0.0, (width - 1) as f64);
    let fy = (y - 0.5).clamp(0.0, (height - 1) as f64);
    let x0 = fx as usize;
    let y0 = fy as usize;
    let x1 = (x0 + 1).min(width - 1);
    let y1 = (y0 + 1).min(height - 1);
    let tx = fx - x0 as f64;
    let ty = fy - y0 as f64;
    let p = |x: usize, y: usize| f64::from(pixels[y * width + x]);
    let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * tx;
    let bottom = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * tx;
    top + (bottom - top) * ty
}

/// Reads the code at its known place. `module_to_frame` maps module
/// coordinates (0 to `matrix.width()` across the code) to frame pixels.
pub fn check(
    pixels: &[u8],
    width: usize,
    height: usize,
    module_to_frame: &M3,
    matrix: &QrMatrix,
    expected: &str,
) -> Verdict {
    let n = matrix.width();
    let values: Vec<f64> = (0..n * n)
        .map(|i| {
            let (x, y) = apply(module_to_frame, (i % n) as f64 + 0.5, (i / n) as f64 + 0.5);
            bilinear(pixels, width, height, x, y)
        })
        .collect();
    const REACH: usize = 4;
    let local: Vec<bool> = (0..n * n)
        .map(|i| {
            let (mx, my) = (i % n, i / n);
            let (x0, x1) = (mx.saturating_sub(REACH), (mx + REACH + 1).min(n));
            let (y0, y1) = (my.saturating_sub(REACH), (my + REACH + 1).min(n));
            let mut sum = 0.0;
            for y in y0..y1 {
                for x in x0..x1 {
                    sum += values[y * n + x];
                }
            }
            values[i] < sum / ((x1 - x0) * (y1 - y0)) as f64
        })
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let global: Vec<bool> = values.iter().map(|v| *v < mean).collect();
    let errors = local
        .iter()
        .enumerate()
        .filter(|(i, dark)| **dark != matrix.is_dark(i % n, i / n))
        .count();
    let reads = |dark: Vec<bool>| {
        let grid = rqrr::Grid::new(Bits { size: n, dark });
        catch_unwind(AssertUnwindSafe(|| grid.decode()))
            .ok()
            .and_then(Result::ok)
            .is_some_and(|(_, text)| text == expected)
    };
    Verdict {
        module_error: errors as f64 / (n * n) as f64,
        decodes: reads(local) || reads(global),
    }
}
