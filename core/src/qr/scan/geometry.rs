//! Points and the perspective transform that maps module coordinates of a
//! QR grid onto image pixels.

/// A point in image pixels (or in module units, for grid coordinates).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position.
    pub y: f32,
}

impl Point {
    /// A point.
    pub const fn new(x: f32, y: f32) -> Self {
        Point { x, y }
    }

    /// Euclidean distance.
    pub fn distance(self, other: Point) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }

    /// `self - other` as a vector.
    pub fn minus(self, other: Point) -> Point {
        Point::new(self.x - other.x, self.y - other.y)
    }

    /// `self + other`.
    pub fn plus(self, other: Point) -> Point {
        Point::new(self.x + other.x, self.y + other.y)
    }

    /// z-component of the cross product of two vectors.
    pub fn cross(self, other: Point) -> f32 {
        self.x * other.y - self.y * other.x
    }
}

/// A projective transform `(u, v) -> (x, y)`, from the unit square's
/// corners to a quadrilateral and back (the classic construction of
/// Heckbert, as ZXing uses it).
#[derive(Debug, Clone, Copy)]
pub struct Perspective {
    a11: f32,
    a12: f32,
    a13: f32,
    a21: f32,
    a22: f32,
    a23: f32,
    a31: f32,
    a32: f32,
    a33: f32,
}

impl Perspective {
    /// The transform taking quadrilateral `from` to quadrilateral `to`
    /// (corner by corner), or `None` if either is degenerate.
    pub fn quad_to_quad(from: [Point; 4], to: [Point; 4]) -> Option<Self> {
        let q_to_s = Self::square_to_quad(from)?.adjoint();
        let s_to_q = Self::square_to_quad(to)?;
        Some(s_to_q.times(&q_to_s))
    }

    fn square_to_quad(q: [Point; 4]) -> Option<Self> {
        let [p0, p1, p2, p3] = q;
        let dx3 = p0.x - p1.x + p2.x - p3.x;
        let dy3 = p0.y - p1.y + p2.y - p3.y;
        if dx3 == 0.0 && dy3 == 0.0 {
            return Some(Perspective {
                a11: p1.x - p0.x,
                a21: p2.x - p1.x,
                a31: p0.x,
                a12: p1.y - p0.y,
                a22: p2.y - p1.y,
                a32: p0.y,
                a13: 0.0,
                a23: 0.0,
                a33: 1.0,
            });
        }
        let dx1 = p1.x - p2.x;
        let dx2 = p3.x - p2.x;
        let dy1 = p1.y - p2.y;
        let dy2 = p3.y - p2.y;
        let denominator = dx1 * dy2 - dx2 * dy1;
        if denominator.abs() < 1e-9 {
            return None;
        }
        let a13 = (dx3 * dy2 - dx2 * dy3) / denominator;
        let a23 = (dx1 * dy3 - dx3 * dy1) / denominator;
        Some(Perspective {
            a11: p1.x - p0.x + a13 * p1.x,
            a21: p3.x - p0.x + a23 * p3.x,
            a31: p0.x,
            a12: p1.y - p0.y + a13 * p1.y,
            a22: p3.y - p0.y + a23 * p3.y,
            a32: p0.y,
            a13,
            a23,
            a33: 1.0,
        })
    }

    fn adjoint(&self) -> Self {
        Perspective {
            a11: self.a22 * self.a33 - self.a23 * self.a32,
            a21: self.a23 * self.a31 - self.a21 * self.a33,
            a31: self.a21 * self.a32 - self.a22 * self.a31,
            a12: self.a13 * self.a32 - self.a12 * self.a33,
            a22: self.a11 * self.a33 - self.a13 * self.a31,
            a32: self.a12 * self.a31 - self.a11 * self.a32,
            a13: self.a12 * self.a23 - self.a13 * self.a22,
            a23: self.a13 * self.a21 - self.a11 * self.a23,
            a33: self.a11 * self.a22 - self.a12 * self.a21,
        }
    }

    fn times(&self, o: &Self) -> Self {
        Perspective {
            a11: self.a11 * o.a11 + self.a21 * o.a12 + self.a31 * o.a13,
            a21: self.a11 * o.a21 + self.a21 * o.a22 + self.a31 * o.a23,
            a31: self.a11 * o.a31 + self.a21 * o.a32 + self.a31 * o.a33,
            a12: self.a12 * o.a11 + self.a22 * o.a12 + self.a32 * o.a13,
            a22: self.a12 * o.a21 + self.a22 * o.a22 + self.a32 * o.a23,
            a32: self.a12 * o.a31 + self.a22 * o.a32 + self.a32 * o.a33,
            a13: self.a13 * o.a11 + self.a23 * o.a12 + self.a33 * o.a13,
            a23: self.a13 * o.a21 + self.a23 * o.a22 + self.a33 * o.a23,
            a33: self.a13 * o.a31 + self.a23 * o.a32 + self.a33 * o.a33,
        }
    }

    /// The least-squares transform taking each `from` point to its `to`
    /// point (at least four pairs, not all on a line), by the direct
    /// linear transform with both sides normalised for conditioning.
    pub fn fit(pairs: &[(Point, Point)]) -> Option<Self> {
        if pairs.len() < 4 {
            return None;
        }
        let (from_norm, to_norm) = (
            Normaliser::of(pairs.iter().map(|p| p.0))?,
            Normaliser::of(pairs.iter().map(|p| p.1))?,
        );
        // Normal equations AᵀA h = Aᵀb of the 2n×8 system, in f64.
        let mut ata = [[0f64; 8]; 8];
        let mut atb = [0f64; 8];
        for (from, to) in pairs {
            let (u, v) = from_norm.apply(*from);
            let (x, y) = to_norm.apply(*to);
            let rows = [
                ([u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x], x),
                ([0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y], y),
            ];
            for (row, rhs) in rows {
                for i in 0..8 {
                    atb[i] += row[i] * rhs;
                    for j in 0..8 {
                        ata[i][j] += row[i] * row[j];
                    }
                }
            }
        }
        let h = solve8(ata, atb)?;
        // H maps normalised `from` to normalised `to`; undo both
        // normalisations: T_to⁻¹ · H · T_from.
        let normalised = Perspective {
            a11: h[0] as f32,
            a21: h[1] as f32,
            a31: h[2] as f32,
            a12: h[3] as f32,
            a22: h[4] as f32,
            a32: h[5] as f32,
            a13: h[6] as f32,
            a23: h[7] as f32,
            a33: 1.0,
        };
        Some(
            to_norm
                .inverse()
                .times(&normalised)
                .times(&from_norm.matrix()),
        )
    }

    /// Maps a point; `None` at (or beyond) the line at infinity.
    pub fn map(&self, p: Point) -> Option<Point> {
        let w = self.a13 * p.x + self.a23 * p.y + self.a33;
        if w.abs() < 1e-9 {
            return None;
        }
        Some(Point::new(
            (self.a11 * p.x + self.a21 * p.y + self.a31) / w,
            (self.a12 * p.x + self.a22 * p.y + self.a32) / w,
        ))
    }
}

/// Translates the centroid to the origin and scales the mean distance to
/// √2 (Hartley's normalisation).
struct Normaliser {
    cx: f64,
    cy: f64,
    scale: f64,
}

impl Normaliser {
    fn of(points: impl Iterator<Item = Point> + Clone) -> Option<Self> {
        let n = points.clone().count() as f64;
        let (sx, sy) = points.clone().fold((0.0, 0.0), |(sx, sy), p| {
            (sx + f64::from(p.x), sy + f64::from(p.y))
        });
        let (cx, cy) = (sx / n, sy / n);
        let mean = points
            .map(|p| (f64::from(p.x) - cx).hypot(f64::from(p.y) - cy))
            .sum::<f64>()
            / n;
        (mean > 1e-9).then(|| Normaliser {
            cx,
            cy,
            scale: std::f64::consts::SQRT_2 / mean,
        })
    }

    fn apply(&self, p: Point) -> (f64, f64) {
        (
            (f64::from(p.x) - self.cx) * self.scale,
            (f64::from(p.y) - self.cy) * self.scale,
        )
    }

    fn matrix(&self) -> Perspective {
        let s = self.scale as f32;
        Perspective {
            a11: s,
            a21: 0.0,
            a31: -(self.cx * self.scale) as f32,
            a12: 0.0,
            a22: s,
            a32: -(self.cy * self.scale) as f32,
            a13: 0.0,
            a23: 0.0,
            a33: 1.0,
        }
    }

    fn inverse(&self) -> Perspective {
        let s = (1.0 / self.scale) as f32;
        Perspective {
            a11: s,
            a21: 0.0,
            a31: self.cx as f32,
            a12: 0.0,
            a22: s,
            a32: self.cy as f32,
            a13: 0.0,
            a23: 0.0,
            a33: 1.0,
        }
    }
}

/// Solves an 8×8 linear system by Gaussian elimination with partial
/// pivoting; `None` if it is singular.
fn solve8(mut a: [[f64; 8]; 8], mut b: [f64; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..8 {
            let factor = a[row][col] / pivot_row[col];
            for (value, pivot_value) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *value -= factor * pivot_value;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = [0f64; 8];
    for row in (0..8).rev() {
        let tail: f64 = (row + 1..8).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point) -> bool {
        a.distance(b) < 1e-3
    }

    #[test]
    fn fits_a_transform_to_many_points() {
        let truth = Perspective::quad_to_quad(
            [
                Point::new(0.0, 0.0),
                Point::new(10.0, 0.0),
                Point::new(10.0, 10.0),
                Point::new(0.0, 10.0),
            ],
            [
                Point::new(100.0, 120.0),
                Point::new(300.0, 100.0),
                Point::new(330.0, 310.0),
                Point::new(90.0, 290.0),
            ],
        )
        .unwrap();
        let pairs: Vec<(Point, Point)> = (0..12)
            .map(|i| {
                let p = Point::new((i % 4) as f32 * 3.0, (i / 4) as f32 * 4.5);
                (p, truth.map(p).unwrap())
            })
            .collect();
        let fitted = Perspective::fit(&pairs).unwrap();
        for (from, to) in &pairs {
            assert!(close(fitted.map(*from).unwrap(), *to), "{from:?}");
        }
        assert!(Perspective::fit(&pairs[..3]).is_none());
        let collinear: Vec<(Point, Point)> = (0..5)
            .map(|i| (Point::new(i as f32, 0.0), Point::new(i as f32, 0.0)))
            .collect();
        assert!(Perspective::fit(&collinear).is_none());
    }

    #[test]
    fn maps_corners_to_corners() {
        let from = [
            Point::new(3.5, 3.5),
            Point::new(17.5, 3.5),
            Point::new(17.5, 17.5),
            Point::new(3.5, 17.5),
        ];
        let to = [
            Point::new(100.0, 120.0),
            Point::new(300.0, 100.0),
            Point::new(330.0, 310.0),
            Point::new(90.0, 290.0),
        ];
        let t = Perspective::quad_to_quad(from, to).unwrap();
        for (f, g) in from.iter().zip(&to) {
            assert!(close(t.map(*f).unwrap(), *g), "{f:?}");
        }
        // Degenerate: four collinear corners.
        let line = [0.0, 1.0, 2.0, 3.0].map(|x| Point::new(x, 0.0));
        assert!(Perspective::quad_to_quad(from, line).is_none());
    }
}
