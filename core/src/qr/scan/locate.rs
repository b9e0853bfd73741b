//! From finder patterns to a sampled module grid: which three patterns
//! belong together, which is which corner, how many modules the code has,
//! where its bottom-right alignment pattern is, and what each module reads.

use super::binarize::BitMatrix;
use super::corners;
use super::finder::FinderPattern;
use super::geometry::{Perspective, Point};
use crate::qr::GrayFrame;
use rqrr::SimpleGrid;

/// Most finder patterns considered when forming triples (C(16, 3) = 560).
const MAX_FINDERS_FOR_TRIPLES: usize = 16;

/// How a grid's perspective is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// A homography fitted to the finders' traced corners: handles strong
    /// perspective.
    FinderCorners,
    /// ZXing's model: three centres and a parallelogram's fourth corner,
    /// corrected by the alignment pattern. The fallback when corners cannot
    /// be traced (heavy blur).
    Parallelogram,
}

/// Three finder patterns, oriented.
#[derive(Debug, Clone, Copy)]
pub struct Triple {
    /// The corner pattern opposite the longest side.
    pub top_left: FinderPattern,
    /// Clockwise from top-left in the image.
    pub top_right: FinderPattern,
    /// Counter-clockwise from top-left.
    pub bottom_left: FinderPattern,
    /// Lower is more plausible.
    score: f32,
}

/// Plausible triples, most plausible first, at most `max`. Each set of
/// three patterns is offered in every orientation that passes the shape
/// test: under strong perspective the corner opposite the longest side is
/// not always the top-left, and only decoding can tell.
pub fn triples(finders: &[FinderPattern], max: usize) -> Vec<Triple> {
    let pool = finders
        .get(..finders.len().min(MAX_FINDERS_FOR_TRIPLES))
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, a) in pool.iter().enumerate() {
        for (j, b) in pool.iter().enumerate().skip(i + 1) {
            for c in pool.iter().skip(j + 1) {
                out.extend(orientations(*a, *b, *c));
            }
        }
    }
    out.sort_by(|x, y| x.score.total_cmp(&y.score));
    out.truncate(max);
    out
}

/// The orientations of three patterns that can be one code, each scored
/// (lower is more plausible).
fn orientations(a: FinderPattern, b: FinderPattern, c: FinderPattern) -> Vec<Triple> {
    let sizes = [a.module_size, b.module_size, c.module_size];
    let (min, max) = sizes
        .iter()
        .fold((f32::MAX, 0f32), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
    if min <= 0.0 || max / min > 2.5 {
        return Vec::new();
    }
    let module = (a.module_size + b.module_size + c.module_size) / 3.0;
    let counts = (a.count + b.count + c.count).min(30) as f32;
    // Side opposite each corner: the usual top-left faces the longest.
    let opposite = [
        b.center.distance(c.center),
        c.center.distance(a.center),
        a.center.distance(b.center),
    ];
    let longest = opposite.iter().fold(0f32, |m, d| m.max(*d));
    let corners = [(a, b, c), (b, c, a), (c, a, b)];
    let mut out = Vec::new();
    for ((top_left, mut p, mut q), opposite_side) in corners.into_iter().zip(opposite) {
        let to_p = p.center.minus(top_left.center);
        let to_q = q.center.minus(top_left.center);
        // Image y grows downwards: top-right then bottom-left turns
        // clockwise.
        if to_p.cross(to_q) < 0.0 {
            std::mem::swap(&mut p, &mut q);
        }
        let (side_1, side_2) = (
            top_left.center.distance(p.center),
            top_left.center.distance(q.center),
        );
        if side_1.min(side_2) < 7.0 * module {
            continue;
        }
        let aspect = (side_1 / side_2).ln().abs();
        let (u, v) = (
            p.center.minus(top_left.center),
            q.center.minus(top_left.center),
        );
        let cosine = (u.x * v.x + u.y * v.y) / (side_1 * side_2);
        if aspect > 1.1 || cosine.abs() > 0.75 {
            continue;
        }
        let not_longest = if opposite_side < longest { 0.25 } else { 0.0 };
        out.push(Triple {
            top_left,
            top_right: p,
            bottom_left: q,
            score: aspect + cosine.abs() + (max / min).ln() + not_longest - 0.02 * counts,
        });
    }
    out
}

impl Triple {
    /// Whether any of the three patterns lies inside the quadrilateral
    /// `corners` (a code already decoded).
    pub fn overlaps(&self, corners: &[(f32, f32); 4]) -> bool {
        [self.top_left, self.top_right, self.bottom_left]
            .iter()
            .any(|f| inside(f.center, corners))
    }

    /// The module size measured along the lines between the patterns'
    /// centres (robust to rotation, unlike the row runs).
    pub fn module_size(&self, bits: &BitMatrix) -> f32 {
        let along = |from: &FinderPattern, to: &FinderPattern| {
            let one = bwb_run_both_ways(bits, from.center, to.center);
            let two = bwb_run_both_ways(bits, to.center, from.center);
            match (one, two) {
                (Some(x), Some(y)) => Some((x + y) / 14.0),
                (Some(x), None) | (None, Some(x)) => Some(x / 7.0),
                (None, None) => None,
            }
        };
        let estimates: Vec<f32> = [
            along(&self.top_left, &self.top_right),
            along(&self.top_left, &self.bottom_left),
        ]
        .into_iter()
        .flatten()
        .collect();
        if estimates.is_empty() {
            (self.top_left.module_size + self.top_right.module_size + self.bottom_left.module_size)
                / 3.0
        } else {
            estimates.iter().sum::<f32>() / estimates.len() as f32
        }
    }

    /// Grid sizes to try, nearest to the estimate first.
    pub fn dimensions(&self, module_size: f32, max_version: u8) -> Vec<usize> {
        let across = (self.top_left.center.distance(self.top_right.center)
            + self.top_left.center.distance(self.bottom_left.center))
            / 2.0;
        let estimate = across / module_size + 7.0;
        let mut dims: Vec<usize> = (1..=usize::from(max_version.min(40)))
            .map(|v| 17 + 4 * v)
            .filter(|d| (*d as f32 - estimate).abs() <= 8.5)
            .collect();
        dims.sort_by(|x, y| {
            (*x as f32 - estimate)
                .abs()
                .total_cmp(&(*y as f32 - estimate).abs())
        });
        dims
    }

    /// The outer corners of the three finder patterns (top-left,
    /// top-right, bottom-left), where they can be traced.
    pub fn finder_corners(&self, bits: &BitMatrix) -> [Option<[Point; 4]>; 3] {
        let unit = |v: Point| {
            let length = v.x.hypot(v.y).max(1e-6);
            Point::new(v.x / length, v.y / length)
        };
        let right = unit(self.top_right.center.minus(self.top_left.center));
        let down = unit(self.bottom_left.center.minus(self.top_left.center));
        [self.top_left, self.top_right, self.bottom_left]
            .map(|f| corners::finder_corners(bits, &f, right, down))
    }

    /// Candidate transforms of one model for a grid of `dimension`
    /// modules, best first. Fitted: to the finder corners, refined with
    /// the alignment pattern when it is found. Parallelogram: the three
    /// finder centres, with and without the alignment pattern. The models
    /// are built one at a time because the first usually decodes and the
    /// second costs an alignment search of its own.
    pub fn transforms(
        &self,
        model: Model,
        bits: &BitMatrix<'_>,
        dimension: usize,
        corners: &[Option<[Point; 4]>; 3],
    ) -> Vec<Perspective> {
        let mut out = Vec::with_capacity(2);
        match model {
            Model::FinderCorners => {
                let mut pairs = self.corner_pairs(dimension, corners);
                if pairs.len() >= 7
                    && let Some(fitted) = Perspective::fit(&pairs)
                {
                    if dimension > 21
                        && let Some(alignment) = find_alignment(bits, &fitted, dimension, 2.0)
                    {
                        // The alignment pattern anchors the far corner the
                        // finders cannot see: weigh it like a finder.
                        let d = dimension as f32;
                        pairs.extend([(Point::new(d - 6.5, d - 6.5), alignment); 4]);
                        out.extend(Perspective::fit(&pairs));
                    }
                    out.push(fitted);
                }
            }
            Model::Parallelogram => {
                if let Some(affine) = self.affine_transform(dimension) {
                    if dimension > 21
                        && let Some(alignment) = find_alignment(bits, &affine, dimension, 4.0)
                    {
                        out.extend(self.aligned_transform(dimension, alignment));
                    }
                    out.push(affine);
                }
            }
        }
        out
    }

    /// Module-space to image correspondences: the three finder centres and
    /// the traced corners of each finder.
    fn corner_pairs(
        &self,
        dimension: usize,
        corners: &[Option<[Point; 4]>; 3],
    ) -> Vec<(Point, Point)> {
        let d = dimension as f32;
        let mut pairs = vec![
            (Point::new(3.5, 3.5), self.top_left.center),
            (Point::new(d - 3.5, 3.5), self.top_right.center),
            (Point::new(3.5, d - 3.5), self.bottom_left.center),
        ];
        let origins = [
            Point::new(0.0, 0.0),
            Point::new(d - 7.0, 0.0),
            Point::new(0.0, d - 7.0),
        ];
        for (quad, origin) in corners.iter().zip(origins) {
            if let Some(quad) = quad {
                let module_corners = [(0.0, 0.0), (7.0, 0.0), (7.0, 7.0), (0.0, 7.0)];
                for ((u, v), image) in module_corners.iter().zip(quad) {
                    pairs.push((Point::new(origin.x + u, origin.y + v), *image));
                }
            }
        }
        pairs
    }

    /// The transform assuming the code is a parallelogram (no perspective).
    pub fn affine_transform(&self, dimension: usize) -> Option<Perspective> {
        let d = dimension as f32;
        let bottom_right = self
            .top_right
            .center
            .plus(self.bottom_left.center)
            .minus(self.top_left.center);
        self.centre_transform(dimension, (Point::new(d - 3.5, d - 3.5), bottom_right))
    }

    /// The transform anchored on the bottom-right alignment pattern, whose
    /// centre sits at module (d − 6.5, d − 6.5).
    pub fn aligned_transform(&self, dimension: usize, alignment: Point) -> Option<Perspective> {
        let d = dimension as f32;
        self.centre_transform(dimension, (Point::new(d - 6.5, d - 6.5), alignment))
    }

    /// The transform through the three finder centres and one more
    /// correspondence (module position, image position) near the fourth
    /// corner.
    fn centre_transform(&self, dimension: usize, fourth: (Point, Point)) -> Option<Perspective> {
        let d = dimension as f32;
        Perspective::quad_to_quad(
            [
                Point::new(3.5, 3.5),
                Point::new(d - 3.5, 3.5),
                fourth.0,
                Point::new(3.5, d - 3.5),
            ],
            [
                self.top_left.center,
                self.top_right.center,
                fourth.1,
                self.bottom_left.center,
            ],
        )
    }
}

/// Whether `p` is inside the convex quadrilateral `corners` (either
/// orientation).
fn inside(p: Point, corners: &[(f32, f32); 4]) -> bool {
    let mut sign = 0.0f32;
    for i in 0..4 {
        let (ax, ay) = corners[i];
        let (bx, by) = corners[(i + 1) % 4];
        let cross = (bx - ax) * (p.y - ay) - (by - ay) * (p.x - ax);
        if cross * sign < 0.0 {
            return false;
        }
        if cross != 0.0 {
            sign = cross;
        }
    }
    true
}

/// Searches around where `transform` puts the bottom-right alignment
/// pattern, within `reach` modules, for the 5×5 module pattern (dark
/// ring, light ring, dark centre); returns its centre in pixels.
pub fn find_alignment(
    bits: &BitMatrix<'_>,
    transform: &Perspective,
    dimension: usize,
    reach: f32,
) -> Option<Point> {
    let expected = dimension as f32 - 6.5;
    let steps = (reach * 2.0) as i32;
    let mut best: Option<(u32, f32, Point)> = None;
    for sy in -steps..=steps {
        for sx in -steps..=steps {
            let (u, v) = (expected + sx as f32 * 0.5, expected + sy as f32 * 0.5);
            let Some(score) = alignment_score(bits, transform, u, v) else {
                continue;
            };
            let distance = (sx * sx + sy * sy) as f32;
            let better = match best {
                None => true,
                Some((s, dist, _)) => score > s || (score == s && distance < dist),
            };
            if better && let Some(center) = transform.map(Point::new(u, v)) {
                best = Some((score, distance, center));
            }
        }
    }
    best.filter(|(score, _, _)| *score >= 23)
        .map(|(_, _, center)| center)
}

/// How many of the 25 modules of an alignment pattern centred at module
/// coordinates (u, v) read as expected.
fn alignment_score(bits: &BitMatrix<'_>, transform: &Perspective, u: f32, v: f32) -> Option<u32> {
    let mut score = 0;
    for dy in -2i32..=2 {
        for dx in -2i32..=2 {
            let ring = dx.abs().max(dy.abs());
            let want_black = ring != 1;
            let p = transform.map(Point::new(u + dx as f32, v + dy as f32))?;
            if bits.is_black(p.x.floor() as i32, p.y.floor() as i32) == want_black {
                score += 1;
            }
        }
    }
    Some(score)
}

/// How a module's colour is read at its centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// The black-and-white pixel under the centre.
    Binary,
    /// Gray interpolated at the exact centre against the local threshold:
    /// better when modules are only two or three pixels wide.
    Gray,
}

/// Reads every module at its centre, row by row.
pub fn sample(
    frame: &GrayFrame<'_>,
    bits: &BitMatrix<'_>,
    transform: &Perspective,
    dimension: usize,
    sampling: Sampling,
) -> Option<Vec<bool>> {
    let mut modules = vec![false; dimension * dimension];
    for y in 0..dimension {
        for x in 0..dimension {
            let p = transform.map(Point::new(x as f32 + 0.5, y as f32 + 0.5))?;
            // A grid reaching far out of the frame is not this code.
            if p.x < -2.0
                || p.y < -2.0
                || p.x > bits.width() as f32 + 2.0
                || p.y > bits.height() as f32 + 2.0
            {
                return None;
            }
            let black = match sampling {
                // Checked above to be at least -2: truncation toward zero
                // only differs from floor on (-1, 0), which reads white
                // either way.
                Sampling::Binary => bits.is_black(p.x as i32, p.y as i32),
                Sampling::Gray => bilinear(frame, p) <= bits.threshold_at(p.x, p.y) as f32,
            };
            if let Some(module) = modules.get_mut(y * dimension + x) {
                *module = black;
            }
        }
    }
    Some(modules)
}

/// Whether the two timing patterns (row 6 and column 6 between the
/// finders, alternating dark and light) read mostly right: a grid sampled
/// with the wrong size or orientation fails this cheaply, before the much
/// dearer error correction is tried.
pub fn timing_plausible(modules: &[bool], dimension: usize) -> bool {
    let span = 8..dimension.saturating_sub(8);
    let total = 2 * span.len();
    let matches = span
        .flat_map(|i| [6 * dimension + i, i * dimension + 6].map(|at| (i, at)))
        .filter(|&(i, at)| modules.get(at).copied() == Some(i % 2 == 0))
        .count();
    // Error correction can repair a damaged timing row too; demand only
    // two thirds.
    3 * matches >= 2 * total
}

/// The sampled modules as a grid `rqrr` can decode.
pub fn to_grid(modules: &[bool], dimension: usize) -> SimpleGrid {
    SimpleGrid::from_func(dimension, |x, y| {
        modules.get(y * dimension + x).copied().unwrap_or(false)
    })
}

/// Gray at a point between pixel centres (pixel (i, j) has its centre at
/// (i + 0.5, j + 0.5)); white outside the frame.
fn bilinear(frame: &GrayFrame<'_>, p: Point) -> f32 {
    let (fx, fy) = (p.x - 0.5, p.y - 0.5);
    let (x0, y0) = (fx.floor(), fy.floor());
    let (tx, ty) = (fx - x0, fy - y0);
    let at = |x: f32, y: f32| {
        if x < 0.0 || y < 0.0 {
            255.0
        } else {
            f32::from(frame.luma(x as usize, y as usize))
        }
    };
    let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1.0, y0) * tx;
    let bottom = at(x0, y0 + 1.0) * (1.0 - tx) + at(x0 + 1.0, y0 + 1.0) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// Length in pixels of the black-white-black run from `from` towards `to`
/// and the same away from it: from a finder's centre that is 7 modules.
fn bwb_run_both_ways(bits: &BitMatrix<'_>, from: Point, to: Point) -> Option<f32> {
    let mut result = bwb_run(bits, from, to)?;
    // The other way: mirror `to` through `from`, clipped to the image,
    // first along x and then (with the shortened vector) along y.
    let (other_x, scale) = clip(from.x, from.x - (to.x - from.x), bits.width());
    let (other_y, scale_y) = clip(from.y, from.y - (to.y - from.y) * scale, bits.height());
    let other_x = from.x + (other_x - from.x) * scale_y;
    result += bwb_run(bits, from, Point::new(other_x, other_y))?;
    Some(result - 1.0)
}

/// `target` clipped into [0, `limit`) along one axis (to `limit` − 1 when
/// beyond), and the factor by which the step from `from` was shortened.
fn clip(from: f32, target: f32, limit: usize) -> (f32, f32) {
    let last = limit as f32 - 1.0;
    if target < 0.0 {
        (0.0, from / (from - target))
    } else if target >= limit as f32 {
        (last, (last - from) / (target - from))
    } else {
        (target, 1.0)
    }
}

/// Walks from `from` towards `to` (Bresenham) through black, white, black
/// and returns the distance walked when the second black run ends.
fn bwb_run(bits: &BitMatrix<'_>, from: Point, to: Point) -> Option<f32> {
    let (mut x0, mut y0, mut x1, mut y1) = (from.x as i32, from.y as i32, to.x as i32, to.y as i32);
    let steep = (y1 - y0).abs() > (x1 - x0).abs();
    if steep {
        std::mem::swap(&mut x0, &mut y0);
        std::mem::swap(&mut x1, &mut y1);
    }
    let dx = (x1 - x0).abs();
    let dy = (y1 - y0).abs();
    let mut error = -dx / 2;
    let x_step = if x0 < x1 { 1 } else { -1 };
    let y_step = if y0 < y1 { 1 } else { -1 };
    let mut state = 0;
    let x_limit = x1 + x_step;
    let (mut x, mut y) = (x0, y0);
    while x != x_limit {
        let (real_x, real_y) = if steep { (y, x) } else { (x, y) };
        // States: 0 in the centre (black), 1 white ring, 2 black ring.
        if (state == 1) == bits.is_black(real_x, real_y) {
            if state == 2 {
                return Some(((x - x0) as f32).hypot((y - y0) as f32));
            }
            state += 1;
        }
        error += dy;
        if error > 0 {
            if y == y1 {
                break;
            }
            y += y_step;
            error -= dx;
        }
        x += x_step;
    }
    if state == 2 {
        Some(((x1 + x_step - x0) as f32).hypot((y1 - y0) as f32))
    } else {
        None
    }
}
