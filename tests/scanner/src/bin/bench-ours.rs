//! Times docket-core's frame scanner on a dataset the way bench.py times
//! the peer decoders: each image decoded from PNG to gray once (not
//! timed), one warm-up scan, then the best of three timed scans of the
//! scan call alone, on one thread. The scanner runs as the officer's app
//! runs it (SC1 mode).
//!
//!     cargo run --release -p scanner-lab --bin bench-ours -- --dataset DIR --out FILE

use anyhow::{Context, Result};
use clap::Parser;
use docket_core::qr::GrayFrame;
use docket_core::qr::scan::{ScanMode, scan};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Instant;

/// Time the SC1 scanner over a dataset written by gen-dataset.
#[derive(Parser)]
struct Args {
    /// The dataset directory (with manifest.json).
    #[arg(long)]
    dataset: PathBuf,
    /// Where to write the results JSON.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Deserialize)]
struct Manifest {
    images: Vec<ManifestImage>,
}

#[derive(Deserialize)]
struct ManifestImage {
    file: String,
}

#[derive(Serialize)]
struct Results {
    decoder: &'static str,
    timing: &'static str,
    results: Vec<ImageResult>,
}

#[derive(Serialize)]
struct ImageResult {
    file: String,
    texts: Vec<String>,
    ms: f64,
}

const RUNS: usize = 3;

fn main() -> Result<()> {
    let args = Args::parse();
    let manifest_path = args.dataset.join("manifest.json");
    let manifest: Manifest = serde_json::from_str(
        &std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("reading {}", manifest_path.display()))?,
    )?;
    let mut results = Vec::with_capacity(manifest.images.len());
    for image in &manifest.images {
        let path = args.dataset.join(&image.file);
        let luma = image::open(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .to_luma8();
        let (width, height) = (luma.width() as usize, luma.height() as usize);
        let frame = GrayFrame::new(width, height, width, luma.as_raw())?;
        let mut found = scan(&frame, ScanMode::Sc1);
        let mut best = f64::INFINITY;
        for _ in 0..RUNS {
            let started = Instant::now();
            found = scan(&frame, ScanMode::Sc1);
            best = best.min(started.elapsed().as_secs_f64() * 1e3);
        }
        results.push(ImageResult {
            file: image.file.clone(),
            texts: found.into_iter().map(|code| code.text).collect(),
            ms: best,
        });
    }
    let out = Results {
        decoder: "docket (ours)",
        timing: "best of 3 after one warm-up, scan call only, one thread",
        results,
    };
    std::fs::write(&args.out, serde_json::to_string_pretty(&out)?)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "bench-ours: {} images -> {}",
        out.results.len(),
        args.out.display()
    );
    Ok(())
}
