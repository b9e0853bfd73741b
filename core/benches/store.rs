//! The wallet store's speed and size, on this machine's disk (every
//! outbox write is a durable commit, so the disk's fsync sets the pace):
//!
//! - open + load and verify the card (what the app does at start-up);
//! - enqueue one item, durably;
//! - drain bookkeeping for 10,000 items: claim and mark sent, one by one;
//! - database size per 1,000 items.
//!
//! Run: `cargo bench -p docket-core --bench store`

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;
use docket_core::outbox::{AddressChange, CheckIn, Receipt, UsAddress};
use docket_core::store::{FileSecretStore, Store, TrustData};
use jiff::civil::date;
use std::path::Path;
use std::time::{Duration, Instant};

const OPENS: usize = 200;
const ENQUEUES: usize = 1_000;
const DRAINED: usize = 10_000;

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let secrets = FileSecretStore::new(dir.path().join("secrets")).expect("secret store");

    let db = dir.path().join("card.sqlite");
    prepare_card(&db, &secrets);
    let opens = time_each(OPENS, || {
        let store = Store::open(&db, &secrets).expect("open");
        let (trust, _) = store
            .trust_data()
            .expect("trust data")
            .to_trust_store(vec![root_key().public()], now());
        let card = store
            .load_card(&trust, now())
            .expect("load")
            .expect("a card");
        assert!(card.verdict.is_valid());
    });
    report("open + load and verify card", &opens);

    let db = dir.path().join("outbox.sqlite");
    let mut store = Store::open(&db, &secrets).expect("open");
    let mut n = 0;
    let enqueues = time_each(ENQUEUES, || {
        enqueue_one(&mut store, n);
        n += 1;
    });
    report("enqueue one item (durable)", &enqueues);
    drop(store);
    let size = checkpointed_size(&db, &secrets);
    println!(
        "database size with {ENQUEUES} queued items (half check-ins, half address changes): {} KiB, {} bytes per item",
        size / 1024,
        size / ENQUEUES as u64
    );

    let db = dir.path().join("drain.sqlite");
    let mut store = Store::open(&db, &secrets).expect("open");
    let filled = Instant::now();
    for n in 0..DRAINED {
        enqueue_one(&mut store, n);
    }
    let fill_time = filled.elapsed();
    let drained = Instant::now();
    let mut count = 0;
    while let Some(item) = store.claim_next(now()).expect("claim") {
        let receipt = Receipt {
            received_at: now(),
            reference: None,
        };
        store.mark_sent(item.id, &receipt, now()).expect("sent");
        count += 1;
    }
    let drain_time = drained.elapsed();
    assert_eq!(count, DRAINED);
    println!(
        "drain bookkeeping for {DRAINED} items (claim + mark sent): {:.2} s total, {:.0} µs per item (filling took {:.2} s)",
        drain_time.as_secs_f64(),
        drain_time.as_secs_f64() * 1e6 / DRAINED as f64,
        fill_time.as_secs_f64()
    );
    drop(store);
    let size = checkpointed_size(&db, &secrets);
    println!(
        "database size with {DRAINED} sent items (history): {} KiB, {} KiB per 1,000 items",
        size / 1024,
        size * 1000 / DRAINED as u64 / 1024
    );
}

fn prepare_card(db: &Path, secrets: &FileSecretStore) {
    let mut store = Store::open(db, secrets).expect("open");
    let trusted = common::store();
    let (trust_floor, status_floor) = trusted.floors();
    store
        .save_trust_data(&TrustData {
            trust_list: Some(trust_list_bytes()),
            status_list: Some(status_list_bytes()),
            trust_floor,
            status_floor,
        })
        .expect("trust data");
    store
        .save_card(&sign(&card(true)), PHOTO, now())
        .expect("card");
}

fn enqueue_one(store: &mut Store, n: usize) {
    if n.is_multiple_of(2) {
        let note = CheckIn::new(Some("Checked in at the field office")).expect("note");
        store.enqueue_check_in(note, now()).expect("enqueue");
    } else {
        let address = UsAddress::new(
            "4417 Calle Zumbador",
            Some("Apt 12"),
            "San Antonio",
            "TX",
            "78205-1234",
        )
        .expect("address");
        let change =
            AddressChange::new(address, date(2026, 11, 20), date(2026, 11, 22)).expect("change");
        store
            .enqueue_address_change(change, now())
            .expect("enqueue");
    }
}

/// The size of the database file once its WAL is folded in (closing the
/// last connection checkpoints).
fn checkpointed_size(db: &Path, secrets: &FileSecretStore) -> u64 {
    drop(Store::open(db, secrets).expect("reopen"));
    std::fs::metadata(db).expect("size").len()
}

fn time_each(runs: usize, mut run: impl FnMut()) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn report(what: &str, sorted: &[Duration]) {
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    println!(
        "{what}: median {:.0} µs, p95 {:.0} µs ({} runs)",
        at(0.5).as_secs_f64() * 1e6,
        at(0.95).as_secs_f64() * 1e6,
        sorted.len()
    );
}
