//! Synthetic camera frames of SC1 QR codes shown on a phone screen, for
//! testing and benchmarking the officer's scanner (issue 3).
//!
//! Each sample is a deterministic function of its class, index and
//! resolution: a card's SC1 text (static or live, names of every kind and
//! length, so QR versions 7 to 12 all occur), drawn black on white with its
//! quiet zone on a wallet-like screen inside a dark phone bezel, then
//! "photographed": placed by a pinhole camera's homography on a cluttered
//! background, blurred, exposed, made noisy, tone-mapped to 8-bit gray and
//! possibly JPEG-compressed, as its class says. See [`classes`] and
//! `tests/scanner/README.md`.
//!
//! Every number comes from a seeded xoshiro256** stream and plain IEEE
//! arithmetic (the transcendental functions are our own, see
//! [`detmath`]), so the same call gives the same bytes on every machine.
//!
//! ```
//! let s = scanner_lab::sample("clean", 0, scanner_lab::Resolution::R640x480);
//! assert_eq!(s.pixels.len(), 640 * 480);
//! assert!(s.expected_text.starts_with("SC1:"));
//! ```

#![warn(missing_docs)]

pub mod degrade;
pub mod detmath;
pub mod geometry;
pub mod oracle;
pub mod plan;
pub mod render;
pub mod rng;
pub mod texts;

use docket_core::qr::QrMatrix;
use geometry::Pose;
use plan::{Defocus, Plan};
use rng::Rng;

/// The master seed every sample's seed derives from.
pub const MASTER_SEED: u64 = 0x5C1_0DEC_0DE5_2026;

/// Version of the generator's output. Bump it whenever a change alters any
/// sample's pixels or text, so datasets on disk are regenerated.
pub const GENERATOR_VERSION: u32 = 1;

/// The generator's name and version, as written in dataset manifests.
pub fn generator_id() -> String {
    format!("scanner-lab/{GENERATOR_VERSION}")
}

/// The image classes, each a stable snake_case name.
pub fn classes() -> &'static [&'static str] {
    plan::CLASSES
}

/// A camera frame size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// 640 x 480 (VGA, what many scanning libraries downscale to).
    R640x480,
    /// 1280 x 720 (the usual camera preview stream).
    R1280x720,
    /// 1920 x 1080.
    R1920x1080,
}

impl Resolution {
    /// Every resolution, smallest first.
    pub const ALL: [Resolution; 3] = [
        Resolution::R640x480,
        Resolution::R1280x720,
        Resolution::R1920x1080,
    ];

    /// Width and height in pixels.
    pub fn size(self) -> (usize, usize) {
        match self {
            Resolution::R640x480 => (640, 480),
            Resolution::R1280x720 => (1280, 720),
            Resolution::R1920x1080 => (1920, 1080),
        }
    }

    /// The name used in file names and manifests, e.g. `1280x720`.
    pub fn name(self) -> &'static str {
        match self {
            Resolution::R640x480 => "640x480",
            Resolution::R1280x720 => "1280x720",
            Resolution::R1920x1080 => "1920x1080",
        }
    }

    /// The resolution with this name.
    pub fn from_name(name: &str) -> Option<Resolution> {
        Resolution::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// One generated frame and what is in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// 8-bit gray pixels, row-major, `width * height` bytes, no padding.
    pub pixels: Vec<u8>,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// The SC1 text the code holds.
    pub expected_text: String,
    /// The code's QR version.
    pub version: u8,
    /// Camera pixels per module at the code's centre (geometric mean of
    /// the two directions; tilt makes it smaller on the far side).
    pub module_px: f32,
    /// Smallest camera pixels per module anywhere on the code, in any
    /// direction.
    pub min_module_px: f32,
    /// The class.
    pub class: &'static str,
    /// The frame size.
    pub resolution: Resolution,
    /// The sample's index within its class and resolution.
    pub index: u32,
    /// The code's corners in the frame (pixels), in the code's own
    /// orientation: top-left, top-right, bottom-right, bottom-left of the
    /// finder-pattern square (without the quiet zone).
    pub corners: [(f32, f32); 4],
    /// Whether the oracle (true module centres, local threshold, rqrr's
    /// error correction) reads the text; true for every sample unless
    /// [`MAX_ATTEMPTS`] draws in a row were unreadable.
    pub oracle_decodes: bool,
    /// Fraction of modules the oracle reads wrongly before error
    /// correction: a measure of how hard the pixels themselves are.
    pub oracle_module_error: f32,
    /// The degradations applied (class names; several for the combined
    /// classes, none for `clean`).
    pub effects: Vec<&'static str>,
    /// The main parameters used, for diagnosing misses (name, value).
    pub params: Vec<(&'static str, f64)>,
}

/// The seed of one sample.
pub fn sample_seed(class: &str, index: u32, resolution: Resolution) -> u64 {
    let mut state = MASTER_SEED
        ^ rng::fnv1a(class.as_bytes())
        ^ rng::fnv1a(resolution.name().as_bytes()).rotate_left(17);
    state ^= u64::from(index).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    rng::splitmix64(&mut state)
}

/// Generates sample `index` of `class` at `resolution`.
///
/// # Panics
///
/// If `class` is not one of [`classes`]; [`try_sample`] returns `None`
/// instead.
pub fn sample(class: &str, index: u32, resolution: Resolution) -> Sample {
    try_sample(class, index, resolution)
        .unwrap_or_else(|| panic!("unknown image class {class:?}; known: {:?}", classes()))
}

/// How many times a sample is redrawn (from seeds derived from its own)
/// when the oracle cannot read it.
pub const MAX_ATTEMPTS: u32 = 24;

/// Generates sample `index` of `class` at `resolution`, or `None` for an
/// unknown class.
///
/// A draw whose pixels the oracle (see [`oracle`]) cannot read is replaced
/// by the next draw from a seed derived from the sample's, up to
/// [`MAX_ATTEMPTS`]; `params` records the attempt.
pub fn try_sample(class: &str, index: u32, resolution: Resolution) -> Option<Sample> {
    let class = *classes().iter().find(|c| **c == class)?;
    let seed = sample_seed(class, index, resolution);
    let mut last = None;
    for attempt in 0..MAX_ATTEMPTS {
        let mut state = seed ^ u64::from(attempt).wrapping_mul(0xA076_1D64_78BD_642F);
        let attempt_seed = if attempt == 0 {
            seed
        } else {
            rng::splitmix64(&mut state)
        };
        let mut sample = draw(class, index, resolution, attempt_seed)?;
        sample.params.push(("attempt", f64::from(attempt)));
        if sample.oracle_decodes {
            return Some(sample);
        }
        last = Some(sample);
    }
    last
}

/// One draw of a sample from `seed`.
fn draw(class: &'static str, index: u32, resolution: Resolution, seed: u64) -> Option<Sample> {
    let mut rng = Rng::new(seed);
    let plan = Plan::for_class(class, &mut rng.fork("plan"))?;
    let text = texts::random_text(&mut rng.fork("text"));
    let matrix = QrMatrix::encode(&text).expect("SC1 text always fits a QR code");
    let (width, height) = resolution.size();

    let mut layout_rng = rng.fork("layout");
    let placed = place(&plan, &matrix, width, height, &mut layout_rng);
    let phone = &placed.phone;
    let mut frame = render::background(width, height, plan.ambient, &mut rng.fork("background"));
    let glass = render::Glass {
        reflect: plan.screen_reflect as f32,
        glare: plan.glare.as_ref(),
        grid_depth: plan.grid_depth as f32,
    };
    render::draw_scene(
        &mut frame,
        width,
        height,
        phone,
        &placed.homography,
        placed.supersample,
        &glass,
    );

    let module = placed.module_px;
    match plan.defocus {
        Some(Defocus::Disk(r)) => degrade::disk(&mut frame, width, height, r * module),
        Some(Defocus::Gaussian(s)) => degrade::gaussian(&mut frame, width, height, s * module),
        None => {}
    }
    if let Some((length, angle)) = plan.motion {
        degrade::motion(&mut frame, width, height, length * module, angle);
    }
    degrade::gaussian(&mut frame, width, height, plan.base_blur);
    let sensor = degrade::Sensor {
        exposure: plan.exposure as f32,
        vignette: plan.vignette as f32,
        read_noise: plan.read_noise as f32,
        shot_noise: plan.shot_noise as f32,
        gamma: plan.gamma,
        out_black: plan.out_black,
        out_white: plan.out_white,
    };
    let mut pixels = sensor.capture(&frame, width, height, &mut rng.fork("noise"));
    if let Some(quality) = plan.jpeg {
        pixels = degrade::jpeg(&pixels, width, height, quality);
    }

    let k = phone.k as f64;
    let to_texels = [
        [k, 0.0, phone.qr_origin.0],
        [0.0, k, phone.qr_origin.1],
        [0.0, 0.0, 1.0],
    ];
    let module_to_frame = geometry::mul(&placed.homography, &to_texels);
    let n = matrix.width() as f64;
    let corners = [(0.0, 0.0), (n, 0.0), (n, n), (0.0, n)].map(|(x, y)| {
        let (fx, fy) = geometry::apply(&module_to_frame, x, y);
        (fx as f32, fy as f32)
    });
    let verdict = oracle::check(&pixels, width, height, &module_to_frame, &matrix, &text);

    let mut params = vec![
        ("module_px", module),
        ("min_module_px", placed.min_module_px),
        ("tilt_deg", placed.tilt_deg),
        ("roll_deg", plan.roll_deg.rem_euclid(360.0)),
        ("texels_per_module", phone.k as f64),
        ("base_blur_px", plan.base_blur),
        ("exposure", plan.exposure),
        ("read_noise", plan.read_noise),
        ("screen_reflect", plan.screen_reflect),
        ("out_black", plan.out_black),
        ("out_white", plan.out_white),
    ];
    match plan.defocus {
        Some(Defocus::Disk(r)) => params.push(("defocus_disk_px", r * module)),
        Some(Defocus::Gaussian(s)) => params.push(("defocus_sigma_px", s * module)),
        None => {}
    }
    if let Some((length, angle)) = plan.motion {
        params.push(("motion_px", length * module));
        params.push(("motion_deg", angle));
    }
    if let Some(g) = plan.glare {
        params.push(("glare_peak", g.peak));
        params.push(("glare_radius", (g.radii.0 * g.radii.1).sqrt()));
    }
    if plan.grid_depth > 0.0 {
        params.push(("grid_depth", plan.grid_depth));
        params.push(("screen_px_per_camera_px", phone.k as f64 / module));
    }
    if let Some(q) = plan.jpeg {
        params.push(("jpeg_quality", f64::from(q)));
    }
    Some(Sample {
        pixels,
        width,
        height,
        expected_text: text,
        version: matrix.version(),
        module_px: module as f32,
        min_module_px: placed.min_module_px as f32,
        class,
        resolution,
        index,
        corners,
        oracle_decodes: verdict.decodes,
        oracle_module_error: verdict.module_error as f32,
        effects: plan.effects.clone(),
        params,
    })
}

/// The phone drawn and placed in the frame.
struct Placed {
    phone: render::Phone,
    homography: geometry::M3,
    module_px: f64,
    min_module_px: f64,
    tilt_deg: f64,
    supersample: usize,
}

/// Chooses the distance and position so that the code has about the
/// planned module size, never less than the plan's minimum anywhere, and
/// lies with its whole quiet zone inside the frame. When both cannot hold
/// (a strong tilt close up in a small frame), the tilt gives way.
fn place(plan: &Plan, matrix: &QrMatrix, width: usize, height: usize, rng: &mut Rng) -> Placed {
    const MARGIN: f64 = 2.0;
    let focal = plan.focal * width as f64;
    let center = (width as f64 / 2.0, height as f64 / 2.0);
    let mut module = plan.module_px;
    let mut tilt = plan.tilt_deg;
    let mut position = plan.position;
    let phone_seed = rng.next_u64();
    let mut k = 0;
    let mut phone = None;
    // Every failure shrinks the code, flattens the tilt or pulls the code
    // to the centre; after 300 rounds the tilt is gone and the minimum
    // module size no longer binds, so shrinking alone ends the loop.
    for attempt in 0.. {
        let strict = attempt < 300;
        if !strict {
            tilt = 0.0;
            position = (0.5, 0.5);
        }
        let want_k = ((plan.footprint * module).round() as usize).max(2);
        if want_k != k || phone.is_none() {
            k = want_k;
            phone = Some(render::draw_phone(
                matrix,
                k,
                plan,
                &mut Rng::new(phone_seed),
            ));
        }
        let drawn = phone.as_ref().expect("drawn above");
        let mut pose = Pose {
            roll: detmath::radians(plan.roll_deg),
            tilt: detmath::radians(tilt),
            tilt_axis: detmath::radians(plan.tilt_axis_deg),
            focal,
            center,
            distance: k as f64 * focal / module,
            offset: (0.0, 0.0),
        };
        let anchor = drawn.qr_center();
        let h = pose.homography(anchor);
        let (_, min) = render::module_sizes(&h, drawn);
        if strict && min < plan.min_module_px {
            module *= plan.min_module_px / min * 1.02;
            continue;
        }
        // Shrinking would break the minimum module size: flatten instead.
        let give_way = |module: &mut f64, tilt: &mut f64| {
            if strict && min * 0.93 < plan.min_module_px {
                *tilt *= 0.85;
            } else {
                *module *= 0.93;
            }
        };
        // Range of centre positions that keep the quiet zone in frame.
        let corners = drawn
            .qr_corners(4.0)
            .map(|(u, v)| geometry::apply(&h, u, v));
        let xs = corners.map(|c| c.0 - center.0);
        let ys = corners.map(|c| c.1 - center.1);
        let lo_x = MARGIN - xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi_x = width as f64 - MARGIN - xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lo_y = MARGIN - ys.iter().copied().fold(f64::INFINITY, f64::min);
        let hi_y = height as f64 - MARGIN - ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo_x > hi_x || lo_y > hi_y {
            give_way(&mut module, &mut tilt);
            continue;
        }
        pose.offset = (
            lo_x + (hi_x - lo_x) * position.0 - center.0,
            lo_y + (hi_y - lo_y) * position.1 - center.1,
        );
        let h = pose.homography(anchor);
        let inside = drawn.qr_corners(4.0).iter().all(|&(u, v)| {
            let (x, y) = geometry::apply(&h, u, v);
            x >= MARGIN && y >= MARGIN && x <= width as f64 - MARGIN && y <= height as f64 - MARGIN
        });
        let (mean, min) = render::module_sizes(&h, drawn);
        if !inside || (strict && min < plan.min_module_px * 0.97) {
            // Off-centre perspective changed the shape: pull towards the
            // centre, and every few rounds give way.
            position = (
                0.5 + (position.0 - 0.5) * 0.6,
                0.5 + (position.1 - 0.5) * 0.6,
            );
            if attempt % 4 == 3 {
                give_way(&mut module, &mut tilt);
            }
            continue;
        }
        // Texels per camera pixel, at worst, decides the supersampling.
        let worst = drawn
            .qr_corners(0.0)
            .iter()
            .map(|&(u, v)| geometry::local_scale(&h, u, v).1)
            .fold(f64::INFINITY, f64::min);
        let supersample = ((1.0 / worst).ceil() as usize).clamp(2, 3);
        return Placed {
            phone: phone.expect("drawn above"),
            homography: h,
            module_px: mean,
            min_module_px: min,
            tilt_deg: tilt,
            supersample,
        };
    }
    unreachable!("the placement loop only ends by returning")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_round_trip_their_names() {
        for r in Resolution::ALL {
            assert_eq!(Resolution::from_name(r.name()), Some(r));
        }
        assert_eq!(Resolution::from_name("1x1"), None);
    }

    #[test]
    fn unknown_classes_are_refused() {
        assert!(try_sample("sepia", 0, Resolution::R640x480).is_none());
    }
}
