//! The four outer corners of a finder pattern, traced in the black and
//! white image. Three finder patterns give twelve points whose module
//! coordinates are known exactly, enough to fit the code's perspective
//! without assuming it is a parallelogram.

use super::binarize::BitMatrix;
use super::finder::FinderPattern;
use super::geometry::Point;
use std::collections::VecDeque;

/// Outer corners of a finder pattern in reading order: top-left,
/// top-right, bottom-right, bottom-left, given the code's reading
/// directions `right` and `down` (unit vectors in the image).
pub fn finder_corners(
    bits: &BitMatrix<'_>,
    finder: &FinderPattern,
    right: Point,
    down: Point,
) -> Option<[Point; 4]> {
    let module = finder.module_size;
    let seed = ring_pixel(bits, finder.center, right, module)?;
    // The ring lies within 3.5 modules of the centre; the white separator
    // around it keeps it apart from the data. A fill that reaches further
    // has leaked into the data (blur merged the separator).
    let reach = (5.0 * module).ceil() as i32 + 2;
    let (cx, cy) = (finder.center.x as i32, finder.center.y as i32);
    let limit = ((2 * reach + 1) * (2 * reach + 1)) as usize;
    let mut seen = vec![false; limit];
    let index = |x: i32, y: i32| ((y - cy + reach) * (2 * reach + 1) + (x - cx + reach)) as usize;
    let mut queue = VecDeque::from([seed]);
    if let Some(s) = seen.get_mut(index(seed.0, seed.1)) {
        *s = true;
    }
    let directions = [
        Point::new(-right.x - down.x, -right.y - down.y),
        Point::new(right.x - down.x, right.y - down.y),
        Point::new(right.x + down.x, right.y + down.y),
        Point::new(-right.x + down.x, -right.y + down.y),
    ];
    let mut best = [(f32::MIN, Point::new(0.0, 0.0)); 4];
    while let Some((x, y)) = queue.pop_front() {
        if (x - cx).abs() >= reach || (y - cy).abs() >= reach {
            return None;
        }
        let p = Point::new(x as f32 + 0.5, y as f32 + 0.5);
        for (slot, direction) in best.iter_mut().zip(&directions) {
            let projection = p.x * direction.x + p.y * direction.y;
            if projection > slot.0 {
                *slot = (projection, p);
            }
        }
        for (nx, ny) in [(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)] {
            if bits.is_black(nx, ny)
                && let Some(s) = seen.get_mut(index(nx, ny))
                && !*s
            {
                *s = true;
                queue.push_back((nx, ny));
            }
        }
    }
    // Pixel centres lie half a pixel inside the edge: step out along the
    // corner's diagonal.
    let corners = [0, 1, 2, 3].map(|i| {
        let (_, p) = best[i];
        let d = directions[i];
        let length = d.x.hypot(d.y).max(1e-6);
        Point::new(p.x + 0.5 * d.x / length, p.y + 0.5 * d.y / length)
    });
    plausible(&corners, module).then_some(corners)
}

/// The first pixel of the outer black ring, walking from the centre along
/// `direction`: through the centre's black, the white ring, into black. If
/// blur has filled the white ring, the centre blob itself is the ring.
fn ring_pixel(
    bits: &BitMatrix<'_>,
    center: Point,
    direction: Point,
    module: f32,
) -> Option<(i32, i32)> {
    let steps = (5.0 * module).ceil() as i32 + 2;
    let at = |i: i32| {
        let x = (center.x + direction.x * i as f32).floor() as i32;
        let y = (center.y + direction.y * i as f32).floor() as i32;
        (x, y)
    };
    let start = at(0);
    if !bits.is_black(start.0, start.1) {
        return None;
    }
    let mut state = 0;
    for i in 1..steps {
        let (x, y) = at(i);
        let black = bits.is_black(x, y);
        match (state, black) {
            (0, false) => state = 1,
            (1, true) => {
                // A white gap of at least a third of a module: a ring.
                return Some((x, y));
            }
            _ => {}
        }
        if state == 1 && i as f32 > 4.5 * module {
            break;
        }
    }
    // No white ring (blur): the centre blob includes the ring.
    (state == 1 || state == 0).then_some(start)
}

/// A convex quadrilateral whose sides are about seven modules.
fn plausible(corners: &[Point; 4], module: f32) -> bool {
    let expected = 7.0 * module;
    for i in 0..4 {
        let (a, b, c) = (corners[i], corners[(i + 1) % 4], corners[(i + 2) % 4]);
        let side = a.distance(b);
        if side < 0.5 * expected || side > 2.0 * expected {
            return false;
        }
        if b.minus(a).cross(c.minus(b)) <= 0.0 {
            return false;
        }
    }
    true
}
