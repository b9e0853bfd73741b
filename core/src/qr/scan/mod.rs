//! The officer's frame scanner: finds QR codes in a camera frame and
//! decodes them.
//!
//! Locating the code and sampling its modules is done here; `rqrr` only
//! corrects errors (Reed–Solomon) and decodes the data of the sampled
//! grid. The stages, each in its own module:
//!
//! 1. `binarize`: a local threshold that follows uneven light;
//! 2. `finder`: the three finder patterns by their 1:1:3:1:1 runs;
//! 3. `locate` (with `corners` and `geometry`): which patterns form a
//!    code, its perspective, its size, the bottom-right alignment pattern,
//!    and the module grid;
//! 4. decoding with `rqrr`, any panic inside it contained.
//!
//! Work per frame is bounded ([`MAX_SAMPLINGS_PER_FRAME`] grids at most,
//! over at most five binarization passes), so a camera loop never stalls
//! on a frame full of finder-like texture. docs/ARCHITECTURE.md describes
//! each stage and why it is there.

mod binarize;
mod corners;
mod finder;
mod geometry;
mod locate;

use super::frame::GrayFrame;
use geometry::Point;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Largest QR version an SC1 code uses (a live code with both names at
/// their limit); larger codes are dropped before decoding.
pub const SC1_MAX_VERSION: u8 = 12;

/// A binarization pass of the cascade.
#[derive(Debug, Clone, Copy)]
struct Pass {
    /// Denoise the frame first.
    smooth: bool,
    /// Binarizer block size in pixels.
    block: usize,
    /// Gray levels below which a block counts as flat.
    min_range: u32,
}

/// The passes, tried in order until a code decodes: the frame as it is
/// with fine blocks; denoised; coarser blocks for blur and large modules;
/// and last, a very low contrast floor for a dim screen seen through
/// glare (its noise kept down by denoising).
const PASSES: [Pass; 5] = [
    Pass {
        smooth: false,
        block: 8,
        min_range: binarize::DEFAULT_MIN_RANGE,
    },
    Pass {
        smooth: true,
        block: 8,
        min_range: binarize::DEFAULT_MIN_RANGE,
    },
    Pass {
        smooth: false,
        block: 16,
        min_range: binarize::DEFAULT_MIN_RANGE,
    },
    Pass {
        smooth: false,
        block: 32,
        min_range: binarize::DEFAULT_MIN_RANGE,
    },
    Pass {
        smooth: true,
        block: 16,
        min_range: 6,
    },
];

/// Most finder-pattern triples tried per binarization.
const MAX_TRIPLES: usize = 9;
/// Grid sizes tried per triple (the estimate and its neighbours).
const MAX_DIMENSIONS: usize = 3;

/// What to look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanMode {
    /// SC1 presentations only: codes above version 12 are dropped before
    /// decoding, texts that are not SC1 are dropped after.
    Sc1,
    /// Any QR code (for debugging and benchmarks).
    AnyQr,
}

/// A code found in a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundCode {
    /// The decoded text.
    pub text: String,
    /// QR version (1 to 40).
    pub version: u8,
    /// The code's corners in the frame, clockwise from the top-left as the
    /// code is read: top-left, top-right, bottom-right, bottom-left.
    pub corners: [(f32, f32); 4],
}

/// Most module grids sampled per frame, over all passes, triples, sizes
/// and transforms: the hard bound on a frame's work (each sampling reads
/// at most 65² modules in SC1 mode; only plausible ones reach the error
/// correction).
pub const MAX_SAMPLINGS_PER_FRAME: u32 = 160;

/// How much work a scan did (for tests and tuning).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Binarization passes run.
    pub passes: u32,
    /// Module grids sampled.
    pub samplings: u32,
    /// Grids handed to the error correction.
    pub decodes: u32,
}

/// Every distinct code found in `frame`.
pub fn scan(frame: &GrayFrame<'_>, mode: ScanMode) -> Vec<FoundCode> {
    scan_counting(frame, mode).0
}

/// [`scan`], also reporting the work done.
pub fn scan_counting(frame: &GrayFrame<'_>, mode: ScanMode) -> (Vec<FoundCode>, Work) {
    let max_version = match mode {
        ScanMode::Sc1 => SC1_MAX_VERSION,
        ScanMode::AnyQr => 40,
    };
    let mut found: Vec<FoundCode> = Vec::new();
    let mut work = Work::default();
    let mut smoothed: Option<Vec<u8>> = None;
    for pass in PASSES {
        if work.samplings >= MAX_SAMPLINGS_PER_FRAME {
            break;
        }
        let pixels;
        let source = if pass.smooth {
            pixels = smoothed.get_or_insert_with(|| binarize::smoothed(frame));
            match GrayFrame::new(frame.width(), frame.height(), frame.width(), pixels) {
                Ok(source) => source,
                Err(_) => continue,
            }
        } else {
            *frame
        };
        work.passes += 1;
        let bits = binarize::hybrid(&source, pass.block, pass.min_range);
        let finders = finder::find(&bits, 2);
        for triple in locate::triples(&finders, MAX_TRIPLES) {
            // A pattern inside a code already read belongs to that code.
            if found.iter().any(|code| triple.overlaps(&code.corners)) {
                continue;
            }
            if let Some(code) = decode_triple(&source, &bits, &triple, max_version, mode, &mut work)
            {
                if !found.iter().any(|f| f.text == code.text) {
                    found.push(code);
                }
                // A wallet shows one code: the officer's scan stops there.
                if mode == ScanMode::Sc1 {
                    return (found, work);
                }
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    (found, work)
}

fn decode_triple(
    frame: &GrayFrame<'_>,
    bits: &binarize::BitMatrix<'_>,
    triple: &locate::Triple,
    max_version: u8,
    mode: ScanMode,
    work: &mut Work,
) -> Option<FoundCode> {
    let module_size = triple.module_size(bits);
    let corners = triple.finder_corners(bits);
    for dimension in triple
        .dimensions(module_size, max_version)
        .into_iter()
        .take(MAX_DIMENSIONS)
    {
        let models = [locate::Model::FinderCorners, locate::Model::Parallelogram];
        for transform in models
            .into_iter()
            .flat_map(|model| triple.transforms(model, bits, dimension, &corners))
        {
            for sampling in [locate::Sampling::Binary, locate::Sampling::Gray] {
                if work.samplings >= MAX_SAMPLINGS_PER_FRAME {
                    return None;
                }
                work.samplings += 1;
                let Some(modules) = locate::sample(frame, bits, &transform, dimension, sampling)
                else {
                    continue;
                };
                if !locate::timing_plausible(&modules, dimension) {
                    continue;
                }
                work.decodes += 1;
                let Some((version, text)) = decode_grid(locate::to_grid(&modules, dimension))
                else {
                    continue;
                };
                if mode == ScanMode::Sc1 && !is_sc1(&text) {
                    return None;
                }
                let d = dimension as f32;
                let corners = [
                    Point::new(0.0, 0.0),
                    Point::new(d, 0.0),
                    Point::new(d, d),
                    Point::new(0.0, d),
                ]
                .map(|p| transform.map(p).map_or((0.0, 0.0), |q| (q.x, q.y)));
                return Some(FoundCode {
                    text,
                    version,
                    corners,
                });
            }
        }
    }
    None
}

/// Whether decoded text can be an SC1 presentation at all.
fn is_sc1(text: &str) -> bool {
    text.starts_with(crate::sc1::PREFIX) && text.len() <= crate::sc1::MAX_TEXT_LEN
}

/// Error correction and data decoding by `rqrr`; a panic inside it (it is
/// known to panic on some grids) counts as a failed decode.
fn decode_grid<G: rqrr::BitGrid>(grid: G) -> Option<(u8, String)> {
    catch_unwind(AssertUnwindSafe(|| {
        let grid = rqrr::Grid::new(grid);
        let (meta, text) = grid.decode().ok()?;
        Some((u8::try_from(meta.version.0).ok()?, text))
    }))
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::QrMatrix;

    /// Draws `text`'s code into a `w`×`h` frame through a perspective
    /// transform from module space (quiet zone included) to pixels.
    fn photograph(text: &str, w: usize, h: usize, corners: [Point; 4]) -> Vec<u8> {
        let matrix = QrMatrix::encode(text).unwrap();
        let side = matrix.width() as f32 + 8.0;
        let square = [
            Point::new(0.0, 0.0),
            Point::new(side, 0.0),
            Point::new(side, side),
            Point::new(0.0, side),
        ];
        let to_modules = geometry::Perspective::quad_to_quad(corners, square).unwrap();
        let mut pixels = vec![90u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let m = to_modules
                    .map(Point::new(x as f32 + 0.5, y as f32 + 0.5))
                    .unwrap();
                if m.x >= 0.0 && m.y >= 0.0 && m.x < side && m.y < side {
                    let (mx, my) = (m.x as usize, m.y as usize);
                    let dark = mx >= 4 && my >= 4 && matrix.is_dark(mx - 4, my - 4);
                    pixels[y * w + x] = if dark { 30 } else { 220 };
                }
            }
        }
        pixels
    }

    /// A grid whose reads panic, as rqrr does on some inputs.
    struct PanickingGrid;

    impl rqrr::BitGrid for PanickingGrid {
        fn size(&self) -> usize {
            25
        }

        fn bit(&self, _y: usize, _x: usize) -> bool {
            panic!("simulated decoder panic")
        }
    }

    #[test]
    fn a_panic_in_the_decoder_is_contained() {
        assert_eq!(decode_grid(PanickingGrid), None);
        // And random grids of every SC1 size never escape either.
        let mut state = 0x1234_5678_9ABC_DEF0u64;
        for round in 0..400usize {
            let size = 21 + 4 * (round % 12);
            let bits: Vec<bool> = (0..size * size)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state & 1 == 1
                })
                .collect();
            let grid = rqrr::SimpleGrid::from_func(size, |x, y| bits[y * size + x]);
            assert!(decode_grid(grid).is_none_or(|(version, _)| version >= 1));
        }
    }

    #[test]
    fn reads_a_rotated_code_in_perspective() {
        let text = "SC1:HELLO WORLD 1234567890 ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./: 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for corners in [
            // Upright, about 5 px per module.
            [
                Point::new(100.0, 60.0),
                Point::new(420.0, 60.0),
                Point::new(420.0, 380.0),
                Point::new(100.0, 380.0),
            ],
            // Rotated about 30 degrees.
            [
                Point::new(250.0, 20.0),
                Point::new(520.0, 175.0),
                Point::new(365.0, 445.0),
                Point::new(95.0, 290.0),
            ],
            // Tilted: the right side farther away.
            [
                Point::new(80.0, 40.0),
                Point::new(460.0, 110.0),
                Point::new(460.0, 350.0),
                Point::new(80.0, 440.0),
            ],
        ] {
            let pixels = photograph(text, 640, 480, corners);
            let frame = GrayFrame::new(640, 480, 640, &pixels).unwrap();
            let found = scan(&frame, ScanMode::Sc1);
            assert_eq!(found.len(), 1, "{corners:?}");
            assert_eq!(found[0].text, text);
        }
    }
}
