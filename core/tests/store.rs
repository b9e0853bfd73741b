//! The wallet store through its public API: opening and refusing files,
//! sealing, the card, trust data, hearings and the outbox rules.

mod common;

use common::*;
use docket_core::hearings::{HearingStatus, parse_hearings_json};
use docket_core::outbox::{
    AddressChange, CheckIn, DeadlineState, ItemId, ItemState, ParkReason, Receipt, RetryPolicy,
    Submission, UsAddress,
};
use docket_core::store::{
    DATABASE_KEY_NAME, FileSecretStore, SCHEMA_VERSION, SecretStore, Store, StoreError, TrustData,
};
use docket_core::trust::TrustStore;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use sha2::Digest;
use std::path::{Path, PathBuf};

struct Profile {
    dir: tempfile::TempDir,
    secrets: FileSecretStore,
}

impl Profile {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let secrets = FileSecretStore::new(dir.path().join("secrets")).unwrap();
        Profile { dir, secrets }
    }

    /// A profile whose database exists and holds one queued check-in.
    fn with_one_item() -> Self {
        let profile = Profile::new();
        let mut store = profile.open().unwrap();
        store.enqueue_check_in(check_in("x"), now()).unwrap();
        profile
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("wallet.sqlite")
    }

    fn open(&self) -> Result<Store, StoreError> {
        Store::open(&self.db(), &self.secrets)
    }
}

fn address(street: &str) -> UsAddress {
    UsAddress::new(street, Some("Apt 4B"), "San Antonio", "TX", "78205-1234").unwrap()
}

fn move_to(street: &str) -> AddressChange {
    AddressChange::new(address(street), date(2026, 11, 20), date(2026, 11, 22)).unwrap()
}

fn check_in(note: &str) -> CheckIn {
    CheckIn::new(Some(note)).unwrap()
}

fn receipt() -> Receipt {
    Receipt {
        received_at: now(),
        reference: Some("R-1".into()),
    }
}

fn refused() -> ParkReason {
    ParkReason::Refused {
        code: "address_not_deliverable".into(),
        detail: "the post office does not deliver to this address".into(),
    }
}

/// Digests of the database file and its WAL (a missing WAL counts as an
/// empty one), to show a refused open changed nothing.
fn snapshot(db: &Path) -> [String; 2] {
    ["", "-wal"].map(|suffix| {
        let bytes = std::fs::read(format!("{}{suffix}", db.display())).unwrap_or_default();
        let digest = sha2::Sha256::digest(&bytes);
        format!("{suffix}: {} bytes, {}", bytes.len(), hex::encode(digest))
    })
}

// ---------------------------------------------------------------- opening

#[test]
fn creates_then_reopens_with_everything_on_disk() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let item = store
        .enqueue_check_in(check_in("at the office"), now())
        .unwrap();
    drop(store);
    let store = profile.open().unwrap();
    assert_eq!(store.item(item.id).unwrap(), item);
    assert!(profile.secrets.load(DATABASE_KEY_NAME).unwrap().is_some());
}

#[test]
fn wrong_key_is_refused_and_the_file_is_untouched() {
    let profile = Profile::with_one_item();
    let before = snapshot(&profile.db());
    profile.secrets.save(DATABASE_KEY_NAME, &[9; 32]).unwrap();
    let error = profile.open().unwrap_err();
    assert_eq!(error.code(), "wrong_key", "{error}");
    profile.secrets.save(DATABASE_KEY_NAME, &[9; 7]).unwrap();
    assert_eq!(profile.open().unwrap_err().code(), "wrong_key");
    assert_eq!(snapshot(&profile.db()), before);
}

#[test]
fn missing_key_is_refused_and_the_file_is_untouched() {
    let profile = Profile::with_one_item();
    let before = snapshot(&profile.db());
    let elsewhere = FileSecretStore::new(profile.dir.path().join("other")).unwrap();
    let error = Store::open(&profile.db(), &elsewhere).unwrap_err();
    assert_eq!(error.code(), "key_missing", "{error}");
    assert_eq!(snapshot(&profile.db()), before);
    assert!(
        elsewhere.load(DATABASE_KEY_NAME).unwrap().is_none(),
        "a key was invented"
    );
}

#[test]
fn newer_schema_is_refused_and_the_file_is_untouched() {
    let profile = Profile::with_one_item();
    {
        let conn = rusqlite::Connection::open(profile.db()).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let before = snapshot(&profile.db());
    match profile.open().unwrap_err() {
        StoreError::NewerSchema { found, supported } => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected newer_schema, got {other}"),
    }
    assert_eq!(snapshot(&profile.db()), before);
}

#[test]
fn corrupt_files_are_refused_and_left_as_they_are() {
    let profile = Profile::new();
    {
        let mut store = profile.open().unwrap();
        for n in 0..200 {
            store
                .enqueue_check_in(check_in(&format!("note {n}")), now())
                .unwrap();
        }
    }
    let good = std::fs::read(profile.db()).unwrap();
    assert!(
        good.len() > 16 * 4096,
        "the database is too small to damage a middle page"
    );
    let mut damaged_page = good.clone();
    damaged_page[8 * 4096..9 * 4096].fill(0x5A);
    let mut damaged_header = good.clone();
    damaged_header[..16].copy_from_slice(b"not a database!\0");
    let cases: [(&str, Vec<u8>); 4] = [
        ("a middle page overwritten", damaged_page),
        ("the header overwritten", damaged_header),
        ("cut short", good[..good.len() / 2].to_vec()),
        (
            "random bytes",
            (0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
    ];
    for (what, bytes) in cases {
        std::fs::write(profile.db(), &bytes).unwrap();
        let error = profile.open().unwrap_err();
        assert!(
            matches!(error.code(), "corrupt" | "not_a_wallet_database"),
            "{what}: {error}"
        );
        assert_eq!(
            std::fs::read(profile.db()).unwrap(),
            bytes,
            "{what}: file changed"
        );
    }
}

#[test]
fn another_apps_database_is_refused() {
    let profile = Profile::new();
    {
        let conn = rusqlite::Connection::open(profile.db()).unwrap();
        conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
    }
    let before = snapshot(&profile.db());
    assert_eq!(profile.open().unwrap_err().code(), "not_a_wallet_database");
    assert_eq!(snapshot(&profile.db()), before);
}

#[test]
fn the_file_holds_no_holder_data_in_the_clear() {
    let profile = Profile::new();
    {
        let mut store = profile.open().unwrap();
        let card = sign(&card_named("Quetzalcoatl", "Xochiquetzal", true));
        store.save_card(&card, PHOTO, now()).unwrap();
        store
            .enqueue_address_change(move_to("4417 Calle Zumbador"), now())
            .unwrap();
        store
            .enqueue_check_in(check_in("Vine con mi abogada Ximena"), now())
            .unwrap();
        let hearings = parse_hearings_json(HEARINGS_JSON.as_bytes()).unwrap();
        store
            .replace_hearings(hearings, Some("\"v1\""), now())
            .unwrap();
    }
    // The database, its WAL if any, and the key file all go in.
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(profile.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            bytes.extend(std::fs::read(path).unwrap());
        }
    }
    assert!(bytes.len() > 8192);
    for secret in [
        "Quetzalcoatl",
        "Xochiquetzal",
        "Zumbador",
        "San Antonio",
        "78205",
        "Ximena",
        "Judge Abernathy",
        "Harlingen",
        "2027-03-15",
        "fixture photo bytes",
    ] {
        let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(!found, "{secret:?} is in the database files in the clear");
    }
}

const HEARINGS_JSON: &str = r#"[
  {"id": "H-1", "starts": {"local": "2027-03-15T09:00:00", "time_zone": "America/Chicago"},
   "court": {"name": "Harlingen Immigration Court", "address": "2009 W Jefferson Ave\nHarlingen, TX 78550"},
   "judge": "Judge Abernathy", "kind": "master_calendar", "status": "scheduled"},
  {"id": "H-2", "starts": {"local": "2027-05-03T13:30:00", "time_zone": "America/Chicago"},
   "court": {"name": "Harlingen Immigration Court", "address": "2009 W Jefferson Ave\nHarlingen, TX 78550"},
   "judge": null, "kind": "individual", "status": "scheduled"}
]"#;

// ------------------------------------------------------------ card, trust

#[test]
fn the_card_is_reverified_on_every_load() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    assert!(store.load_card(&common::store(), now()).unwrap().is_none());
    let signed = sign(&card(true));
    store.save_card(&signed, PHOTO, now()).unwrap();
    let loaded = store.load_card(&common::store(), now()).unwrap().unwrap();
    assert_eq!(loaded.card.payload(), signed.payload());
    assert_eq!(loaded.photo, PHOTO);
    assert!(loaded.verdict.is_valid(), "{:?}", loaded.verdict.reasons);

    // The same bytes, against trust data that does not hold the issuer.
    let empty = TrustStore::new(vec![root_key().public()]);
    let verdict = store.load_card(&empty, now()).unwrap().unwrap().verdict;
    assert!(!verdict.is_valid() && verdict.holder.is_none());

    // A revoked card loads, and says so.
    let mut revoked = card(true);
    revoked.status_index = docket_core::card::StatusIndex::new(REVOKED_INDEX).unwrap();
    store.save_card(&sign(&revoked), PHOTO, now()).unwrap();
    let verdict = store
        .load_card(&common::store(), now())
        .unwrap()
        .unwrap()
        .verdict;
    let codes: Vec<_> = verdict.reasons.iter().map(|r| r.code()).collect();
    assert_eq!(codes, ["card_revoked"]);
}

#[test]
fn a_photo_that_is_not_the_cards_is_refused() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let error = store
        .save_card(&sign(&card(true)), b"another photo", now())
        .unwrap_err();
    assert_eq!(error.code(), "photo_mismatch");
}

#[test]
fn sealed_values_moved_between_columns_do_not_open() {
    let profile = Profile::new();
    profile
        .open()
        .unwrap()
        .save_card(&sign(&card(true)), PHOTO, now())
        .unwrap();
    {
        let conn = rusqlite::Connection::open(profile.db()).unwrap();
        conn.execute("UPDATE card SET signed_sealed = photo_sealed", [])
            .unwrap();
    }
    let store = profile.open().unwrap();
    let error = store.load_card(&common::store(), now()).unwrap_err();
    assert_eq!(error.code(), "tampered", "{error}");
}

#[test]
fn trust_data_and_floors_survive_a_restart() {
    let profile = Profile::new();
    let trusted = common::store();
    let (trust_floor, status_floor) = trusted.floors();
    let data = TrustData {
        trust_list: Some(trust_list_bytes()),
        status_list: Some(status_list_bytes()),
        trust_floor,
        status_floor,
    };
    profile.open().unwrap().save_trust_data(&data).unwrap();
    let store = profile.open().unwrap();
    let read = store.trust_data().unwrap();
    assert_eq!(read, data);
    let (rebuilt, problems) = read.to_trust_store(vec![root_key().public()], now());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(rebuilt.floors(), trusted.floors());
    assert!(rebuilt.status_list().is_some());

    // Lists gone, floors kept: an older list is still refused.
    let floors_only = TrustData {
        trust_list: None,
        status_list: None,
        ..data
    };
    let mut store = store;
    store.save_trust_data(&floors_only).unwrap();
    assert_eq!(store.trust_data().unwrap(), floors_only);
}

// ---------------------------------------------------------------- hearings

#[test]
fn hearings_are_cached_diffed_and_confirmed() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    assert!(store.hearing_cache().unwrap().is_none());
    assert!(!store.confirm_hearings(now()).unwrap());
    let first = parse_hearings_json(HEARINGS_JSON.as_bytes()).unwrap();
    let changes = store
        .replace_hearings(first.clone(), Some("\"v1\""), now())
        .unwrap();
    assert_eq!(changes.added.len(), 2);

    let moved_json = HEARINGS_JSON
        .replace("2027-03-15T09:00:00", "2027-04-01T10:00:00")
        .replace(
            "\"individual\", \"status\": \"scheduled\"",
            "\"individual\", \"status\": \"cancelled\"",
        );
    let second = parse_hearings_json(moved_json.as_bytes()).unwrap();
    let changes = store
        .replace_hearings(second.clone(), Some("\"v2\""), at(60))
        .unwrap();
    assert_eq!(changes.moved.len(), 1);
    assert_eq!(changes.cancelled.len(), 1);
    assert!(changes.added.is_empty() && changes.removed.is_empty());

    assert!(store.confirm_hearings(at(3600)).unwrap());
    drop(store);
    let cache = profile.open().unwrap().hearing_cache().unwrap().unwrap();
    assert_eq!(cache.hearings, second);
    assert_eq!(cache.etag.as_deref(), Some("\"v2\""));
    assert_eq!(cache.fetched_at, at(3600));
    assert_eq!(cache.hearings[1].status, HearingStatus::Cancelled);
}

#[test]
fn an_etag_http_would_not_allow_is_not_kept() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let hearings = parse_hearings_json(HEARINGS_JSON.as_bytes()).unwrap();
    for bad in ["", "a b", "\"tag\"\n", &"x".repeat(300)] {
        store
            .replace_hearings(hearings.clone(), Some(bad), now())
            .unwrap();
        assert_eq!(
            store.hearing_cache().unwrap().unwrap().etag,
            None,
            "{bad:?}"
        );
    }
}

// ------------------------------------------------------------------ outbox

#[test]
fn items_go_first_in_first_out() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let ids: Vec<ItemId> = (0..5)
        .map(|n| {
            store
                .enqueue_check_in(check_in(&format!("n{n}")), at(n))
                .unwrap()
                .id
        })
        .collect();
    let mut claimed = Vec::new();
    while let Some(item) = store.claim_next(at(10)).unwrap() {
        assert_eq!(item.state, ItemState::Sending);
        assert_eq!(item.attempts, 1);
        claimed.push(item.id);
        store.mark_sent(item.id, &receipt(), at(11)).unwrap();
    }
    assert_eq!(claimed, ids);
    let history: Vec<ItemId> = store.history().unwrap().iter().map(|i| i.id).collect();
    assert_eq!(history, ids.iter().rev().copied().collect::<Vec<_>>());
    assert!(store.pending().unwrap().is_empty());
    assert_eq!(store.next_attempt_at().unwrap(), None);
}

#[test]
fn a_parked_address_change_blocks_later_ones_visibly_but_not_check_ins() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let first = store
        .enqueue_address_change(move_to("1 First St"), now())
        .unwrap()
        .id;
    let second = store
        .enqueue_address_change(move_to("2 Second St"), now())
        .unwrap()
        .id;
    let check = store.enqueue_check_in(check_in("hi"), now()).unwrap().id;

    let claimed = store.claim_next(now()).unwrap().unwrap();
    assert_eq!(claimed.id, first);
    store.park(first, &refused()).unwrap();

    // The check-in goes; the second address change waits for the first.
    assert_eq!(store.claim_next(now()).unwrap().unwrap().id, check);
    store.mark_sent(check, &receipt(), now()).unwrap();
    assert_eq!(store.claim_next(now()).unwrap(), None);
    let pending = store.pending().unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[0].state, ItemState::NeedsAttention(refused()));
    assert_eq!(pending[1].blocked_by, Some(first));
    assert_eq!(store.item(second).unwrap().blocked_by, Some(first));

    // The holder fixes the first: new key, queued, and the order holds.
    let old_key = pending[0].idempotency_key.clone();
    let edited = store
        .edit(
            first,
            Submission::AddressChange(move_to("1 First Street")),
            at(5),
        )
        .unwrap();
    assert_ne!(
        edited.idempotency_key, old_key,
        "a refused key was reused for new content"
    );
    assert_eq!(
        (edited.state.clone(), edited.attempts),
        (ItemState::Queued, 0)
    );
    assert_eq!(store.claim_next(at(5)).unwrap().unwrap().id, first);
    store.mark_sent(first, &receipt(), at(6)).unwrap();
    assert_eq!(store.item(second).unwrap().blocked_by, None);
    assert_eq!(store.claim_next(at(6)).unwrap().unwrap().id, second);
}

#[test]
fn failures_back_off_with_jitter_and_honour_retry_after() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let id = store.enqueue_check_in(check_in("x"), now()).unwrap().id;
    let policy = RetryPolicy::default();
    let mut time = now();
    for attempt in 1..=8u32 {
        let item = store.claim_next(time).unwrap().unwrap();
        assert_eq!(item.attempts, attempt);
        let due = store
            .mark_failed(id, "timeout", None, time)
            .unwrap()
            .unwrap();
        let delay = due.duration_since(time);
        assert!(
            delay >= SignedDuration::ZERO && delay <= policy.ceiling(attempt),
            "{delay:?}"
        );
        let item = store.item(id).unwrap();
        assert_eq!(item.last_failure.as_deref(), Some("timeout"));
        assert_eq!(item.next_attempt_at, Some(due));
        assert_eq!(store.next_attempt_at().unwrap(), Some(due));
        if due > time {
            assert_eq!(
                store.claim_next(time).unwrap(),
                None,
                "claimed before its time"
            );
        }
        time = due;
    }
    store.claim_next(time).unwrap().unwrap();
    let asked = SignedDuration::from_secs(600);
    let due = store
        .mark_failed(id, "rate_limited", Some(asked), time)
        .unwrap()
        .unwrap();
    assert!(due.duration_since(time) >= asked);
    assert_eq!(
        store
            .claim_next(
                time.checked_add(asked - SignedDuration::from_secs(1))
                    .unwrap()
            )
            .unwrap(),
        None
    );
    // A failure reported for an item that is not being sent changes nothing.
    assert_eq!(store.mark_failed(id, "late", None, time).unwrap(), None);
}

#[test]
fn an_interrupted_send_is_queued_again_at_open_with_its_key() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let item = store
        .enqueue_address_change(move_to("9 Ninth St"), now())
        .unwrap();
    store.claim_next(now()).unwrap().unwrap();
    drop(store);
    let mut store = profile.open().unwrap();
    let again = store.item(item.id).unwrap();
    assert_eq!(again.state, ItemState::Queued);
    assert_eq!(again.attempts, 1);
    assert_eq!(again.idempotency_key, item.idempotency_key);
    assert_eq!(again.last_failure.as_deref(), Some("interrupted"));
    assert_eq!(
        store.claim_next(Timestamp::now()).unwrap().unwrap().id,
        item.id
    );
}

#[test]
fn an_attempt_that_found_no_connection_does_not_count() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let item = store.enqueue_check_in(check_in("typo"), now()).unwrap();
    store.claim_next(now()).unwrap().unwrap();
    let due = store
        .release_unsent(item.id, "offline", now())
        .unwrap()
        .unwrap();
    // Released items still back off (full jitter may draw a zero delay,
    // one time in 10,001, so the due time is never before the release).
    assert!(due >= now(), "released items still back off");
    assert!(due <= now() + SignedDuration::from_secs(10));
    let released = store.item(item.id).unwrap();
    assert_eq!(released.state, ItemState::Queued);
    assert_eq!(released.attempts, 0);
    assert_eq!(released.last_failure.as_deref(), Some("offline"));
    assert_eq!(released.idempotency_key, item.idempotency_key);
    // Only a `sending` item can be released.
    assert_eq!(
        store.release_unsent(item.id, "offline", now()).unwrap(),
        None
    );
    // Never sent: still the holder's to fix or drop.
    store.discard(item.id).unwrap();
}

#[test]
fn an_item_parked_as_not_authorised_after_a_lost_answer_stays_in_doubt() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let not_authorised = ParkReason::NotAuthorized {
        code: "unknown_wallet".to_owned(),
    };
    // Refused on its first attempt: the portal never took it.
    let first = store.enqueue_check_in(check_in("a"), now()).unwrap();
    store.claim_next(now()).unwrap().unwrap();
    store.park(first.id, &not_authorised).unwrap();
    store.discard(first.id).unwrap();
    // An earlier attempt's answer was lost: it may be at the court.
    let doubtful = store.enqueue_check_in(check_in("b"), now()).unwrap();
    store.claim_next(now()).unwrap().unwrap();
    store
        .mark_failed(doubtful.id, "interrupted", None, now())
        .unwrap();
    store.resend(doubtful.id, now()).unwrap();
    store.claim_next(now()).unwrap().unwrap();
    store.park(doubtful.id, &not_authorised).unwrap();
    assert_eq!(
        store.discard(doubtful.id).unwrap_err().code(),
        "not_allowed"
    );
    let edit = store.edit(
        doubtful.id,
        Submission::CheckIn {
            checked_in_at: now(),
            check_in: check_in("c"),
        },
        now(),
    );
    assert_eq!(edit.unwrap_err().code(), "not_allowed");
    assert_eq!(
        store.resend(doubtful.id, now()).unwrap().idempotency_key,
        doubtful.idempotency_key
    );
}

#[test]
fn edit_and_discard_never_touch_an_item_the_portal_may_hold() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let fresh = store.enqueue_check_in(check_in("first"), now()).unwrap();
    // Never sent: edit keeps the key, discard is allowed.
    let edited = store
        .edit(
            fresh.id,
            Submission::CheckIn {
                checked_in_at: now(),
                check_in: check_in("second"),
            },
            now(),
        )
        .unwrap();
    assert_eq!(edited.idempotency_key, fresh.idempotency_key);
    assert_eq!(
        store
            .edit(
                fresh.id,
                Submission::AddressChange(move_to("1 A St")),
                now()
            )
            .unwrap_err()
            .code(),
        "wrong_kind"
    );

    // In doubt (a send started, then failed): only resend.
    store.claim_next(now()).unwrap().unwrap();
    for error in [
        store.discard(fresh.id).unwrap_err(),
        store
            .edit(
                fresh.id,
                Submission::CheckIn {
                    checked_in_at: now(),
                    check_in: check_in("3"),
                },
                now(),
            )
            .unwrap_err(),
    ] {
        assert_eq!(error.code(), "not_allowed", "while sending: {error}");
    }
    store.mark_failed(fresh.id, "timeout", None, now()).unwrap();
    assert_eq!(store.discard(fresh.id).unwrap_err().code(), "not_allowed");
    let resent = store.resend(fresh.id, at(1)).unwrap();
    assert_eq!(resent.next_attempt_at, Some(at(1)));
    assert_eq!(resent.idempotency_key, fresh.idempotency_key);

    // Sent: nothing but history.
    store.claim_next(at(1)).unwrap().unwrap();
    store.mark_sent(fresh.id, &receipt(), at(2)).unwrap();
    store.mark_sent(fresh.id, &receipt(), at(3)).unwrap();
    assert_eq!(store.item(fresh.id).unwrap().sent_at, Some(at(2)));
    assert_eq!(store.item(fresh.id).unwrap().receipt, Some(receipt()));
    assert_eq!(store.discard(fresh.id).unwrap_err().code(), "not_allowed");
    assert_eq!(
        store.resend(fresh.id, at(4)).unwrap_err().code(),
        "not_allowed"
    );

    // Parked: resend keeps the key; discard removes it.
    let parked = store.enqueue_check_in(check_in("p"), at(5)).unwrap();
    store.claim_next(at(5)).unwrap().unwrap();
    store.park(parked.id, &refused()).unwrap();
    assert_eq!(
        store.park(parked.id, &refused()).unwrap_err().code(),
        "not_allowed"
    );
    let back = store.resend(parked.id, at(6)).unwrap();
    assert_eq!(
        (back.state, back.idempotency_key),
        (ItemState::Queued, parked.idempotency_key)
    );
    store.claim_next(at(6)).unwrap().unwrap();
    store.park(parked.id, &ParkReason::KeyConflict).unwrap();
    store.discard(parked.id).unwrap();
    assert_eq!(store.item(parked.id).unwrap_err().code(), "no_such_item");
    assert_eq!(
        store.discard(ItemId(999)).unwrap_err().code(),
        "no_such_item"
    );
}

#[test]
fn the_address_change_deadline_is_exposed() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let item = store
        .enqueue_address_change(move_to("5 Fifth St"), now())
        .unwrap();
    let Submission::AddressChange(change) = &item.submission else {
        panic!("not an address change");
    };
    assert_eq!(change.due_on(), date(2026, 11, 25));
    let status = item
        .deadline(date(2026, 11, 24), &jiff::tz::TimeZone::UTC)
        .unwrap();
    assert_eq!(
        (status.days_left, status.state),
        (1, DeadlineState::DueSoon)
    );
    let late = item
        .deadline(date(2026, 11, 27), &jiff::tz::TimeZone::UTC)
        .unwrap();
    assert_eq!(late.state, DeadlineState::Overdue);
    assert!(
        store
            .enqueue_check_in(check_in("c"), now())
            .unwrap()
            .deadline(date(2026, 11, 24), &jiff::tz::TimeZone::UTC)
            .is_none()
    );
}

#[test]
fn the_stored_body_is_what_will_be_sent() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let item = store
        .enqueue_check_in(check_in("en la oficina"), now())
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&item.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"checked_in_at": "2026-11-22T12:00:00Z", "note": "en la oficina"})
    );
    let change = store
        .enqueue_address_change(move_to("7 Seventh St"), now())
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&change.body).unwrap();
    assert_eq!(body["moved_on"], "2026-11-20");
    assert_eq!(body["address"]["state"], "TX");
}
