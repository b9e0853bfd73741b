//! Grayscale to black and white with a threshold that follows the light
//! across the frame.
//!
//! The method is ZXing's "hybrid" binarizer: the frame is cut into square
//! blocks; each block gets a black point from its own range (or, when it is
//! flat, from its neighbours), and each pixel is thresholded with the mean
//! black point of the 5×5 blocks around its block. It copes with a glare
//! spot on one side and shadow on the other, which one global threshold
//! cannot. The block size is a parameter: small blocks follow fine detail,
//! larger ones ride out blur.

use crate::qr::GrayFrame;

/// Blocks whose range is at most this are treated as flat by default
/// (ZXing's value): noise in a flat area then stays white.
pub const DEFAULT_MIN_RANGE: u32 = 24;

/// A black-and-white view of a frame: each pixel is black when its gray
/// is at most its block's threshold. Nothing is materialised per pixel:
/// the finder search thresholds only the rows it scans, and everything
/// else asks about single pixels.
#[derive(Debug, Clone)]
pub struct BitMatrix<'a> {
    frame: GrayFrame<'a>,
    /// log2 of the block size.
    shift: u32,
    blocks_x: usize,
    thresholds: Vec<u8>,
}

impl BitMatrix<'_> {
    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.frame.width()
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.frame.height()
    }

    fn threshold(&self, x: usize, y: usize) -> u8 {
        let index = (y >> self.shift) * self.blocks_x + (x >> self.shift);
        self.thresholds.get(index).copied().unwrap_or(0)
    }

    /// Whether the pixel is black; outside the image counts as white.
    pub fn is_black(&self, x: i32, y: i32) -> bool {
        if x < 0 || y < 0 {
            return false;
        }
        let (x, y) = (x as usize, y as usize);
        x < self.width() && y < self.height() && self.frame.luma(x, y) <= self.threshold(x, y)
    }

    /// The threshold used around pixel (`x`, `y`): gray at or below it is
    /// black.
    pub fn threshold_at(&self, x: f32, y: f32) -> u32 {
        let x = (x.max(0.0) as usize).min(self.width().saturating_sub(1));
        let y = (y.max(0.0) as usize).min(self.height().saturating_sub(1));
        u32::from(self.threshold(x, y))
    }

    /// Row `y` as 0 (white) and 1 (black) bytes, into `out`.
    pub fn row_into(&self, y: usize, out: &mut Vec<u8>) {
        out.clear();
        let block = 1usize << self.shift;
        let row = self.frame.row(y);
        let thresholds = self
            .thresholds
            .get((y >> self.shift) * self.blocks_x..)
            .unwrap_or_default();
        for (pixels, &threshold) in row.chunks(block).zip(thresholds) {
            out.extend(pixels.iter().map(|&luma| u8::from(luma <= threshold)));
        }
    }
}

/// Binarizes with square blocks of `block` pixels (8, 16 or 32; other
/// sizes use 8); blocks whose range is at most `min_range` gray levels
/// count as flat.
pub fn hybrid<'a>(frame: &GrayFrame<'a>, block: usize, min_range: u32) -> BitMatrix<'a> {
    // A block size known at compile time turns the statistics loops into
    // fixed-length ones that the compiler unrolls and vectorises.
    let (shift, thresholds) = match block {
        16 => (4, thresholds::<16>(frame, min_range)),
        32 => (5, thresholds::<32>(frame, min_range)),
        _ => (3, thresholds::<8>(frame, min_range)),
    };
    BitMatrix {
        frame: *frame,
        shift,
        blocks_x: frame.width().div_ceil(1 << shift),
        thresholds,
    }
}

/// Every block's threshold.
fn thresholds<const B: usize>(frame: &GrayFrame<'_>, min_range: u32) -> Vec<u8> {
    let blocks_x = frame.width().div_ceil(B);
    let blocks_y = frame.height().div_ceil(B);
    let (black_points, contrasty) = block_black_points::<B>(frame, blocks_x, blocks_y, min_range);
    neighbourhood_means(&black_points, &contrasty, blocks_x, blocks_y)
        .into_iter()
        .map(|t| t.min(255) as u8)
        .collect()
}

/// The frame smoothed with a 3×3 box filter: sensor noise speckles black
/// modules with light pixels, which breaks the runs the finder search
/// counts; averaging nine pixels removes most of it at the cost of a
/// third of a pixel of blur.
pub fn smoothed(frame: &GrayFrame<'_>) -> Vec<u8> {
    let (width, height) = (frame.width(), frame.height());
    let mut out = vec![0u8; width * height];
    // Horizontal sums of three for the rows above, at and below the
    // output row: three row buffers, never a frame-sized one.
    let horizontal = |y: usize, sums: &mut Vec<u16>| {
        let row = frame.row(y);
        sums.clear();
        sums.extend((0..width).map(|x| {
            let at = |i: usize| u16::from(row.get(i).copied().unwrap_or(255));
            at(x.saturating_sub(1)) + at(x) + at((x + 1).min(width - 1))
        }));
    };
    let (mut above, mut here, mut below) = (Vec::new(), Vec::new(), Vec::new());
    horizontal(0, &mut here);
    above.clone_from(&here);
    for (y, out_row) in out.chunks_exact_mut(width.max(1)).enumerate().take(height) {
        horizontal((y + 1).min(height - 1), &mut below);
        for (((pixel, &a), &h), &b) in out_row.iter_mut().zip(&above).zip(&here).zip(&below) {
            *pixel = ((u32::from(a) + u32::from(h) + u32::from(b) + 4) / 9) as u8;
        }
        std::mem::swap(&mut above, &mut here);
        std::mem::swap(&mut here, &mut below);
    }
    out
}

/// The local black point of every block, and whether the block has
/// contrast (an edge) at all.
fn block_black_points<const B: usize>(
    frame: &GrayFrame<'_>,
    blocks_x: usize,
    blocks_y: usize,
    min_range: u32,
) -> (Vec<u32>, Vec<bool>) {
    let width = frame.width();
    let mut points = vec![0u32; blocks_x * blocks_y];
    let mut contrasty = vec![false; blocks_x * blocks_y];
    // Per-column sums, minima and maxima over the rows of one block row:
    // one straight loop over each image row, which vectorises; each block
    // then reduces its own B columns.
    let mut column_sums = vec![0u16; width];
    let mut column_mins = vec![255u8; width];
    let mut column_maxs = vec![0u8; width];
    for by in 0..blocks_y {
        column_sums.fill(0);
        column_mins.fill(255);
        column_maxs.fill(0);
        let rows = by * B..((by + 1) * B).min(frame.height());
        let row_count = rows.len() as u32;
        for y in rows {
            let row = frame.row(y);
            // Three two-way loops: each vectorises, one four-way loop
            // does not.
            for (sum, &luma) in column_sums.iter_mut().zip(row) {
                *sum += u16::from(luma);
            }
            for (min, &luma) in column_mins.iter_mut().zip(row) {
                *min = (*min).min(luma);
            }
            for (max, &luma) in column_maxs.iter_mut().zip(row) {
                *max = (*max).max(luma);
            }
        }
        let (sum_chunks, sum_tail) = column_sums.as_chunks::<B>();
        let (min_chunks, min_tail) = column_mins.as_chunks::<B>();
        let (max_chunks, max_tail) = column_maxs.as_chunks::<B>();
        let whole = sum_chunks
            .iter()
            .zip(min_chunks)
            .zip(max_chunks)
            .map(|((s, lo), hi)| {
                (
                    s.iter().map(|&v| u32::from(v)).sum::<u32>(),
                    lo.iter().fold(255u8, |m, &v| m.min(v)),
                    hi.iter().fold(0u8, |m, &v| m.max(v)),
                    B,
                )
            });
        let tail = (!sum_tail.is_empty()).then(|| {
            (
                sum_tail.iter().map(|&v| u32::from(v)).sum::<u32>(),
                min_tail.iter().fold(255u8, |m, &v| m.min(v)),
                max_tail.iter().fold(0u8, |m, &v| m.max(v)),
                sum_tail.len(),
            )
        });
        for (bx, (sum, min, max, columns)) in whole.chain(tail).enumerate() {
            let (min, max) = (u32::from(min), u32::from(max));
            let count = columns as u32 * row_count;
            let mut average = sum / count.max(1);
            if max.saturating_sub(min) <= min_range {
                // A flat block: assume background, unless its neighbours
                // already found darker ink (then it is inside a dark area).
                average = min / 2;
                if by > 0 && bx > 0 {
                    let at =
                        |x: usize, y: usize| points.get(y * blocks_x + x).copied().unwrap_or(0);
                    let neighbours = (at(bx, by - 1) + 2 * at(bx - 1, by) + at(bx - 1, by - 1)) / 4;
                    if min < neighbours {
                        average = neighbours;
                    }
                }
            }
            if let Some(point) = points.get_mut(by * blocks_x + bx) {
                *point = average;
            }
            if let Some(flag) = contrasty.get_mut(by * blocks_x + bx) {
                *flag = max.saturating_sub(min) > min_range;
            }
        }
    }
    (points, contrasty)
}

/// For every block, the mean black point of the blocks with contrast
/// among the (up to) 5×5 around it. Flat blocks only guess their black
/// point (half their minimum, assuming paper), and counting those guesses
/// would drag the threshold below faint ink; they are used only when no
/// neighbour has an edge. Summed-area tables make each mean four lookups.
fn neighbourhood_means(
    points: &[u32],
    contrasty: &[bool],
    blocks_x: usize,
    blocks_y: usize,
) -> Vec<u32> {
    let stride = blocks_x + 1;
    let cells = stride * (blocks_y + 1);
    // Summed-area tables of: black points of blocks with contrast, their
    // count, black points of flat blocks, their count.
    let (mut edge_sum, mut edge_count) = (vec![0u32; cells], vec![0u32; cells]);
    let (mut flat_sum, mut flat_count) = (vec![0u32; cells], vec![0u32; cells]);
    for by in 0..blocks_y {
        let (mut row_edge_sum, mut row_edge_count, mut row_flat_sum, mut row_flat_count) =
            (0u32, 0u32, 0u32, 0u32);
        let row_points = points
            .get(by * blocks_x..(by + 1) * blocks_x)
            .unwrap_or_default();
        let row_flags = contrasty
            .get(by * blocks_x..(by + 1) * blocks_x)
            .unwrap_or_default();
        for (bx, (&point, &edge)) in row_points.iter().zip(row_flags).enumerate() {
            if edge {
                row_edge_sum += point;
                row_edge_count += 1;
            } else {
                row_flat_sum += point;
                row_flat_count += 1;
            }
            let (above, here) = (by * stride + bx + 1, (by + 1) * stride + bx + 1);
            for (table, row_total) in [
                (&mut edge_sum, row_edge_sum),
                (&mut edge_count, row_edge_count),
                (&mut flat_sum, row_flat_sum),
                (&mut flat_count, row_flat_count),
            ] {
                let previous = table.get(above).copied().unwrap_or(0);
                if let Some(cell) = table.get_mut(here) {
                    *cell = previous + row_total;
                }
            }
        }
    }
    let window = |table: &[u32], x0: usize, x1: usize, y0: usize, y1: usize| {
        let at = |x: usize, y: usize| table.get(y * stride + x).copied().unwrap_or(0);
        (at(x1, y1) + at(x0, y0)).wrapping_sub(at(x0, y1) + at(x1, y0))
    };
    let mut means = vec![0u32; blocks_x * blocks_y];
    for (i, mean) in means.iter_mut().enumerate() {
        let (bx, by) = (i % blocks_x.max(1), i / blocks_x.max(1));
        let (x0, x1) = (bx.saturating_sub(2), (bx + 3).min(blocks_x));
        let (y0, y1) = (by.saturating_sub(2), (by + 3).min(blocks_y));
        let edges = window(&edge_count, x0, x1, y0, y1);
        *mean = window(&edge_sum, x0, x1, y0, y1)
            .checked_div(edges)
            .unwrap_or_else(|| {
                window(&flat_sum, x0, x1, y0, y1) / window(&flat_count, x0, x1, y0, y1).max(1)
            });
    }
    means
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_uneven_light() {
        // Light rises from 40 to 255 across the frame; ink reflects 20%,
        // paper 90%. Paper on the dark side (36) is darker than ink on the
        // bright side (51), so no global threshold separates them.
        let (w, h) = (256, 64);
        let mut pixels = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let light = 40.0 + 215.0 * x as f32 / (w - 1) as f32;
                let ink = (x / 4 + y / 4) % 2 == 0;
                pixels[y * w + x] = (light * if ink { 0.2 } else { 0.9 }) as u8;
            }
        }
        let frame = GrayFrame::new(w, h, w, &pixels).unwrap();
        let bits = hybrid(&frame, 8, DEFAULT_MIN_RANGE);
        for y in 0..h {
            for x in 0..w {
                let ink = (x / 4 + y / 4) % 2 == 0;
                assert_eq!(bits.is_black(x as i32, y as i32), ink, "({x}, {y})");
            }
        }
        assert!(!bits.is_black(-1, 0) && !bits.is_black(0, h as i32));
    }

    #[test]
    fn smoothing_averages_three_by_three() {
        let (w, h) = (24, 21);
        let mut pixels = vec![90u8; w * h];
        pixels[5 * w + 5] = 180; // one bright speck
        let frame = GrayFrame::new(w, h, w, &pixels).unwrap();
        let out = smoothed(&frame);
        assert_eq!(out[5 * w + 5], 100); // (8 * 90 + 180) / 9
        assert_eq!(out[4 * w + 4], 100);
        assert_eq!(out[3 * w + 3], 90);
        assert_eq!(out.len(), w * h);
    }

    #[test]
    fn flat_frames_stay_white_and_small_frames_work() {
        let pixels = vec![128u8; 30 * 25];
        let frame = GrayFrame::new(30, 25, 30, &pixels).unwrap();
        let bits = hybrid(&frame, 8, DEFAULT_MIN_RANGE);
        let mut row = Vec::new();
        assert!((0..25).all(|y| {
            bits.row_into(y, &mut row);
            row.len() == 30 && row.iter().all(|b| *b == 0)
        }));
    }
}
