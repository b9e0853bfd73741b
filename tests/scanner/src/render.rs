//! The scene in linear light: a phone showing the code, on a background,
//! seen through the camera's homography.
//!
//! Radiance is relative to the screen's white (1.0). The phone is drawn
//! into a texture in screen-plane units (one texel per screen pixel when
//! the pixel grid is shown); each camera pixel then averages n x n
//! bilinear samples of the texture mapped back through the inverse
//! homography, which is the area integral of the pixel to good accuracy.

use crate::geometry::{M3, apply, local_scale};
use crate::plan::{Glare, Plan};
use crate::rng::Rng;
use docket_core::qr::QrMatrix;

/// The phone's front as a texture of emitted light.
pub struct Phone {
    /// Emitted radiance per texel (the glass's reflection is added later).
    pub tex: Vec<f32>,
    /// Texture width (the phone's width) in texels.
    pub width: usize,
    /// Texture height in texels.
    pub height: usize,
    /// Corner radius of the phone's outline, texels.
    pub corner: f64,
    /// Top-left corner of the code (without quiet zone), texels.
    pub qr_origin: (f64, f64),
    /// Texels per module.
    pub k: usize,
    /// Modules per side.
    pub modules: usize,
}

impl Phone {
    /// The code's centre in texels.
    pub fn qr_center(&self) -> (f64, f64) {
        let half = (self.modules * self.k) as f64 / 2.0;
        (self.qr_origin.0 + half, self.qr_origin.1 + half)
    }

    /// Corners (texels) of the square `pad` modules outside the code.
    pub fn qr_corners(&self, pad: f64) -> [(f64, f64); 4] {
        let k = self.k as f64;
        let (x0, y0) = (self.qr_origin.0 - pad * k, self.qr_origin.1 - pad * k);
        let side = (self.modules as f64 + 2.0 * pad) * k;
        [
            (x0, y0),
            (x0 + side, y0),
            (x0 + side, y0 + side),
            (x0, y0 + side),
        ]
    }

    fn inside(&self, u: f64, v: f64) -> bool {
        let (w, h) = (self.width as f64, self.height as f64);
        if u < 0.0 || v < 0.0 || u >= w || v >= h {
            return false;
        }
        let r = self.corner;
        let dx = (r - u).max(u - (w - r)).max(0.0);
        let dy = (r - v).max(v - (h - r)).max(0.0);
        dx * dx + dy * dy <= r * r
    }

    /// Bilinear sample at texel coordinates (texel centres at i + 0.5).
    fn sample(&self, u: f64, v: f64) -> f32 {
        let fx = (u - 0.5).max(0.0);
        let fy = (v - 0.5).max(0.0);
        let x0 = (fx as usize).min(self.width - 1);
        let y0 = (fy as usize).min(self.height - 1);
        let x1 = (x0 + 1).min(self.width - 1);
        let y1 = (y0 + 1).min(self.height - 1);
        let tx = (fx - x0 as f64) as f32;
        let ty = (fy - y0 as f64) as f32;
        let row0 = y0 * self.width;
        let row1 = y1 * self.width;
        let top = self.tex[row0 + x0] + (self.tex[row0 + x1] - self.tex[row0 + x0]) * tx;
        let bottom = self.tex[row1 + x0] + (self.tex[row1 + x1] - self.tex[row1 + x0]) * tx;
        top + (bottom - top) * ty
    }
}

/// Draws the phone: bezel, screen with a wallet-like UI, and the code
/// black on white with its 4-module quiet zone, `k` texels per module.
pub fn draw_phone(matrix: &QrMatrix, k: usize, plan: &Plan, rng: &mut Rng) -> Phone {
    let modules = matrix.width();
    let quiet = 4;
    let code_box = (modules + 2 * quiet) * k;
    let screen_w = (code_box as f64 / plan.qr_fill).round() as usize;
    let screen_h = (screen_w as f64 * rng.range(1.95, 2.2)).round() as usize;
    let side = (screen_w as f64 * rng.range(0.025, 0.05)).round() as usize;
    let top = (screen_w as f64 * rng.range(0.06, 0.12)).round() as usize;
    let width = screen_w + 2 * side;
    let height = screen_h + 2 * top;
    let mut canvas = Canvas {
        tex: vec![0.0f32; width * height],
        width,
        height,
    };
    let (sx, sy) = (side, top);
    let (background, text, header) = if plan.dark_ui {
        (0.05, 0.8, rng.range(0.12, 0.3) as f32)
    } else {
        (1.0, 0.12, rng.range(0.3, 0.75) as f32)
    };
    canvas.fill(sx, sy, sx + screen_w, sy + screen_h, background);
    // Status bar and a coloured header band with light text.
    let unit = (screen_w / 60).max(1);
    let status_h = screen_h * 3 / 100;
    for i in 0..4 {
        let x = sx + 2 * unit + i * 3 * unit;
        canvas.fill(x, sy + unit, x + 2 * unit, sy + status_h - unit / 2, text);
    }
    let header_y = sy + status_h;
    let header_h = screen_h * 7 / 100;
    canvas.fill(sx, header_y, sx + screen_w, header_y + header_h, header);
    let qr_x = sx + (screen_w - code_box) / 2;
    let qr_y = sy + (screen_h as f64 * rng.range(0.2, 0.32)) as usize;
    let word_line = |canvas: &mut Canvas, y: usize, h: usize, value: f32, rng: &mut Rng| {
        let mut x = sx + 3 * unit;
        let end = sx + screen_w * (6 + rng.below(4) as usize) / 10;
        while x < end {
            let w = (screen_w as f64 * rng.range(0.04, 0.16)) as usize;
            canvas.fill(x, y, (x + w).min(end), y + h, value);
            x += w + unit;
        }
    };
    word_line(
        &mut canvas,
        header_y + header_h / 3,
        header_h / 3,
        if plan.dark_ui { 0.8 } else { 1.0 },
        rng,
    );
    // Text lines between the header and the code, kept a module clear of
    // its quiet zone.
    let line_h = (screen_h / 70).max(1);
    let mut y = header_y + header_h + 2 * line_h;
    while y + 2 * line_h + k < qr_y {
        word_line(&mut canvas, y, line_h, text, rng);
        y += 2 * line_h;
    }
    // The code on a white box exactly its quiet zone (a dark theme shows
    // the box against the dark screen), plus a rounded card margin.
    let margin = if plan.dark_ui {
        rng.below(2) as usize * k / 2
    } else {
        0
    };
    canvas.fill(
        qr_x - margin,
        qr_y - margin,
        qr_x + code_box + margin,
        qr_y + code_box + margin,
        1.0,
    );
    let origin = (qr_x + quiet * k, qr_y + quiet * k);
    for my in 0..modules {
        for mx in 0..modules {
            if matrix.is_dark(mx, my) {
                let x = origin.0 + mx * k;
                let y = origin.1 + my * k;
                canvas.fill(x, y, x + k, y + k, 0.0);
            }
        }
    }
    // Below the code: name and dates, a countdown bar, a button.
    let mut y = qr_y + code_box + margin + k + 2 * line_h;
    for _ in 0..3 {
        if y + line_h >= sy + screen_h {
            break;
        }
        word_line(&mut canvas, y, line_h, text, rng);
        y += 2 * line_h;
    }
    let bar_y = y + line_h;
    if bar_y + line_h < sy + screen_h {
        let bar_w = (screen_w as f64 * rng.range(0.2, 0.8)) as usize;
        canvas.fill(
            sx + 3 * unit,
            bar_y,
            sx + 3 * unit + bar_w,
            bar_y + line_h / 2 + 1,
            header,
        );
    }
    let button_y = sy + screen_h * 88 / 100;
    if button_y > bar_y + 2 * line_h {
        canvas.fill(
            sx + screen_w / 5,
            button_y,
            sx + screen_w * 4 / 5,
            button_y + 3 * line_h,
            header,
        );
    }
    Phone {
        tex: canvas.tex,
        width,
        height,
        corner: width as f64 * 0.1,
        qr_origin: (origin.0 as f64, origin.1 as f64),
        k,
        modules,
    }
}

/// A texture being drawn.
struct Canvas {
    tex: Vec<f32>,
    width: usize,
    height: usize,
}

impl Canvas {
    /// Fills the rectangle [x0, x1) x [y0, y1), clipped to the texture.
    fn fill(&mut self, x0: usize, y0: usize, x1: usize, y1: usize, value: f32) {
        let (x0, x1) = (x0.min(self.width), x1.min(self.width));
        for y in y0.min(self.height)..y1.min(self.height) {
            if x0 < x1 {
                self.tex[y * self.width + x0..y * self.width + x1].fill(value);
            }
        }
    }
}

/// A background: a lit surface with a smooth gradient, large soft
/// variations, fine grain and a few objects (paper, stripes, text-like
/// marks) lying on it. Radiance relative to the screen's white.
pub fn background(width: usize, height: usize, ambient: f64, rng: &mut Rng) -> Vec<f32> {
    let mut out = vec![0.0f32; width * height];
    // Coarse lattice of random values, smoothly interpolated.
    let cell = (width.max(height) / rng.range(4.0, 10.0) as usize).max(8);
    let gw = width / cell + 2;
    let gh = height / cell + 2;
    let lattice: Vec<f32> = (0..gw * gh).map(|_| rng.range(0.7, 1.3) as f32).collect();
    let gx = rng.range(-0.5, 0.5) as f32;
    let gy = rng.range(-0.5, 0.5) as f32;
    let grain = rng.range(0.0, 0.08) as f32;
    let grain_seed = rng.next_u64();
    let base = ambient as f32;
    for y in 0..height {
        let cy = y / cell;
        let ty = smooth((y % cell) as f32 / cell as f32);
        let ny = y as f32 / height as f32 - 0.5;
        for x in 0..width {
            let cx = x / cell;
            let tx = smooth((x % cell) as f32 / cell as f32);
            let a = lattice[cy * gw + cx];
            let b = lattice[cy * gw + cx + 1];
            let c = lattice[(cy + 1) * gw + cx];
            let d = lattice[(cy + 1) * gw + cx + 1];
            let soft = (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
            let gradient = 1.0 + gx * (x as f32 / width as f32 - 0.5) + gy * ny;
            let h = hash2(grain_seed, x as u64, y as u64);
            let noise = 1.0 + grain * ((h >> 40) as f32 / (1u64 << 24) as f32 - 0.5);
            out[y * width + x] = base * soft * gradient.max(0.2) * noise;
        }
    }
    // Objects: rotated rectangles, some plain, some striped, some with
    // text-like marks, brighter or darker than the surface.
    let objects = 2 + rng.below(6);
    for _ in 0..objects {
        let cx = rng.range(0.0, width as f64);
        let cy = rng.range(0.0, height as f64);
        let hw = rng.range(0.05, 0.3) * width as f64;
        let hh = rng.range(0.05, 0.3) * height as f64;
        let angle = rng.range(0.0, std::f64::consts::PI);
        let (s, c) = (crate::detmath::sin(angle), crate::detmath::cos(angle));
        let level = (ambient * rng.range(0.3, 1.8)) as f32;
        let style = rng.below(3);
        let period = rng.range(3.0, 25.0);
        let mark_seed = rng.next_u64();
        let reach = (hw * hw + hh * hh).sqrt();
        let x0 = (cx - reach).max(0.0) as usize;
        let x1 = ((cx + reach).max(0.0) as usize).min(width);
        let y0 = (cy - reach).max(0.0) as usize;
        let y1 = ((cy + reach).max(0.0) as usize).min(height);
        for y in y0..y1 {
            for x in x0..x1 {
                let dx = x as f64 + 0.5 - cx;
                let dy = y as f64 + 0.5 - cy;
                let lx = dx * c + dy * s;
                let ly = -dx * s + dy * c;
                if lx.abs() > hw || ly.abs() > hh {
                    continue;
                }
                let value = match style {
                    0 => level,
                    1 => {
                        if (((lx + hw) / period) as u64).is_multiple_of(2) {
                            level
                        } else {
                            level * 0.4
                        }
                    }
                    _ => {
                        // Text-like marks: rows of short dark dashes.
                        let row = ((ly + hh) / period) as u64;
                        let col = ((lx + hw) / (period * 0.7)) as u64;
                        let on = ((ly + hh) / period).fract() < 0.5
                            && !hash2(mark_seed, row, col).is_multiple_of(4);
                        if on { level * 0.25 } else { level }
                    }
                };
                out[y * width + x] = value;
            }
        }
    }
    out
}

fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

fn hash2(seed: u64, x: u64, y: u64) -> u64 {
    let mut s =
        seed ^ x.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ y.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    crate::rng::splitmix64(&mut s)
}

/// Screen-side light that is not emitted by the pixels.
pub struct Glass<'a> {
    /// Ambient light the glass reflects, relative to the screen's white.
    pub reflect: f32,
    /// A glare spot, if any.
    pub glare: Option<&'a Glare>,
    /// Depth of the screen's pixel grid (0 = not shown).
    pub grid_depth: f32,
}

/// Luma weight of a white screen pixel's R, G and B stripes (BT.709),
/// times three so the pixel's mean is one.
const STRIPES: [f32; 3] = [0.6378, 2.1456, 0.2166];
/// Fraction of each screen pixel's height taken by the black matrix.
const GRID_GAP: f32 = 0.2;

fn grid_mask(u: f64, v: f64, depth: f32) -> f32 {
    let fu = (u - u.floor()) as f32;
    let fv = (v - v.floor()) as f32;
    let stripe = STRIPES[((fu * 3.0) as usize).min(2)];
    let full = if fv < 1.0 - GRID_GAP {
        stripe / (1.0 - GRID_GAP)
    } else {
        0.0
    };
    1.0 - depth + depth * full
}

/// Draws the phone into `frame` (which holds the background) through the
/// homography `h` (screen plane to camera), `n` x `n` samples per pixel.
pub fn draw_scene(
    frame: &mut [f32],
    width: usize,
    height: usize,
    phone: &Phone,
    h: &M3,
    n: usize,
    glass: &Glass<'_>,
) {
    let Some(inv) = crate::geometry::inverse(h) else {
        return;
    };
    // The phone's bounding box in the frame.
    let corners = [
        (0.0, 0.0),
        (phone.width as f64, 0.0),
        (phone.width as f64, phone.height as f64),
        (0.0, phone.height as f64),
    ]
    .map(|(u, v)| apply(h, u, v));
    let min_x = corners.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
    let max_x = corners
        .iter()
        .map(|c| c.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let min_y = corners.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
    let max_y = corners
        .iter()
        .map(|c| c.1)
        .fold(f64::NEG_INFINITY, f64::max);
    let x0 = (min_x.floor().max(0.0) as usize).min(width);
    let x1 = ((max_x.ceil() + 1.0).max(0.0) as usize).min(width);
    let y0 = (min_y.floor().max(0.0) as usize).min(height);
    let y1 = ((max_y.ceil() + 1.0).max(0.0) as usize).min(height);

    let glare = glass.glare.map(|g| GlareShape::new(g, phone));
    let offsets: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
    let per = 1.0 / (n * n) as f32;
    for y in y0..y1 {
        for x in x0..x1 {
            let mut sum = 0.0f32;
            let mut covered = 0usize;
            for &oy in &offsets {
                let py = y as f64 + oy;
                for &ox in &offsets {
                    let px = x as f64 + ox;
                    let w = inv[2][0] * px + inv[2][1] * py + inv[2][2];
                    let u = (inv[0][0] * px + inv[0][1] * py + inv[0][2]) / w;
                    let v = (inv[1][0] * px + inv[1][1] * py + inv[1][2]) / w;
                    if !phone.inside(u, v) {
                        continue;
                    }
                    covered += 1;
                    let mut value = phone.sample(u, v);
                    if glass.grid_depth > 0.0 {
                        value *= grid_mask(u, v, glass.grid_depth);
                    }
                    sum += value;
                }
            }
            if covered == 0 {
                continue;
            }
            let cover = covered as f32 * per;
            let mut value = sum * per + glass.reflect * cover;
            if let Some(g) = &glare {
                let (u, v) = apply(&inv, x as f64 + 0.5, y as f64 + 0.5);
                value += g.at(u, v) * cover;
            }
            let i = y * width + x;
            frame[i] = value + (1.0 - cover) * frame[i];
        }
    }
}

/// A glare spot in texel coordinates.
struct GlareShape {
    center: (f64, f64),
    axes: [(f64, f64); 2],
    peak: f32,
}

impl GlareShape {
    fn new(glare: &Glare, phone: &Phone) -> Self {
        let side = (phone.modules * phone.k) as f64;
        let angle = crate::detmath::radians(glare.angle_deg);
        let (s, c) = (crate::detmath::sin(angle), crate::detmath::cos(angle));
        GlareShape {
            center: (
                phone.qr_origin.0 + glare.center.0 * side,
                phone.qr_origin.1 + glare.center.1 * side,
            ),
            axes: [
                (c / (glare.radii.0 * side), s / (glare.radii.0 * side)),
                (-s / (glare.radii.1 * side), c / (glare.radii.1 * side)),
            ],
            peak: glare.peak as f32,
        }
    }

    /// A smooth bump: the peak at the centre, zero at the ellipse's edge.
    fn at(&self, u: f64, v: f64) -> f32 {
        let dx = u - self.center.0;
        let dy = v - self.center.1;
        let a = dx * self.axes[0].0 + dy * self.axes[0].1;
        let b = dx * self.axes[1].0 + dy * self.axes[1].1;
        let t = (a * a + b * b) as f32;
        if t >= 1.0 {
            0.0
        } else {
            let q = 1.0 - t;
            self.peak * q * q
        }
    }
}

/// Camera pixels per module at the code's centre (geometric mean of the
/// two directions) and the smallest per-module size over the code's
/// corners, along any direction.
pub fn module_sizes(h: &M3, phone: &Phone) -> (f64, f64) {
    let k = phone.k as f64;
    let (cx, cy) = phone.qr_center();
    let (big, small) = local_scale(h, cx, cy);
    let mean = (big * small).sqrt() * k;
    let min = phone
        .qr_corners(0.0)
        .iter()
        .map(|&(u, v)| local_scale(h, u, v).1 * k)
        .fold(f64::INFINITY, f64::min);
    (mean, min.min(small * k))
}
