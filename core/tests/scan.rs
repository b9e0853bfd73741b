//! The officer's frame scanner at the edges (issue 3): frames that hold
//! nothing, frames built to make detection work hard, every entry point
//! (stride, RGBA, YUV), the SC1 limits, and codes among other codes.
//! Reading real camera-like frames is tested in tests/scanner (scanner-lab).

mod common;

use common::*;
use docket_core::qr::scan::{MAX_SAMPLINGS_PER_FRAME, ScanMode, Work, scan, scan_counting};
use docket_core::qr::{GrayFrame, QrMatrix, RenderOptions, luma_from_rgba, to_gray};

/// A `width`×`height` gray frame (paper gray 200) with `text`'s code drawn
/// at (`left`, `top`) with `module` pixels per module.
fn frame_with(
    text: &str,
    width: usize,
    height: usize,
    left: usize,
    top: usize,
    module: u32,
) -> Vec<u8> {
    let mut pixels = vec![200u8; width * height];
    draw(&mut pixels, width, text, left, top, module);
    pixels
}

fn draw(pixels: &mut [u8], width: usize, text: &str, left: usize, top: usize, module: u32) {
    let matrix = QrMatrix::encode(text).unwrap();
    let (side, code) = to_gray(
        &matrix,
        RenderOptions {
            module_size: module,
            quiet_zone: 4,
        },
    )
    .unwrap();
    let side = side as usize;
    for y in 0..side {
        for x in 0..side {
            pixels[(top + y) * width + left + x] = code[y * side + x];
        }
    }
}

fn nothing_found_within_bounds(pixels: &[u8], width: usize, height: usize) -> Work {
    let frame = GrayFrame::new(width, height, width, pixels).unwrap();
    for mode in [ScanMode::Sc1, ScanMode::AnyQr] {
        let (found, work) = scan_counting(&frame, mode);
        assert!(found.is_empty(), "{found:?}");
        assert!(work.samplings <= MAX_SAMPLINGS_PER_FRAME, "{work:?}");
        assert!(work.passes <= 5, "{work:?}");
    }
    scan_counting(&frame, ScanMode::Sc1).1
}

fn live_text() -> String {
    live_at(&sign(&card(true)), now()).to_text()
}

#[test]
fn empty_and_degenerate_frames_hold_nothing() {
    for value in [0u8, 255, 128] {
        nothing_found_within_bounds(&vec![value; 320 * 240], 320, 240);
    }
    nothing_found_within_bounds(&[0u8; 21 * 21], 21, 21);
    nothing_found_within_bounds(&vec![255u8; 8192 * 21], 8192, 21);
    nothing_found_within_bounds(&vec![0u8; 21 * 8192], 21, 8192);
    assert!(GrayFrame::new(20, 20, 20, &[0; 400]).is_err());
    assert!(GrayFrame::new(8193, 21, 8193, &vec![0; 8193 * 21]).is_err());
    // The pixel budget: 4096² is accepted, one row more is not.
    let big = vec![255u8; 4096 * 4097];
    assert!(GrayFrame::new(4096, 4096, 4096, &big).is_ok());
    assert!(GrayFrame::new(4096, 4097, 4096, &big).is_err());
}

#[test]
fn a_small_code_in_a_4k_frame_is_found() {
    let (w, h) = (3840usize, 2160usize);
    let text = live_text();
    let pixels = frame_with(&text, w, h, 2900, 1500, 3);
    let found = scan(&GrayFrame::new(w, h, w, &pixels).unwrap(), ScanMode::Sc1);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text, text);
}

#[test]
fn garbage_frames_hold_nothing() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // White noise, and blocky noise at module-like scales.
    let noise: Vec<u8> = (0..640 * 480).map(|_| next() as u8).collect();
    nothing_found_within_bounds(&noise, 640, 480);
    for cell in [2usize, 3, 5] {
        let blocks: Vec<u64> = (0..(640 / cell + 1) * (480 / cell + 1))
            .map(|_| next())
            .collect();
        let pixels: Vec<u8> = (0..640 * 480)
            .map(|i| {
                let (x, y) = (i % 640 / cell, i / 640 / cell);
                if blocks[y * (640 / cell + 1) + x] & 1 == 0 {
                    20
                } else {
                    230
                }
            })
            .collect();
        nothing_found_within_bounds(&pixels, 640, 480);
    }
}

#[test]
fn frames_built_to_keep_the_detector_busy_stay_within_bounds() {
    let (w, h) = (640usize, 480usize);
    // Stripes in the 1:1:3:1:1 rhythm: every row is full of finder hits.
    let rhythm = [1, 0, 1, 1, 1, 0, 1, 0];
    let stripes: Vec<u8> = (0..w * h)
        .map(|i| if rhythm[(i % w / 4) % 8] == 1 { 0 } else { 255 })
        .collect();
    nothing_found_within_bounds(&stripes, w, h);
    // A wall of finder patterns: every pair and triple looks like a code.
    let mut wall = vec![255u8; w * h];
    for gy in 0..12 {
        for gx in 0..16 {
            for y in 0..7 {
                for x in 0..7 {
                    let ring = (x as i32 - 3).abs().max((y as i32 - 3).abs());
                    if ring != 2 {
                        for dy in 0..4 {
                            for dx in 0..4 {
                                wall[(gy * 40 + y * 4 + dy) * w + gx * 40 + x * 4 + dx] = 0;
                            }
                        }
                    }
                }
            }
        }
    }
    let work = nothing_found_within_bounds(&wall, w, h);
    assert!(
        work.samplings > 0,
        "the wall should at least be tried: {work:?}"
    );
    // A 1-pixel checkerboard and concentric rings.
    let checker: Vec<u8> = (0..w * h)
        .map(|i| if (i % w + i / w) % 2 == 0 { 0 } else { 255 })
        .collect();
    nothing_found_within_bounds(&checker, w, h);
    let rings: Vec<u8> = (0..w * h)
        .map(|i| {
            let (x, y) = ((i % w) as i32 - 320, (i / w) as i32 - 240);
            if (x.abs().max(y.abs()) / 4) % 2 == 0 {
                0
            } else {
                255
            }
        })
        .collect();
    nothing_found_within_bounds(&rings, w, h);
}

#[test]
fn a_code_is_found_through_every_entry_point() {
    let text = live_text();
    let (w, h) = (480usize, 400usize);
    let pixels = frame_with(&text, w, h, 60, 40, 4);
    // Plain gray.
    let found = scan(&GrayFrame::new(w, h, w, &pixels).unwrap(), ScanMode::Sc1);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text, text);
    assert!(found[0].version <= 12);
    let (x0, y0) = found[0].corners[0];
    assert!(
        (x0 - 76.0).abs() < 3.0 && (y0 - 56.0).abs() < 3.0,
        "{:?}",
        found[0].corners
    );
    // A row stride with padding full of garbage.
    let stride = w + 37;
    let mut padded = vec![0x5Au8; stride * h];
    for y in 0..h {
        padded[y * stride..y * stride + w].copy_from_slice(&pixels[y * w..(y + 1) * w]);
    }
    let found = scan(
        &GrayFrame::new(w, h, stride, &padded).unwrap(),
        ScanMode::Sc1,
    );
    assert_eq!(found[0].text, text);
    // RGBA, and BGRA.
    let rgba: Vec<u8> = pixels.iter().flat_map(|&g| [g, g, g, 255]).collect();
    for bgr in [false, true] {
        let luma = luma_from_rgba(w, h, w * 4, &rgba, bgr).unwrap();
        let found = scan(&GrayFrame::new(w, h, w, &luma).unwrap(), ScanMode::Sc1);
        assert_eq!(found[0].text, text);
    }
    // The Y plane of an NV21 buffer, chroma after it.
    let mut nv21 = pixels.clone();
    nv21.extend(std::iter::repeat_n(128u8, w * h / 2));
    let found = scan(
        &GrayFrame::from_yuv420(w, h, w, &nv21).unwrap(),
        ScanMode::Sc1,
    );
    assert_eq!(found[0].text, text);
}

#[test]
fn sc1_mode_ignores_other_codes_and_codes_too_large_for_sc1() {
    let (w, h) = (900usize, 500usize);
    let text = live_text();
    let mut pixels = frame_with("https://example.org/not-a-card", w, h, 20, 20, 5);
    draw(&mut pixels, w, &text, 400, 40, 4);
    let frame = GrayFrame::new(w, h, w, &pixels).unwrap();
    let sc1 = scan(&frame, ScanMode::Sc1);
    assert_eq!(sc1.len(), 1);
    assert_eq!(sc1[0].text, text);
    let any = scan(&frame, ScanMode::AnyQr);
    let mut texts: Vec<&str> = any.iter().map(|c| c.text.as_str()).collect();
    texts.sort();
    assert_eq!(texts, [text.as_str(), "https://example.org/not-a-card"]);

    // A version-15 code (an SC1-like text too long for SC1) is dropped
    // before decoding in SC1 mode and read in any-QR mode.
    let long = format!("SC1:{}", "A".repeat(700));
    let version = QrMatrix::encode(&long).unwrap().version();
    assert!(version > 12, "version {version}");
    let pixels = frame_with(&long, 700, 700, 10, 10, 3);
    let frame = GrayFrame::new(700, 700, 700, &pixels).unwrap();
    let (found, work) = scan_counting(&frame, ScanMode::Sc1);
    assert!(found.is_empty());
    assert_eq!(work.decodes, 0, "nothing may reach the decoder: {work:?}");
    let found = scan(&frame, ScanMode::AnyQr);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text, long);
    assert_eq!(found[0].version, version);
}
