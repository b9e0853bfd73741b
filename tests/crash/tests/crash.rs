//! Crash safety of the outbox, proven by killing a real process.
//!
//! `outbox-worker` makes random outbox calls and acknowledges each one on
//! stdout once it has returned. The harness kills it with SIGKILL at
//! random points, reopens the store and checks that every item whose
//! enqueue returned is there exactly once, in a state its acknowledged
//! history (plus at most the one call in flight) allows. The same store
//! goes through many kills in a row, so recovery runs on recovered data.
//!
//! The torn-write variant copies the files after a kill, cuts the WAL at a
//! random offset (a disk that lost the end of the log) and checks the copy
//! opens to a consistent store: every row readable, nothing duplicated,
//! nothing sending, and the surviving items a prefix of those enqueued.

use docket_core::outbox::{ItemKind, ItemState};
use docket_core::store::{FileSecretStore, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Kill points per run of the harness.
const KILLS: u32 = 300;
/// Kills on one database before starting a fresh one.
const KILLS_PER_DATABASE: u32 = 50;
/// One kill in this many also gets a torn-WAL check.
const TORN_EVERY: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Queued,
    Sending,
    Sent,
    Parked,
}

#[derive(Debug, Clone)]
struct ModelItem {
    key: String,
    kind: ItemKind,
    state: Known,
    attempts: u32,
}

/// The one call that began but had not returned when the worker died.
#[derive(Debug, Clone, PartialEq, Eq)]
enum InFlight {
    None,
    Enqueue,
    Claim,
    Settle(String, i64),
}

/// What the harness knows from the worker's acknowledgements.
#[derive(Debug)]
struct Model {
    items: BTreeMap<i64, ModelItem>,
    discarded: BTreeSet<i64>,
    in_flight: InFlight,
}

impl Model {
    fn new() -> Self {
        Model {
            items: BTreeMap::new(),
            discarded: BTreeSet::new(),
            in_flight: InFlight::None,
        }
    }

    /// Applies one line of the worker's output.
    fn apply(&mut self, line: &str) {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["ready"] | ["idle"] | ["done", "claim", "none"] => self.in_flight = InFlight::None,
            ["begin", "enqueue"] => self.in_flight = InFlight::Enqueue,
            ["begin", "claim"] => self.in_flight = InFlight::Claim,
            ["begin", op, id] => self.in_flight = InFlight::Settle((*op).to_owned(), number(id)),
            ["done", "enqueue", id, key, kind] => {
                let kind = ItemKind::from_code(kind).unwrap();
                let item = ModelItem {
                    key: (*key).to_owned(),
                    kind,
                    state: Known::Queued,
                    attempts: 0,
                };
                assert!(
                    self.items.insert(number(id), item).is_none(),
                    "id reused: {line}"
                );
                self.in_flight = InFlight::None;
            }
            ["done", op, id] => {
                let id = number(id);
                if *op == "discard" {
                    self.items.remove(&id);
                    self.discarded.insert(id);
                } else {
                    let item = self.items.get_mut(&id).unwrap();
                    match *op {
                        "claim" => {
                            item.state = Known::Sending;
                            item.attempts += 1;
                        }
                        "sent" => item.state = Known::Sent,
                        "failed" | "resend" => item.state = Known::Queued,
                        "park" => item.state = Known::Parked,
                        other => panic!("unknown operation {other}"),
                    }
                }
                self.in_flight = InFlight::None;
            }
            _ => panic!("unexpected worker output {line:?}"),
        }
    }
}

fn number(text: &str) -> i64 {
    text.parse().unwrap()
}

#[derive(Debug, Default)]
struct Stats {
    kills: u32,
    killed_in_flight: u32,
    items_checked: usize,
    torn_checks: u32,
    torn_items_lost: usize,
}

#[test]
fn every_acknowledged_item_survives_sigkill_exactly_once() {
    let worker = env!("CARGO_BIN_EXE_outbox-worker");
    let mut rng = StdRng::seed_from_u64(0x5EED_0004);
    let mut stats = Stats::default();
    while stats.kills < KILLS {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("wallet.sqlite");
        let secrets = dir.path().join("secrets");
        let mut model = Model::new();
        for _ in 0..KILLS_PER_DATABASE.min(KILLS - stats.kills) {
            run_and_kill(worker, &db, &secrets, &mut rng, &mut model);
            stats.kills += 1;
            if model.in_flight != InFlight::None {
                stats.killed_in_flight += 1;
            }
            if stats.kills.is_multiple_of(TORN_EVERY) {
                check_torn_copy(dir.path(), &db, &secrets, &mut rng, &model, &mut stats);
            }
            check_and_resync(&db, &secrets, &mut model, &mut stats);
        }
    }
    eprintln!("{stats:?}");
    assert!(
        stats.items_checked > 1000,
        "too few items checked: {stats:?}"
    );
    assert!(
        stats.killed_in_flight > KILLS / 4,
        "kills rarely hit a call in flight: {stats:?}"
    );
}

/// Runs the worker until a random number of lines plus a random pause,
/// SIGKILLs it, and applies every line it printed before it died.
fn run_and_kill(worker: &str, db: &Path, secrets: &Path, rng: &mut StdRng, model: &mut Model) {
    let seed: u64 = rng.random();
    let mut child = Command::new(worker)
        .arg(db)
        .arg(secrets)
        .arg(seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let kill_after: u32 = rng.random_range(1..300);
    for (seen, line) in lines.by_ref().enumerate() {
        model.apply(&line.unwrap());
        if seen as u32 >= kill_after {
            break;
        }
    }
    std::thread::sleep(Duration::from_micros(rng.random_range(0..2000)));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the worker finished before the kill");
    // Lines printed before the kill are still in the pipe: they are
    // acknowledgements too.
    for line in lines {
        model.apply(&line.unwrap());
    }
}

/// Every item the store holds, by id, read through the public API (so
/// every row must open and decode).
fn read_all(store: &Store) -> BTreeMap<i64, docket_core::outbox::OutboxItem> {
    let mut all = BTreeMap::new();
    for item in store
        .pending()
        .unwrap()
        .into_iter()
        .chain(store.history().unwrap())
    {
        assert!(
            all.insert(item.id.0, item).is_none(),
            "an item listed twice"
        );
    }
    all
}

fn row_count(db: &Path) -> usize {
    let conn = rusqlite::Connection::open(db).unwrap();
    let count: i64 = conn
        .query_row("SELECT count(*) FROM outbox", [], |row| row.get(0))
        .unwrap();
    usize::try_from(count).unwrap()
}

fn known(state: &ItemState) -> Known {
    match state {
        ItemState::Queued => Known::Queued,
        ItemState::Sending => Known::Sending,
        ItemState::Sent => Known::Sent,
        ItemState::NeedsAttention(_) => Known::Parked,
    }
}

/// Reopens the store and checks it against the acknowledgements, then
/// takes the store's state as the model for the next run.
fn check_and_resync(db: &Path, secrets: &Path, model: &mut Model, stats: &mut Stats) {
    let secrets = FileSecretStore::new(secrets).unwrap();
    let store = Store::open(db, &secrets).unwrap();
    let actual = read_all(&store);
    drop(store);
    assert_eq!(row_count(db), actual.len(), "rows the API does not list");
    let settling = |id: i64, op: &str| model.in_flight == InFlight::Settle(op.to_owned(), id);
    for (id, expected) in &model.items {
        let Some(item) = actual.get(id) else {
            assert!(settling(*id, "discard"), "item {id} lost: {expected:?}");
            continue;
        };
        assert_eq!(item.idempotency_key, expected.key, "item {id} changed key");
        assert_eq!(item.kind(), expected.kind, "item {id} changed kind");
        let state = known(&item.state);
        let allowed = match expected.state {
            // Recovery puts an interrupted send back in the queue.
            Known::Queued | Known::Sending => state == Known::Queued,
            Known::Sent => state == Known::Sent,
            Known::Parked => state == Known::Parked,
        } || (settling(*id, "sent") && state == Known::Sent)
            || (settling(*id, "park") && state == Known::Parked)
            || ((settling(*id, "resend") || settling(*id, "failed")) && state == Known::Queued);
        assert!(
            allowed,
            "item {id} is {state:?}, acknowledged {expected:?}, in flight {:?}",
            model.in_flight
        );
        let claimed_in_flight =
            model.in_flight == InFlight::Claim && expected.state == Known::Queued;
        assert!(
            item.attempts == expected.attempts
                || (claimed_in_flight && item.attempts == expected.attempts + 1),
            "item {id} has {} attempts, acknowledged {}",
            item.attempts,
            expected.attempts
        );
        stats.items_checked += 1;
    }
    for id in &model.discarded {
        assert!(!actual.contains_key(id), "discarded item {id} came back");
    }
    let unknown: Vec<_> = actual
        .keys()
        .filter(|id| !model.items.contains_key(id))
        .collect();
    let newest_known = model
        .items
        .keys()
        .chain(&model.discarded)
        .max()
        .copied()
        .unwrap_or(0);
    match unknown.as_slice() {
        [] => {}
        [id] if model.in_flight == InFlight::Enqueue && **id > newest_known => {
            let item = &actual[*id];
            assert_eq!((known(&item.state), item.attempts), (Known::Queued, 0));
        }
        more => panic!(
            "items nobody acknowledged: {more:?} (in flight {:?})",
            model.in_flight
        ),
    }
    model.items = actual
        .into_iter()
        .map(|(id, item)| {
            let state = known(&item.state);
            let entry = ModelItem {
                key: item.idempotency_key,
                kind: item.submission.kind(),
                state,
                attempts: item.attempts,
            };
            (id, entry)
        })
        .collect();
    model.in_flight = InFlight::None;
}

/// Copies the killed store, cuts its WAL at a random offset, and checks
/// the copy opens to a consistent store whose items are a prefix of those
/// enqueued.
fn check_torn_copy(
    dir: &Path,
    db: &Path,
    secrets: &Path,
    rng: &mut StdRng,
    model: &Model,
    stats: &mut Stats,
) {
    let torn = dir.join("torn");
    let _ = std::fs::remove_dir_all(&torn);
    std::fs::create_dir(&torn).unwrap();
    let torn_db = torn.join("wallet.sqlite");
    std::fs::copy(db, &torn_db).unwrap();
    let wal = db.with_extension("sqlite-wal");
    if let Ok(bytes) = std::fs::read(&wal) {
        let cut = rng.random_range(0..=bytes.len());
        std::fs::write(torn.join("wallet.sqlite-wal"), &bytes[..cut]).unwrap();
    }
    let secrets = FileSecretStore::new(secrets).unwrap();
    let store = Store::open(&torn_db, &secrets).unwrap();
    let actual = read_all(&store);
    drop(store);
    assert_eq!(
        row_count(&torn_db),
        actual.len(),
        "rows the API does not list"
    );
    for (id, item) in &actual {
        assert_ne!(known(&item.state), Known::Sending, "item {id} left sending");
        let acknowledged = model.items.get(id).map(|m| m.key.as_str());
        if let Some(key) = acknowledged {
            assert_eq!(item.idempotency_key, key, "item {id} changed key");
        } else {
            assert!(
                model.discarded.contains(id) || model.in_flight == InFlight::Enqueue,
                "torn copy holds item {id} nobody enqueued"
            );
        }
    }
    let newest = actual.keys().max().copied().unwrap_or(0);
    let lost: Vec<_> = model
        .items
        .keys()
        .filter(|id| !actual.contains_key(id))
        .collect();
    assert!(
        lost.iter().all(|id| **id > newest),
        "the torn log lost items from the middle: lost {lost:?}, newest kept {newest}"
    );
    stats.torn_checks += 1;
    stats.torn_items_lost += lost.len();
}
