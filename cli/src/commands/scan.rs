//! `docket scan`: every QR code in images, whatever it holds, with its
//! version and position (for debugging and for the scanner benchmark).

use crate::Outcome;
use crate::args::ScanArgs;
use crate::images::qr_codes_in;
use anyhow::Result;
use docket_core::qr::scan::ScanMode;
use serde::Serialize;

#[derive(Serialize)]
struct CodeJson<'a> {
    text: &'a str,
    version: u8,
    corners: [[f32; 2]; 4],
}

#[derive(Serialize)]
struct ImageJson<'a> {
    input: String,
    codes: Vec<CodeJson<'a>>,
}

/// Exit 0 if every image holds at least one code, 1 if one holds none.
pub fn scan(args: &ScanArgs) -> Result<Outcome> {
    let mut every_image_had_a_code = true;
    for path in &args.images {
        let codes = qr_codes_in(path, ScanMode::AnyQr)?;
        every_image_had_a_code &= !codes.is_empty();
        if args.json {
            let image = ImageJson {
                input: path.display().to_string(),
                codes: codes
                    .iter()
                    .map(|c| CodeJson {
                        text: &c.text,
                        version: c.version,
                        corners: c.corners.map(|(x, y)| [round1(x), round1(y)]),
                    })
                    .collect(),
            };
            println!("{}", serde_json::to_string(&image)?);
        } else if codes.is_empty() {
            println!("{}: no QR code found", path.display());
        } else {
            for code in &codes {
                let [(x0, y0), _, (x2, y2), _] = code.corners;
                println!(
                    "{}: QR version {} around ({:.0}, {:.0})-({:.0}, {:.0}): {}",
                    path.display(),
                    code.version,
                    x0,
                    y0,
                    x2,
                    y2,
                    code.text
                );
            }
        }
    }
    Ok(if every_image_had_a_code {
        Outcome::Success
    } else {
        Outcome::NotValid
    })
}

fn round1(value: f32) -> f32 {
    (value * 10.0).round() / 10.0
}
