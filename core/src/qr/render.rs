//! Drawing a [`QrMatrix`]: PNG, SVG and terminal text.

use super::matrix::{QrError, QrMatrix};
use std::fmt::Write as _;

/// Size of the drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Pixels (PNG) or user units (SVG) per module.
    pub module_size: u32,
    /// Light modules around the code; the standard asks for 4.
    pub quiet_zone: u32,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            module_size: 8,
            quiet_zone: 4,
        }
    }
}

impl RenderOptions {
    /// Side length in modules including the quiet zone.
    fn side_modules(&self, matrix: &QrMatrix) -> u32 {
        u32::try_from(matrix.width())
            .unwrap_or(u32::MAX)
            .saturating_add(2 * self.quiet_zone)
    }

    fn check(&self) -> Result<(), QrError> {
        if self.module_size == 0 || self.module_size > 64 {
            return Err(QrError::BadOptions(
                "the module size must be 1 to 64 pixels",
            ));
        }
        if self.quiet_zone > 64 {
            return Err(QrError::BadOptions(
                "the quiet zone must be at most 64 modules",
            ));
        }
        Ok(())
    }

    /// Whether the module at drawing position (`x`, `y`), counted in
    /// modules including the quiet zone, is dark.
    fn dark_at(&self, matrix: &QrMatrix, x: u32, y: u32) -> bool {
        match (
            x.checked_sub(self.quiet_zone),
            y.checked_sub(self.quiet_zone),
        ) {
            (Some(mx), Some(my)) => matrix.is_dark(mx as usize, my as usize),
            _ => false,
        }
    }
}

/// The code as 8-bit grayscale pixels (0 black, 255 white), row by row:
/// `(side, pixels)` for a square image `side` pixels wide.
pub fn to_gray(matrix: &QrMatrix, options: RenderOptions) -> Result<(u32, Vec<u8>), QrError> {
    options.check()?;
    let side = options.side_modules(matrix) * options.module_size;
    let mut pixels = Vec::with_capacity((side as usize) * (side as usize));
    for py in 0..side {
        for px in 0..side {
            let dark = options.dark_at(matrix, px / options.module_size, py / options.module_size);
            pixels.push(if dark { 0 } else { 255 });
        }
    }
    Ok((side, pixels))
}

/// An 8-bit grayscale PNG, black on white.
pub fn to_png(matrix: &QrMatrix, options: RenderOptions) -> Result<Vec<u8>, QrError> {
    let (side, pixels) = to_gray(matrix, options)?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let png_error = |e: png::EncodingError| QrError::Png(e.to_string());
    let mut writer = encoder.write_header().map_err(png_error)?;
    writer.write_image_data(&pixels).map_err(png_error)?;
    writer.finish().map_err(png_error)?;
    Ok(out)
}

/// An SVG document, black on white, one path for all dark modules.
pub fn to_svg(matrix: &QrMatrix, options: RenderOptions) -> Result<String, QrError> {
    options.check()?;
    let side = options.side_modules(matrix);
    let pixels = side * options.module_size;
    let mut path = String::new();
    for (y, row) in matrix.rows().enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row.get(x).copied().unwrap_or(false) {
                let run = row.iter().skip(x).take_while(|dark| **dark).count();
                let _ = write!(
                    path,
                    "M{} {}h{}v1h-{}z",
                    x as u32 + options.quiet_zone,
                    y as u32 + options.quiet_zone,
                    run,
                    run
                );
                x += run;
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{px}" height="{px}" "#,
            r#"viewBox="0 0 {side} {side}" shape-rendering="crispEdges">"#,
            r##"<rect width="{side}" height="{side}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{path}"/></svg>"##,
            "\n"
        ),
        px = pixels,
        side = side,
        path = path
    ))
}

/// How terminal output draws light and dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalStyle {
    /// ANSI colours force black on white, whatever the terminal's theme:
    /// the reliable choice for a phone camera.
    Ansi,
    /// No colour codes; for terminals with a light background.
    DarkOnLight,
    /// No colour codes; for terminals with a dark background (the glyphs
    /// draw the light modules).
    LightOnDark,
}

/// Terminal text with Unicode half blocks: each character is two modules
/// stacked, so the code is square in a typical terminal font.
pub fn to_terminal(matrix: &QrMatrix, quiet_zone: u32, style: TerminalStyle) -> String {
    let options = RenderOptions {
        module_size: 1,
        quiet_zone,
    };
    let side = options.side_modules(matrix);
    let ink = |x, y| {
        let dark = options.dark_at(matrix, x, y);
        // In LightOnDark the glyph is drawn in the terminal's (light)
        // foreground, so glyphs must mark the light modules.
        dark != (style == TerminalStyle::LightOnDark) && y < side
    };
    let mut out = String::new();
    for y in (0..side).step_by(2) {
        if style == TerminalStyle::Ansi {
            out.push_str("\x1b[30;107m");
        }
        for x in 0..side {
            out.push(match (ink(x, y), ink(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        if style == TerminalStyle::Ansi {
            out.push_str("\x1b[0m");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix() -> QrMatrix {
        QrMatrix::encode("SC1:TEST").unwrap()
    }

    #[test]
    fn png_has_the_requested_geometry() {
        let m = matrix();
        let png = to_png(
            &m,
            RenderOptions {
                module_size: 3,
                quiet_zone: 2,
            },
        )
        .unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        let side = (m.width() as u32 + 4) * 3;
        assert_eq!((reader.info().width, reader.info().height), (side, side));
        assert!(
            to_png(
                &m,
                RenderOptions {
                    module_size: 0,
                    quiet_zone: 4
                }
            )
            .is_err()
        );
    }

    #[test]
    fn svg_is_one_path_with_a_quiet_zone() {
        let m = matrix();
        let svg = to_svg(&m, RenderOptions::default()).unwrap();
        let side = m.width() + 8;
        assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
        // The top-left finder pattern starts at the quiet zone.
        assert!(svg.contains("M4 4h7v1h-7z"));
    }

    #[test]
    fn terminal_uses_half_blocks() {
        let m = matrix();
        let text = to_terminal(&m, 4, TerminalStyle::DarkOnLight);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), (m.width() + 8).div_ceil(2));
        assert!(lines.iter().all(|l| l.chars().count() == m.width() + 8));
        // Rows 4 and 5 of the finder pattern: all dark across its 7 columns.
        assert!(
            lines[2]
                .chars()
                .skip(4)
                .take(7)
                .all(|c| c == '█' || c == '▀')
        );
        let inverted = to_terminal(&m, 4, TerminalStyle::LightOnDark);
        assert!(inverted.lines().next().unwrap().chars().all(|c| c == '█'));
        assert!(to_terminal(&m, 4, TerminalStyle::Ansi).starts_with("\x1b[30;107m"));
    }

    /// Reads half-block text back into modules: what a camera sees.
    fn modules_from_terminal(text: &str, inverted: bool) -> Vec<Vec<bool>> {
        let mut rows = Vec::new();
        for line in text.lines() {
            let line = line.replace("\x1b[30;107m", "").replace("\x1b[0m", "");
            let (top, bottom): (Vec<bool>, Vec<bool>) = line
                .chars()
                .map(|c| match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    _ => (false, false),
                })
                .map(|(t, b)| (t != inverted, b != inverted))
                .unzip();
            rows.push(top);
            rows.push(bottom);
        }
        rows
    }

    #[test]
    fn terminal_output_is_the_exact_code_in_every_style() {
        let m = QrMatrix::encode("SC1:6BFOXN*TS0BI$ZDFRH").unwrap();
        for (style, inverted) in [
            (TerminalStyle::Ansi, false),
            (TerminalStyle::DarkOnLight, false),
            (TerminalStyle::LightOnDark, true),
        ] {
            let rows = modules_from_terminal(&to_terminal(&m, 4, style), inverted);
            for (y, row) in m.rows().enumerate() {
                assert_eq!(&rows[y + 4][4..4 + m.width()], row, "{style:?} row {y}");
            }
            // The quiet zone is light on all four sides.
            assert!(rows[..4].iter().all(|r| r.iter().all(|d| !d)));
            assert!(
                rows[4..4 + m.width()]
                    .iter()
                    .all(|r| !r[..4].iter().any(|d| *d))
            );
        }
    }
}
