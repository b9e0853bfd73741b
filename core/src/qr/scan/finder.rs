//! Finding the three finder patterns (the nested squares in three corners)
//! by their 1:1:3:1:1 black-white run signature.
//!
//! Rows are scanned for five runs in that ratio; each hit is confirmed
//! with a vertical, a horizontal and a diagonal cross-check through its
//! centre, and hits within a module of each other are merged. The method
//! is ZXing's, with one change: the ratio test allows half a pixel more,
//! so that codes at two camera pixels per module still qualify.

use super::binarize::BitMatrix;
use super::geometry::Point;

/// Most finder candidates kept per frame: bounds the memory and the
/// merging work a frame full of finder-like texture can cause. When full,
/// a candidate seen on one scan line only gives way to a new one; patterns
/// confirmed on several lines (real finders) stay.
pub const MAX_CANDIDATES: usize = 96;

/// A confirmed finder pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FinderPattern {
    /// Centre in pixels.
    pub center: Point,
    /// Estimated module size in pixels.
    pub module_size: f32,
    /// How many scan lines confirmed it.
    pub count: u32,
}

impl FinderPattern {
    fn about_equals(&self, module_size: f32, center: Point) -> bool {
        if (center.y - self.center.y).abs() <= module_size
            && (center.x - self.center.x).abs() <= module_size
        {
            let difference = (module_size - self.module_size).abs();
            return difference <= 1.0 || difference <= self.module_size;
        }
        false
    }

    fn combine(&self, module_size: f32, center: Point) -> FinderPattern {
        let n = self.count as f32;
        let total = n + 1.0;
        FinderPattern {
            center: Point::new(
                (n * self.center.x + center.x) / total,
                (n * self.center.y + center.y) / total,
            ),
            module_size: (n * self.module_size + module_size) / total,
            count: self.count + 1,
        }
    }
}

/// Every finder pattern found scanning every `skip`-th row.
pub fn find(bits: &BitMatrix<'_>, skip: usize) -> Vec<FinderPattern> {
    let mut finder = Finder {
        bits,
        found: Vec::new(),
        runs: Vec::with_capacity(bits.width() / 2),
        row: Vec::with_capacity(bits.width()),
    };
    let skip = skip.max(1);
    let mut y = skip / 2;
    while y < bits.height() {
        finder.scan_row(y);
        y += skip;
    }
    finder.found.sort_by_key(|f| std::cmp::Reverse(f.count));
    finder.found
}

struct Finder<'a> {
    bits: &'a BitMatrix<'a>,
    found: Vec<FinderPattern>,
    /// The current row's runs: (length, end position), reused per row.
    runs: Vec<(u32, usize)>,
    /// The current row in black and white, reused per row.
    row: Vec<u8>,
}

impl Finder<'_> {
    /// Finds 1:1:3:1:1 windows among the row's runs and confirms them.
    fn scan_row(&mut self, y: usize) {
        let mut buffer = std::mem::take(&mut self.row);
        self.bits.row_into(y, &mut buffer);
        let row = buffer.as_slice();
        // Run lengths with their end positions; colours alternate.
        self.runs.clear();
        let mut x = 0;
        while let Some(&colour) = row.get(x) {
            let end = run_end(row, x, colour);
            self.runs.push(((end - x) as u32, end));
            x = end;
        }
        let first_black_run = usize::from(row.first() != Some(&1));
        let mut i = first_black_run;
        while let Some(&[a, b, c, d, (last, end_x)]) = self.runs.get(i..i + 5) {
            let state = [a.0, b.0, c.0, d.0, last];
            if pattern_cross(&state) && self.handle_possible_center(&state, y, end_x) {
                // Confirmed: the next pattern starts after this one.
                i += 6;
            } else {
                i += 2;
            }
        }
        self.row = buffer;
    }

    /// Confirms a horizontal hit ending at `end_x` and records its centre.
    fn handle_possible_center(&mut self, state: &[u32; 5], y: usize, end_x: usize) -> bool {
        let total: u32 = state.iter().sum();
        let center_x = center_from_end(state, end_x as f32);
        let Some((center_y, vertical_total)) =
            self.cross_check(Axis::Vertical, center_x as i32, y as i32, state[2], total)
        else {
            return false;
        };
        let Some((center_x, _)) = self.cross_check(
            Axis::Horizontal,
            center_y as i32,
            center_x as i32,
            state[2],
            total,
        ) else {
            return false;
        };
        if !self.cross_check_diagonal(center_x as i32, center_y as i32) {
            return false;
        }
        // A tilted code is foreshortened along one axis: average both.
        let module_size = (total + vertical_total) as f32 / 14.0;
        let center = Point::new(center_x, center_y);
        match self
            .found
            .iter_mut()
            .find(|f| f.about_equals(module_size, center))
        {
            Some(existing) => *existing = existing.combine(module_size, center),
            None => {
                if self.found.len() >= MAX_CANDIDATES {
                    match self.found.iter().position(|f| f.count == 1) {
                        Some(single) => {
                            self.found.swap_remove(single);
                        }
                        None => return true,
                    }
                }
                self.found.push(FinderPattern {
                    center,
                    module_size,
                    count: 1,
                });
            }
        }
        true
    }

    /// Counts the five runs through (`fixed`, `start`) along `axis` (for a
    /// vertical check `fixed` is x, for a horizontal one y) and returns the
    /// centre coordinate along the axis and the runs' total length if they
    /// look like a finder.
    fn cross_check(
        &self,
        axis: Axis,
        fixed: i32,
        start: i32,
        max_count: u32,
        original_total: u32,
    ) -> Option<(f32, u32)> {
        let black = |along: i32| match axis {
            Axis::Vertical => self.bits.is_black(fixed, along),
            Axis::Horizontal => self.bits.is_black(along, fixed),
        };
        let limit = match axis {
            Axis::Vertical => self.bits.height() as i32,
            Axis::Horizontal => self.bits.width() as i32,
        };
        let mut state = [0u32; 5];
        // Up (or left) from the centre: centre run, white ring, black ring.
        let mut i = start;
        while i >= 0 && black(i) {
            state[2] += 1;
            i -= 1;
        }
        if i < 0 {
            return None;
        }
        while i >= 0 && !black(i) && state[1] <= max_count {
            state[1] += 1;
            i -= 1;
        }
        if i < 0 || state[1] > max_count {
            return None;
        }
        while i >= 0 && black(i) && state[0] <= max_count {
            state[0] += 1;
            i -= 1;
        }
        if state[0] > max_count {
            return None;
        }
        // Down (or right).
        let mut i = start + 1;
        while i < limit && black(i) {
            state[2] += 1;
            i += 1;
        }
        if i == limit {
            return None;
        }
        while i < limit && !black(i) && state[3] < max_count {
            state[3] += 1;
            i += 1;
        }
        if i == limit || state[3] >= max_count {
            return None;
        }
        while i < limit && black(i) && state[4] < max_count {
            state[4] += 1;
            i += 1;
        }
        if state[4] >= max_count {
            return None;
        }
        // The same pattern seen across is at most 2.5 times longer or
        // shorter (a code tilted by up to about 65 degrees); beyond that it
        // is something else. (ZXing allows 40%, which refuses codes tilted
        // by more than about 45 degrees.)
        let total: u32 = state.iter().sum();
        if 2 * total > 5 * original_total || 5 * total < 2 * original_total {
            return None;
        }
        pattern_cross(&state).then(|| (center_from_end(&state, i as f32), total))
    }

    /// The same signature along the diagonal through the centre.
    fn cross_check_diagonal(&self, center_x: i32, center_y: i32) -> bool {
        let mut state = [0u32; 5];
        let black = |offset: i32| self.bits.is_black(center_x - offset, center_y - offset);
        let mut i = 0;
        while black(i) && center_x >= i && center_y >= i {
            state[2] += 1;
            i += 1;
        }
        for (slot, want_black) in [(1, false), (0, true)] {
            while center_x >= i && center_y >= i && black(i) == want_black {
                state[slot] += 1;
                i += 1;
            }
            if state[slot] == 0 {
                return false;
            }
        }
        let down = |offset: i32| self.bits.is_black(center_x + offset, center_y + offset);
        let (w, h) = (self.bits.width() as i32, self.bits.height() as i32);
        let inside = |offset: i32| center_x + offset < w && center_y + offset < h;
        let mut i = 1;
        while inside(i) && down(i) {
            state[2] += 1;
            i += 1;
        }
        for (slot, want_black) in [(3, false), (4, true)] {
            while inside(i) && down(i) == want_black {
                state[slot] += 1;
                i += 1;
            }
            if state[slot] == 0 {
                return false;
            }
        }
        pattern_diagonal(&state)
    }
}

/// Where the run of `colour` (0 or 1) starting at `start` ends: eight
/// pixels at a time, as one 64-bit word compared with the colour repeated,
/// the first differing byte found by counting trailing zero bits.
fn run_end(row: &[u8], start: usize, colour: u8) -> usize {
    let repeated = u64::from(colour) * 0x0101_0101_0101_0101;
    let mut x = start;
    while let Some(word) = row
        .get(x..x + 8)
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
    {
        let difference = u64::from_le_bytes(word) ^ repeated;
        if difference != 0 {
            return x + (difference.trailing_zeros() / 8) as usize;
        }
        x += 8;
    }
    let tail = row.get(x..).unwrap_or_default();
    x + tail.iter().position(|&b| b != colour).unwrap_or(tail.len())
}

#[derive(Clone, Copy)]
enum Axis {
    Vertical,
    Horizontal,
}

fn center_from_end(state: &[u32; 5], end: f32) -> f32 {
    end - state[4] as f32 - state[3] as f32 - state[2] as f32 / 2.0
}

/// 1:1:3:1:1 within half a module (plus half a pixel of quantisation).
fn pattern_cross(state: &[u32; 5]) -> bool {
    ratio_ok(state, 0.5)
}

/// Diagonals cross the rings at an angle; allow a little more.
fn pattern_diagonal(state: &[u32; 5]) -> bool {
    ratio_ok(state, 0.75)
}

fn ratio_ok(state: &[u32; 5], tolerance: f32) -> bool {
    let total: u32 = state.iter().sum();
    if total < 7 || state.contains(&0) {
        return false;
    }
    let module = total as f32 / 7.0;
    // Half a pixel of slack on the one-module runs only: at two pixels per
    // module a run of 1 or 3 is quantisation, while the centre must still
    // stand out (otherwise 2:2:2:2:2 stripes would pass).
    let single = |count: u32| (module - count as f32).abs() < module * tolerance + 0.5;
    let centre = (3.0 * module - state[2] as f32).abs() < 3.0 * module * tolerance;
    centre && single(state[0]) && single(state[1]) && single(state[3]) && single(state[4])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ends_are_found_across_words() {
        let row: Vec<u8> = [vec![1u8; 3], vec![0; 13], vec![1; 8], vec![0; 2]].concat();
        assert_eq!(run_end(&row, 0, 1), 3);
        assert_eq!(run_end(&row, 3, 0), 16);
        assert_eq!(run_end(&row, 16, 1), 24);
        assert_eq!(run_end(&row, 24, 0), 26);
        assert_eq!(run_end(&row, 26, 0), 26);
        assert_eq!(run_end(&[], 0, 0), 0);
    }

    #[test]
    fn ratio_test_accepts_finders_and_refuses_other_runs() {
        assert!(pattern_cross(&[2, 2, 6, 2, 2]));
        assert!(pattern_cross(&[10, 10, 30, 10, 10]));
        assert!(pattern_cross(&[9, 11, 28, 12, 10]));
        assert!(!pattern_cross(&[2, 2, 2, 2, 2]));
        assert!(!pattern_cross(&[10, 10, 10, 10, 30]));
        assert!(!pattern_cross(&[1, 1, 3, 1, 0]));
    }
}
