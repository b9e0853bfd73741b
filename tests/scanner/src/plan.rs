//! What each class of image does: the parameters of one sample, drawn
//! from its seed.
//!
//! Every sample starts from a mildly varied "clean" plan (a phone held
//! roughly facing the camera, a little tilt and roll, a modest distance,
//! the blur and noise every phone camera has). A class then applies its
//! own degradation over a range; `combined` applies two or three at
//! moderate strength, `combined_worst` four or five strong ones.

use crate::detmath;
use crate::rng::Rng;

/// Every class, in the order they are generated and reported.
pub const CLASSES: &[&str] = &[
    "clean",
    "tilt",
    "rotation",
    "defocus",
    "motion_blur",
    "noise",
    "low_contrast",
    "low_light",
    "glare",
    "moire",
    "jpeg",
    "small_modules",
    "combined",
    "combined_worst",
];

/// A glare spot: a bright elliptical reflection on the glass.
#[derive(Debug, Clone, Copy)]
pub struct Glare {
    /// Centre, in fractions of the code's side from its top-left corner.
    pub center: (f64, f64),
    /// Semi-axes, in fractions of the code's side.
    pub radii: (f64, f64),
    /// Orientation of the first axis, degrees.
    pub angle_deg: f64,
    /// Brightness at the centre, relative to the screen's white.
    pub peak: f64,
}

/// Defocus: the kernel of an out-of-focus lens.
#[derive(Debug, Clone, Copy)]
pub enum Defocus {
    /// A uniform disk (the geometric-optics blur of a lens), radius in
    /// modules.
    Disk(f64),
    /// A Gaussian, sigma in modules.
    Gaussian(f64),
}

/// Everything that decides one sample's pixels.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Camera pixels per module wanted at the code's centre.
    pub module_px: f64,
    /// Smallest module size allowed anywhere on the code (camera pixels).
    pub min_module_px: f64,
    /// Tilt of the phone away from facing the camera, degrees.
    pub tilt_deg: f64,
    /// Image-plane direction of the tilt axis, degrees.
    pub tilt_axis_deg: f64,
    /// In-plane rotation, degrees.
    pub roll_deg: f64,
    /// Focal length as a fraction of the frame width.
    pub focal: f64,
    /// Where in the range that keeps the code in frame it goes (0-1 each).
    pub position: (f64, f64),
    /// Screen texels (screen pixels when the grid is shown) per camera
    /// pixel at the code's centre.
    pub footprint: f64,
    /// Depth of the screen's pixel grid (0 = not shown, 1 = full).
    pub grid_depth: f64,
    /// Screen theme: dark UI around a white code box.
    pub dark_ui: bool,
    /// Fraction of the screen's width the code with its quiet zone takes.
    pub qr_fill: f64,
    /// Ambient light reflected by the glass, relative to the screen's white.
    pub screen_reflect: f64,
    /// Background brightness relative to the screen's white.
    pub ambient: f64,
    /// Glare spot, if any.
    pub glare: Option<Glare>,
    /// Gaussian sigma of the lens and demosaicing, camera pixels.
    pub base_blur: f64,
    /// Defocus, if any.
    pub defocus: Option<Defocus>,
    /// Motion blur: length in modules and direction in degrees.
    pub motion: Option<(f64, f64)>,
    /// Linear sensor value of the screen's white.
    pub exposure: f64,
    /// Read noise sigma, linear full scale.
    pub read_noise: f64,
    /// Shot noise: variance per unit of linear signal.
    pub shot_noise: f64,
    /// Vignetting strength at the frame corners (0-1).
    pub vignette: f64,
    /// Gamma of the camera's tone curve.
    pub gamma: f64,
    /// Output level of linear black (0-255).
    pub out_black: f64,
    /// Output level of linear full scale (0-255).
    pub out_white: f64,
    /// JPEG quality, if the frame goes through JPEG.
    pub jpeg: Option<u8>,
    /// The degradations applied, by class name, in order.
    pub effects: Vec<&'static str>,
}

impl Plan {
    /// The mildly varied clean plan every class starts from.
    pub fn base(rng: &mut Rng) -> Plan {
        Plan {
            module_px: rng.log_range(3.0, 10.0),
            min_module_px: 2.0,
            tilt_deg: rng.range(0.0, 12.0),
            tilt_axis_deg: rng.range(0.0, 360.0),
            roll_deg: rng.range(-12.0, 12.0),
            focal: rng.range(0.7, 0.95),
            position: (rng.unit(), rng.unit()),
            footprint: rng.range(1.2, 1.6),
            grid_depth: 0.0,
            dark_ui: rng.chance(0.25),
            qr_fill: rng.range(0.72, 0.92),
            screen_reflect: rng.range(0.01, 0.05),
            ambient: rng.range(0.25, 0.7),
            glare: None,
            base_blur: rng.range(0.4, 0.7),
            defocus: None,
            motion: None,
            exposure: rng.range(0.65, 0.9),
            read_noise: rng.range(0.002, 0.006),
            shot_noise: rng.range(0.0002, 0.001),
            vignette: rng.range(0.0, 0.35),
            gamma: rng.range(2.0, 2.4),
            out_black: rng.range(0.0, 12.0),
            out_white: rng.range(230.0, 255.0),
            jpeg: None,
            effects: Vec::new(),
        }
    }

    /// The plan for sample `rng` of `class`; None for an unknown class.
    pub fn for_class(class: &str, rng: &mut Rng) -> Option<Plan> {
        let mut plan = Plan::base(rng);
        let full = (0.0, 1.0);
        match class {
            "clean" => {}
            "combined" => {
                let count = 2 + rng.below(2) as usize;
                for effect in choose(rng, count) {
                    effect.apply(&mut plan, rng, (0.1, 0.65));
                }
            }
            "combined_worst" => {
                let count = 4 + rng.below(2) as usize;
                for effect in choose(rng, count) {
                    effect.apply(&mut plan, rng, (0.6, 1.0));
                }
            }
            other => Effect::by_class(other)?.apply(&mut plan, rng, full),
        }
        Some(plan)
    }
}

/// One kind of degradation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Tilt,
    Rotation,
    Defocus,
    Motion,
    Noise,
    LowContrast,
    LowLight,
    Glare,
    Moire,
    Jpeg,
    Small,
}

/// The effects the combined classes draw from, with weights: what phones
/// really produce together (blur, light and angle problems are common).
const MIXABLE: &[(Effect, u64)] = &[
    (Effect::Tilt, 3),
    (Effect::Rotation, 2),
    (Effect::Defocus, 3),
    (Effect::Motion, 2),
    (Effect::Noise, 2),
    (Effect::LowContrast, 2),
    (Effect::LowLight, 2),
    (Effect::Glare, 2),
    (Effect::Moire, 2),
    (Effect::Jpeg, 2),
    (Effect::Small, 2),
];

/// `count` different effects, drawn by weight; the pairs that fight each
/// other (two kinds of blur, two kinds of darkness) are not drawn together.
fn choose(rng: &mut Rng, count: usize) -> Vec<Effect> {
    let clashes = |a: Effect, b: Effect| {
        matches!(
            (a, b),
            (Effect::Defocus, Effect::Motion)
                | (Effect::Motion, Effect::Defocus)
                | (Effect::LowContrast, Effect::LowLight)
                | (Effect::LowLight, Effect::LowContrast)
        )
    };
    let mut chosen: Vec<Effect> = Vec::new();
    while chosen.len() < count {
        let open: Vec<(Effect, u64)> = MIXABLE
            .iter()
            .copied()
            .filter(|(e, _)| !chosen.iter().any(|c| c == e || clashes(*c, *e)))
            .collect();
        let total: u64 = open.iter().map(|(_, w)| w).sum();
        if total == 0 {
            break;
        }
        let mut pick = rng.below(total);
        for (effect, weight) in open {
            if pick < weight {
                chosen.push(effect);
                break;
            }
            pick -= weight;
        }
    }
    chosen
}

/// A value `strength` of the way from `lo` to `hi`, where strength is drawn
/// uniformly from the span `(a, b)` of [0, 1].
fn scaled(rng: &mut Rng, lo: f64, hi: f64, span: (f64, f64)) -> f64 {
    lo + (hi - lo) * rng.range(span.0, span.1)
}

impl Effect {
    fn by_class(class: &str) -> Option<Effect> {
        Some(match class {
            "tilt" => Effect::Tilt,
            "rotation" => Effect::Rotation,
            "defocus" => Effect::Defocus,
            "motion_blur" => Effect::Motion,
            "noise" => Effect::Noise,
            "low_contrast" => Effect::LowContrast,
            "low_light" => Effect::LowLight,
            "glare" => Effect::Glare,
            "moire" => Effect::Moire,
            "jpeg" => Effect::Jpeg,
            "small_modules" => Effect::Small,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Effect::Tilt => "tilt",
            Effect::Rotation => "rotation",
            Effect::Defocus => "defocus",
            Effect::Motion => "motion_blur",
            Effect::Noise => "noise",
            Effect::LowContrast => "low_contrast",
            Effect::LowLight => "low_light",
            Effect::Glare => "glare",
            Effect::Moire => "moire",
            Effect::Jpeg => "jpeg",
            Effect::Small => "small_modules",
        }
    }

    fn apply(self, plan: &mut Plan, rng: &mut Rng, span: (f64, f64)) {
        plan.effects.push(self.name());
        match self {
            Effect::Tilt => {
                plan.tilt_deg = scaled(rng, 25.0, 45.0, span);
                // Mostly about the phone's own axes (held tilted back or
                // turned sideways), sometimes diagonal.
                let axis = if rng.chance(0.7) {
                    90.0 * rng.below(4) as f64 + rng.range(-10.0, 10.0)
                } else {
                    rng.range(0.0, 360.0)
                };
                plan.tilt_axis_deg = axis + plan.roll_deg;
            }
            Effect::Rotation => {
                plan.roll_deg = rng.range(0.0, 360.0);
            }
            Effect::Defocus => {
                plan.defocus = Some(if rng.chance(0.5) {
                    Defocus::Disk(scaled(rng, 0.3, 0.7, span))
                } else {
                    Defocus::Gaussian(scaled(rng, 0.22, 0.5, span))
                });
            }
            Effect::Motion => {
                plan.motion = Some((scaled(rng, 0.6, 1.6, span), rng.range(0.0, 180.0)));
            }
            Effect::Noise => {
                plan.read_noise = scaled(rng, 0.03, 0.09, span);
                plan.shot_noise = scaled(rng, 0.004, 0.015, span);
            }
            Effect::LowContrast => {
                // A dim screen under bright ambient light: the glass
                // reflects a veil over the whole screen, and the camera's
                // tone curve compresses what is left. The code's contrast
                // in the output (white minus black module, 0-255) is the
                // controlled quantity.
                plan.screen_reflect = scaled(rng, 0.2, 0.8, span);
                plan.exposure = rng.range(0.8, 0.95) / (1.0 + plan.screen_reflect);
                let contrast = scaled(rng, 60.0, 16.0, span);
                let g = 1.0 / plan.gamma;
                let black = detmath::pow(plan.screen_reflect * plan.exposure, g);
                let white = detmath::pow((1.0 + plan.screen_reflect) * plan.exposure, g);
                let range = (contrast / (white - black)).min(250.0);
                plan.out_black = rng.range(20.0, 110.0).min(252.0 - range).max(0.0);
                plan.out_white = plan.out_black + range;
                plan.read_noise = plan.read_noise.max(0.004);
            }
            Effect::LowLight => {
                // Little light reaches the sensor; the camera raises the
                // gain (noise) and still delivers a dark frame.
                plan.exposure = scaled(rng, 0.3, 0.06, span);
                plan.ambient *= rng.range(0.2, 0.5);
                plan.read_noise = scaled(rng, 0.005, 0.015, span);
                plan.shot_noise = scaled(rng, 0.0005, 0.002, span);
                plan.out_black = rng.range(0.0, 8.0);
                plan.out_white = scaled(rng, 180.0, 80.0, span);
                plan.gamma = rng.range(1.8, 2.4);
            }
            Effect::Glare => {
                let size = scaled(rng, 0.12, 0.3, span);
                let aspect = rng.range(1.0, 2.5);
                plan.glare = Some(Glare {
                    center: (rng.range(0.15, 0.85), rng.range(0.15, 0.85)),
                    radii: (size * aspect.sqrt(), size / aspect.sqrt()),
                    angle_deg: rng.range(0.0, 180.0),
                    peak: scaled(rng, 0.8, 2.5, span),
                });
            }
            Effect::Moire => {
                plan.grid_depth = scaled(rng, 0.5, 1.0, span);
                plan.footprint = rng.range(0.8, 2.2);
                plan.base_blur = rng.range(0.3, 0.5);
            }
            Effect::Jpeg => {
                plan.jpeg = Some(scaled(rng, 85.0, 40.0, span).round() as u8);
                // Compression artefacts matter once modules are small.
                plan.module_px = plan.module_px.min(rng.log_range(2.3, 4.5));
            }
            Effect::Small => {
                plan.module_px = scaled(rng, 2.8, 2.0, span);
                plan.base_blur = rng.range(0.4, 0.65);
            }
        }
    }
}
