//! What an SC1 code costs on each side of the counter, for the typical card
//! ("García Hernández" / "María José"):
//!
//! - the wallet: static text and QR matrix; a live code (P-256 signature
//!   and its self-check), its text and QR matrix;
//! - the officer: parsing a live code alone, and full verification of a
//!   static (unbound) and a live code, success path only.
//!
//! Run: `cargo bench -p docket-core --bench sc1`

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use docket_core::qr::QrMatrix;
use docket_core::sc1::{LivePresentation, Presentation};
use std::hint::black_box;
use std::time::Duration;

fn wallet(c: &mut Criterion) {
    let bound = common::sign(&common::card(true));
    let device_key = common::device_key();
    let now = common::now();

    c.bench_function("static encode + matrix", |b| {
        b.iter(|| QrMatrix::encode(&black_box(&bound).to_text()).unwrap())
    });
    c.bench_function("live encode + matrix", |b| {
        b.iter(|| {
            let live = LivePresentation::create(black_box(&bound), &device_key, now).unwrap();
            QrMatrix::encode(&live.to_text()).unwrap()
        })
    });
}

fn officer(c: &mut Criterion) {
    let now = common::now();
    let static_text = common::sign(&common::card(false)).to_text();
    let live_text = common::live_at(&common::sign(&common::card(true)), now).to_text();
    let verifier = common::verifier();

    // Time the success path only: a refusal stops early and would flatter
    // the figures. A fresh clone per check, because a verifier refuses a
    // live code it has already accepted.
    for text in [&static_text, &live_text] {
        let verdict = verifier.clone().verify_text(text, now);
        assert!(verdict.is_valid(), "fixture refused: {:?}", verdict.reasons);
    }

    c.bench_function("parse only (live)", |b| {
        b.iter(|| Presentation::from_text(black_box(&live_text)).unwrap())
    });
    c.bench_function("verify static", |b| {
        // A static code is not remembered, so one verifier serves every
        // iteration.
        let mut verifier = verifier.clone();
        b.iter(|| verifier.verify_text(black_box(&static_text), now))
    });
    c.bench_function("verify live", |b| {
        // The clone is made, and dropped, outside the timed section.
        b.iter_batched_ref(
            || verifier.clone(),
            |verifier| verifier.verify_text(black_box(&live_text), now),
            BatchSize::SmallInput,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = wallet, officer
}
criterion_main!(benches);
