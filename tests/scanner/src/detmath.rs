//! Transcendental functions in plain IEEE arithmetic.
//!
//! `f64::sin`, `exp`, `ln` and `powf` call the platform's math library,
//! whose last-bit results differ between libm implementations (glibc,
//! musl, Apple, MSVC). Those bits would leak into the rounded pixels, so
//! the generator uses these versions instead: only `+ - * /`, `sqrt`
//! (correctly rounded by IEEE 754) and exact bit manipulation, which give
//! the same result on every conforming machine. Accuracy is far better
//! than anything an 8-bit image can show (relative error below 1e-12).

use std::f64::consts::{LN_2, PI};

/// e^x.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    // x = k ln 2 + r, |r| <= ln 2 / 2.
    let k = round(x / LN_2);
    let r = x - k * LN_2;
    // Taylor series to degree 16: the remainder is below 1e-17 for |r| < 0.35.
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=16 {
        term *= r / f64::from(n);
        sum += term;
    }
    scale_by_pow2(sum, k as i32)
}

/// Natural logarithm (NaN for negative input, -inf for zero).
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let (mut m, mut e) = frexp(x);
    // m in [0.5, 1); move it to [sqrt(1/2), sqrt(2)).
    if m < std::f64::consts::FRAC_1_SQRT_2 {
        m *= 2.0;
        e -= 1;
    }
    // ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut power = s;
    let mut sum = 0.0;
    let mut n = 1.0;
    while n < 40.0 {
        sum += power / n;
        power *= s2;
        n += 2.0;
    }
    2.0 * sum + f64::from(e) * LN_2
}

/// x^y for x > 0 (0 for x = 0 and y > 0).
pub fn pow(x: f64, y: f64) -> f64 {
    if x == 0.0 {
        return if y > 0.0 { 0.0 } else { f64::INFINITY };
    }
    exp(y * ln(x))
}

/// Sine.
pub fn sin(x: f64) -> f64 {
    let (r, quadrant) = reduce_quarter(x);
    match quadrant {
        0 => sin_poly(r),
        1 => cos_poly(r),
        2 => -sin_poly(r),
        _ => -cos_poly(r),
    }
}

/// Cosine.
pub fn cos(x: f64) -> f64 {
    let (r, quadrant) = reduce_quarter(x);
    match quadrant {
        0 => cos_poly(r),
        1 => -sin_poly(r),
        2 => -cos_poly(r),
        _ => sin_poly(r),
    }
}

/// Degrees to radians.
pub fn radians(degrees: f64) -> f64 {
    degrees * (PI / 180.0)
}

/// Rounds half away from zero (exact in IEEE arithmetic).
fn round(x: f64) -> f64 {
    x.round()
}

/// x = r + q * pi/2 with |r| <= pi/4, q mod 4. Plain reduction: exact
/// enough for the moderate angles used here (|x| < 1e6).
fn reduce_quarter(x: f64) -> (f64, u8) {
    let q = round(x / (PI / 2.0));
    // Two-part pi/2 (Cody–Waite) keeps the reduction accurate.
    const PIO2_HI: f64 = std::f64::consts::FRAC_PI_2;
    const PIO2_LO: f64 = 6.123_233_995_736_766e-17;
    let r = (x - q * PIO2_HI) - q * PIO2_LO;
    (r, (q.rem_euclid(4.0)) as u8)
}

fn sin_poly(r: f64) -> f64 {
    let r2 = r * r;
    let mut term = r;
    let mut sum = r;
    let mut n = 1.0;
    for _ in 0..10 {
        term *= -r2 / ((n + 1.0) * (n + 2.0));
        sum += term;
        n += 2.0;
    }
    sum
}

fn cos_poly(r: f64) -> f64 {
    let r2 = r * r;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut n = 0.0;
    for _ in 0..10 {
        term *= -r2 / ((n + 1.0) * (n + 2.0));
        sum += term;
        n += 2.0;
    }
    sum
}

/// x = m * 2^e with m in [0.5, 1), for finite positive x.
fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7FF) as i32;
    if exponent == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7FF << 52)) | (1022 << 52));
    (m, exponent - 1022)
}

/// x * 2^k, exactly (k within the normal range used here).
fn scale_by_pow2(x: f64, k: i32) -> f64 {
    // Split to stay inside the exponent range of each factor.
    let mut x = x;
    let mut k = k;
    while k > 1000 {
        x *= f64::from_bits(((1023 + 1000) as u64) << 52);
        k -= 1000;
    }
    while k < -1000 {
        x *= f64::from_bits(((1023 - 1000) as u64) << 52);
        k += 1000;
    }
    x * f64::from_bits(((1023 + k) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn agrees_with_the_platform_library() {
        for i in -200..=200 {
            let x = f64::from(i) * 0.173;
            assert!(close(exp(x.min(50.0)), x.min(50.0).exp()), "exp {x}");
            assert!(close(sin(x), x.sin()), "sin {x}");
            assert!(close(cos(x), x.cos()), "cos {x}");
            let p = (f64::from(i) * 0.37).abs() + 1e-3;
            assert!(close(ln(p), p.ln()), "ln {p}");
            assert!(close(pow(p, 0.45), p.powf(0.45)), "pow {p}");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(ln(1.0), 0.0);
        assert!(ln(-1.0).is_nan());
        assert_eq!(pow(0.0, 2.0), 0.0);
    }
}
