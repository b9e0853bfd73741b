//! 3x3 matrices, rotations and the pinhole camera that turns the phone's
//! screen plane into a homography onto the camera frame.

use crate::detmath::{cos, sin};

/// A 3x3 matrix, row-major.
pub type M3 = [[f64; 3]; 3];

/// Matrix product `a * b`.
pub fn mul(a: &M3, b: &M3) -> M3 {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
        }
    }
    out
}

/// Inverse (None when singular).
pub fn inverse(m: &M3) -> Option<M3> {
    let [[a, b, c], [d, e, f], [g, h, i]] = *m;
    let co = [
        [e * i - f * h, c * h - b * i, b * f - c * e],
        [f * g - d * i, a * i - c * g, c * d - a * f],
        [d * h - e * g, b * g - a * h, a * e - b * d],
    ];
    let det = a * co[0][0] + b * co[1][0] + c * co[2][0];
    if det.abs() < 1e-300 {
        return None;
    }
    let mut out = co;
    for row in &mut out {
        for cell in row {
            *cell /= det;
        }
    }
    Some(out)
}

/// Applies a homography to a point.
pub fn apply(h: &M3, x: f64, y: f64) -> (f64, f64) {
    let w = h[2][0] * x + h[2][1] * y + h[2][2];
    (
        (h[0][0] * x + h[0][1] * y + h[0][2]) / w,
        (h[1][0] * x + h[1][1] * y + h[1][2]) / w,
    )
}

/// Rotation by `angle` radians about the unit axis `(ax, ay, az)`
/// (Rodrigues).
pub fn rotation(ax: f64, ay: f64, az: f64, angle: f64) -> M3 {
    let (s, c) = (sin(angle), cos(angle));
    let t = 1.0 - c;
    [
        [c + ax * ax * t, ax * ay * t - az * s, ax * az * t + ay * s],
        [ay * ax * t + az * s, c + ay * ay * t, ay * az * t - ax * s],
        [az * ax * t - ay * s, az * ay * t + ax * s, c + az * az * t],
    ]
}

/// Where the phone is, seen by which camera.
#[derive(Debug, Clone, Copy)]
pub struct Pose {
    /// In-plane rotation of the phone, radians.
    pub roll: f64,
    /// Tilt of the phone's plane away from the camera's, radians.
    pub tilt: f64,
    /// Direction, in the image plane, of the axis the tilt turns about.
    pub tilt_axis: f64,
    /// Focal length in camera pixels.
    pub focal: f64,
    /// Principal point.
    pub center: (f64, f64),
    /// Distance from the camera to the anchor point (screen-plane units).
    pub distance: f64,
    /// Lateral offset of the anchor point, in camera pixels at the anchor's
    /// depth (so the anchor projects near `center + offset`).
    pub offset: (f64, f64),
}

impl Pose {
    /// The homography from screen-plane coordinates (with `anchor` the
    /// point the pose is about) to camera pixels.
    pub fn homography(&self, anchor: (f64, f64)) -> M3 {
        let roll = rotation(0.0, 0.0, 1.0, self.roll);
        let tilt = rotation(cos(self.tilt_axis), sin(self.tilt_axis), 0.0, self.tilt);
        let r = mul(&tilt, &roll);
        let t = [
            self.offset.0 * self.distance / self.focal,
            self.offset.1 * self.distance / self.focal,
            self.distance,
        ];
        // World point = R (u - ax, v - ay, 0) + t, so the plane's
        // translation column is t - ax r1 - ay r2.
        let tc = [
            t[0] - anchor.0 * r[0][0] - anchor.1 * r[0][1],
            t[1] - anchor.0 * r[1][0] - anchor.1 * r[1][1],
            t[2] - anchor.0 * r[2][0] - anchor.1 * r[2][1],
        ];
        let plane = [
            [r[0][0], r[0][1], tc[0]],
            [r[1][0], r[1][1], tc[1]],
            [r[2][0], r[2][1], tc[2]],
        ];
        let k = [
            [self.focal, 0.0, self.center.0],
            [0.0, self.focal, self.center.1],
            [0.0, 0.0, 1.0],
        ];
        mul(&k, &plane)
    }
}

/// Singular values (larger, smaller) of the homography's Jacobian at a
/// point: how many camera pixels one screen-plane unit spans, at most and
/// at least, in any direction.
pub fn local_scale(h: &M3, x: f64, y: f64) -> (f64, f64) {
    let w = h[2][0] * x + h[2][1] * y + h[2][2];
    let (px, py) = apply(h, x, y);
    // d(p)/d(x) = (h_row0 - p * h_row2) / w, exactly.
    let a = (h[0][0] - px * h[2][0]) / w;
    let b = (h[0][1] - px * h[2][1]) / w;
    let c = (h[1][0] - py * h[2][0]) / w;
    let d = (h[1][1] - py * h[2][1]) / w;
    let s1 = a * a + b * b + c * c + d * d;
    let det = (a * d - b * c).abs();
    let disc = (s1 * s1 - 4.0 * det * det).max(0.0).sqrt();
    let big = ((s1 + disc) / 2.0).sqrt();
    let small = ((s1 - disc).max(0.0) / 2.0).sqrt();
    (big, small)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_undoes_the_homography() {
        let pose = Pose {
            roll: 0.7,
            tilt: 0.6,
            tilt_axis: 1.1,
            focal: 1000.0,
            center: (640.0, 360.0),
            distance: 3000.0,
            offset: (50.0, -20.0),
        };
        let h = pose.homography((300.0, 500.0));
        let (cx, cy) = apply(&h, 300.0, 500.0);
        assert!((cx - 690.0).abs() < 1e-9 && (cy - 340.0).abs() < 1e-9);
        let inv = inverse(&h).unwrap();
        let (x, y) = apply(&h, 123.0, 456.0);
        let (u, v) = apply(&inv, x, y);
        assert!((u - 123.0).abs() < 1e-6 && (v - 456.0).abs() < 1e-6);
    }

    #[test]
    fn a_facing_plane_scales_by_focal_over_distance() {
        let pose = Pose {
            roll: 0.0,
            tilt: 0.0,
            tilt_axis: 0.0,
            focal: 1000.0,
            center: (0.0, 0.0),
            distance: 250.0,
            offset: (0.0, 0.0),
        };
        let h = pose.homography((0.0, 0.0));
        let (big, small) = local_scale(&h, 0.0, 0.0);
        assert!((big - 4.0).abs() < 1e-9 && (small - 4.0).abs() < 1e-9);
    }
}
