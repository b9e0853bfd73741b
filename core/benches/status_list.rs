//! A national-scale status list: 10,000,000 cards, 1% (100,000) revoked at
//! pseudo-random indices. Prints its size on the wire and the time to sign
//! it (once), then measures what a verifier's phone does with it:
//! installing it (signature check and inflation) and looking up a card.
//!
//! Run: `cargo bench -p docket-core --bench status_list`

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use docket_core::card::StatusIndex;
use docket_core::trust::{CardStatus, StatusList};
use std::hint::black_box;
use std::time::{Duration, Instant};

const ENTRIES: u32 = 10_000_000;
const REVOKED: usize = 100_000;
/// Lookups cycle through this many precomputed indices (a power of two).
const LOOKUP_INDICES: usize = 1 << 16;

/// SplitMix64: a tiny, fixed-seed generator, so every run revokes the same
/// cards without a dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An index below `ENTRIES` (the modulo bias is below 1e-12).
    fn index(&mut self) -> StatusIndex {
        StatusIndex::new((self.next_u64() % u64::from(ENTRIES)) as u32).unwrap()
    }
}

/// The list, with exactly `REVOKED` distinct entries revoked.
fn build_list(rng: &mut SplitMix64) -> StatusList {
    let meta = common::meta(7, common::at(-3600), common::days(30));
    let mut list = StatusList::new(meta, common::ISSUER_KEY_ID, ENTRIES).unwrap();
    let mut revoked = 0;
    while revoked < REVOKED {
        let index = rng.index();
        if list.status(index) == Some(CardStatus::Valid) {
            assert!(list.set(index, CardStatus::Revoked));
            revoked += 1;
        }
    }
    list
}

fn status_list(c: &mut Criterion) {
    let mut rng = SplitMix64(0x5EED_0000_0000_0001);
    let list = build_list(&mut rng);
    let started = Instant::now();
    let bytes = list.sign(&common::issuer_key()).unwrap();
    let sign_time = started.elapsed();

    let trust = common::trust_list();
    let installed = StatusList::parse_and_verify(&bytes, &trust).unwrap();
    assert!(installed == list, "the list does not survive the wire");

    println!("status list");
    println!("  entries:          {:>12}", list.len());
    let revoked = installed.count_of(CardStatus::Revoked);
    println!("  revoked:          {revoked:>12}");
    // Two bits per entry.
    println!("  raw bitstring:    {:>12} bytes", list.len().div_ceil(4));
    println!("  signed, on wire:  {:>12} bytes", bytes.len());
    println!("  time to sign:     {sign_time:>12.1?} (deflate + Ed25519, one run)");
    println!();

    c.bench_function("install (verify signature + inflate)", |b| {
        b.iter(|| StatusList::parse_and_verify(black_box(&bytes), &trust).unwrap())
    });

    let indices: Vec<StatusIndex> = (0..LOOKUP_INDICES).map(|_| rng.index()).collect();
    let mut next = 0;
    c.bench_function("lookup", |b| {
        b.iter(|| {
            next = (next + 1) % LOOKUP_INDICES;
            installed.status(indices[next])
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = status_list
}
criterion_main!(benches);
