//! Writes the scanner dataset: `DIR/<class>/<resolution>-<index>.png` (the
//! final 8-bit gray pixels, lossless) and `DIR/manifest.json` with the
//! expected text of each image.
//!
//! `gen-dataset --out DIR [--per-class N] [--force]`: N images per class,
//! spread evenly over the three resolutions. If `DIR/manifest.json` was
//! written by this generator version with the same N, nothing is done
//! unless `--force` is given.

use anyhow::{Context, Result, bail};
use clap::Parser;
use scanner_lab::{Resolution, classes, generator_id, sample};
use serde::Serialize;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Generate the synthetic phone-screen QR dataset.
#[derive(Parser)]
#[command(name = "gen-dataset")]
struct Args {
    /// Output directory (created if needed).
    #[arg(long)]
    out: PathBuf,
    /// Images per class, spread over the three resolutions.
    #[arg(long, default_value_t = 30)]
    per_class: u32,
    /// Regenerate even if an up-to-date manifest exists.
    #[arg(long)]
    force: bool,
}

#[derive(Serialize)]
struct Manifest {
    generator: String,
    seed: u64,
    per_class: u32,
    classes: Vec<&'static str>,
    resolutions: Vec<&'static str>,
    images: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    file: String,
    class: &'static str,
    resolution: &'static str,
    width: usize,
    height: usize,
    expected_text: String,
    qr_version: u8,
    module_px: f64,
    min_module_px: f64,
    corners: [[f64; 2]; 4],
    oracle_decodes: bool,
    oracle_module_error: f64,
    effects: Vec<&'static str>,
    params: serde_json::Map<String, serde_json::Value>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.per_class == 0 {
        bail!("--per-class must be at least 1");
    }
    let manifest_path = args.out.join("manifest.json");
    if !args.force && up_to_date(&manifest_path, args.per_class) {
        println!(
            "{} is up to date ({}, {} per class); use --force to regenerate",
            manifest_path.display(),
            generator_id(),
            args.per_class
        );
        return Ok(());
    }
    let started = Instant::now();
    let mut images = Vec::new();
    let mut bytes = 0u64;
    let mut unreadable = 0;
    for &class in classes() {
        let dir = args.out.join(class);
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for n in 0..args.per_class {
            // Round-robin over resolutions: index n / 3 within each.
            let resolution = Resolution::ALL[n as usize % 3];
            let index = n / 3;
            let s = sample(class, index, resolution);
            if !s.oracle_decodes {
                unreadable += 1;
            }
            let file = format!("{class}/{}-{index:03}.png", resolution.name());
            let path = args.out.join(&file);
            write_png(&path, &s.pixels, s.width, s.height)?;
            bytes += fs::metadata(&path)?.len();
            images.push(Entry {
                file,
                class,
                resolution: resolution.name(),
                width: s.width,
                height: s.height,
                expected_text: s.expected_text,
                qr_version: s.version,
                module_px: round3(f64::from(s.module_px)),
                min_module_px: round3(f64::from(s.min_module_px)),
                corners: s
                    .corners
                    .map(|(x, y)| [round3(f64::from(x)), round3(f64::from(y))]),
                oracle_decodes: s.oracle_decodes,
                oracle_module_error: round3(f64::from(s.oracle_module_error)),
                effects: s.effects.clone(),
                params: s
                    .params
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), serde_json::json!(round3(*v))))
                    .collect(),
            });
        }
        eprintln!("{class}: {} images", args.per_class);
    }
    let manifest = Manifest {
        generator: generator_id(),
        seed: scanner_lab::MASTER_SEED,
        per_class: args.per_class,
        classes: classes().to_vec(),
        resolutions: Resolution::ALL.iter().map(|r| r.name()).collect(),
        images,
    };
    let json = serde_json::to_string_pretty(&manifest)? + "\n";
    fs::write(&manifest_path, json)
        .with_context(|| format!("writing {}", manifest_path.display()))?;
    println!(
        "wrote {} images ({:.1} MB) and {} in {:.1} s",
        manifest.images.len(),
        bytes as f64 / 1e6,
        manifest_path.display(),
        started.elapsed().as_secs_f64()
    );
    if unreadable > 0 {
        eprintln!(
            "warning: {unreadable} images stayed unreadable by the oracle after every redraw"
        );
    }
    Ok(())
}

/// Whether the manifest there was written by this generator with `per_class`.
fn up_to_date(path: &Path, per_class: u32) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    value["generator"] == generator_id() && value["per_class"] == per_class
}

fn write_png(path: &Path, pixels: &[u8], width: usize, height: usize) -> Result<()> {
    image::save_buffer_with_format(
        path,
        pixels,
        u32::try_from(width)?,
        u32::try_from(height)?,
        image::ExtendedColorType::L8,
        image::ImageFormat::Png,
    )
    .with_context(|| format!("writing {}", path.display()))
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
