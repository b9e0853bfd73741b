//! The wallet store through its public API: opening and refusing files,
//! sealing, the card, trust data, hearings and the outbox rules.

mod common;

use common::*;
use docket_core::hearings::{HearingStatus, parse_hearings_json};
use docket_core::outbox::{
    AddressChange, CheckIn, DeadlineState, ItemId, ItemKind, ItemState, ParkReason, Receipt,
    RetryPolicy, Submission, UsAddress,
};
use docket_core::store::{
    DATABASE_CREATED_NAME, DATABASE_KEY_NAME, FileSecretStore, MAX_SECRET_LEN, SCHEMA_VERSION,
    SecretStore, Store, StoreError, TrustData,
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

// ------------------------------------- issue 14: missing, emptied, orphaned

/// Every file in the profile folder (not the secret store's), with its
/// size and digest: what a refusal must leave exactly as it was.
fn folder(profile: &Profile) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(profile.dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            format!(
                "{}: {} bytes, {}",
                path.file_name().unwrap().to_string_lossy(),
                bytes.len(),
                hex::encode(sha2::Sha256::digest(&bytes))
            )
        })
        .collect();
    files.sort();
    files
}

fn wal_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

#[test]
fn issue_14_1_a_deleted_database_next_to_its_key_is_refused_and_nothing_is_created() {
    let profile = Profile::with_one_item();
    std::fs::remove_file(profile.db()).unwrap();
    let before = folder(&profile);
    let key = profile.secrets.load(DATABASE_KEY_NAME).unwrap();
    for _ in 0..2 {
        let error = profile.open().unwrap_err();
        assert_eq!(error.code(), "database_missing", "{error}");
        assert!(!profile.db().exists(), "a new database was created");
        assert_eq!(folder(&profile), before, "a file was created");
        assert_eq!(profile.secrets.load(DATABASE_KEY_NAME).unwrap(), key);
    }
}

#[test]
fn issue_14_1_an_emptied_database_next_to_its_key_is_refused_and_left_as_it_is() {
    let profile = Profile::with_one_item();
    std::fs::File::create(profile.db()).unwrap();
    let before = folder(&profile);
    let error = profile.open().unwrap_err();
    assert_eq!(error.code(), "database_missing", "{error}");
    assert_eq!(std::fs::metadata(profile.db()).unwrap().len(), 0);
    assert_eq!(folder(&profile), before);
}

/// A crash image: the database and its write-ahead log copied while the
/// store is open, so the log holds commits the main file does not.
fn crash_image(profile: &Profile) -> Profile {
    let image = Profile::new();
    let mut store = profile.open().unwrap();
    store
        .enqueue_check_in(check_in("only in the log"), now())
        .unwrap();
    assert!(std::fs::metadata(wal_of(&profile.db())).unwrap().len() > 0);
    for suffix in ["", "-wal"] {
        std::fs::copy(
            format!("{}{suffix}", profile.db().display()),
            format!("{}{suffix}", image.db().display()),
        )
        .unwrap();
    }
    drop(store);
    let key = profile.secrets.load(DATABASE_KEY_NAME).unwrap().unwrap();
    image.secrets.save(DATABASE_KEY_NAME, &key).unwrap();
    image
}

#[test]
fn issue_14_1_a_log_left_without_its_database_is_refused() {
    let profile = Profile::with_one_item();
    // The image itself opens, with the item that is only in its log.
    let image = crash_image(&profile);
    assert_eq!(image.open().unwrap().pending().unwrap().len(), 2);

    for emptied in [false, true] {
        let image = crash_image(&profile);
        if emptied {
            std::fs::File::create(image.db()).unwrap();
        } else {
            std::fs::remove_file(image.db()).unwrap();
        }
        let before = folder(&image);
        let error = image.open().unwrap_err();
        assert_eq!(
            error.code(),
            "log_without_database",
            "emptied {emptied}: {error}"
        );
        assert_eq!(folder(&image), before, "emptied {emptied}: files changed");
    }
}

#[test]
fn a_creation_that_crashed_before_committing_is_completed_under_its_saved_key() {
    let profile = Profile::new();
    // The key was saved, then the app died before the database existed.
    profile.secrets.save(DATABASE_KEY_NAME, &[7; 32]).unwrap();
    let mut store = profile.open().unwrap();
    store.enqueue_check_in(check_in("x"), now()).unwrap();
    drop(store);
    assert_eq!(
        profile
            .secrets
            .load(DATABASE_KEY_NAME)
            .unwrap()
            .unwrap()
            .as_slice(),
        &[7; 32]
    );
    assert_eq!(profile.open().unwrap().pending().unwrap().len(), 1);
}

#[test]
fn issue_14_1_start_over_is_the_only_way_to_a_new_wallet_and_never_over_data() {
    let profile = Profile::with_one_item();
    let old_key = profile.secrets.load(DATABASE_KEY_NAME).unwrap().unwrap();
    // Never over a database that holds anything, damaged or not.
    let before = folder(&profile);
    assert_eq!(
        Store::start_over(&profile.db(), &profile.secrets)
            .unwrap_err()
            .code(),
        "database_exists"
    );
    std::fs::write(profile.db(), b"not even a database").unwrap();
    let damaged = folder(&profile);
    assert_ne!(damaged, before);
    assert_eq!(
        Store::start_over(&profile.db(), &profile.secrets)
            .unwrap_err()
            .code(),
        "database_exists"
    );
    assert_eq!(folder(&profile), damaged);
    assert_eq!(
        profile.secrets.load(DATABASE_KEY_NAME).unwrap().unwrap(),
        old_key,
        "a refused start-over changed the key"
    );

    // Once the data is gone, starting over makes a new, empty wallet
    // under a new key, which then opens like any other.
    std::fs::remove_file(profile.db()).unwrap();
    assert_eq!(profile.open().unwrap_err().code(), "database_missing");
    let mut store = Store::start_over(&profile.db(), &profile.secrets).unwrap();
    assert!(store.pending().unwrap().is_empty());
    store.enqueue_check_in(check_in("y"), now()).unwrap();
    drop(store);
    assert_ne!(
        profile.secrets.load(DATABASE_KEY_NAME).unwrap().unwrap(),
        old_key
    );
    assert_eq!(profile.open().unwrap().pending().unwrap().len(), 1);
    // And that wallet is protected like the first one.
    std::fs::remove_file(profile.db()).unwrap();
    assert_eq!(profile.open().unwrap_err().code(), "database_missing");

    // A log without its database is never started over either.
    let image = crash_image(&Profile::with_one_item());
    std::fs::remove_file(image.db()).unwrap();
    assert_eq!(
        Store::start_over(&image.db(), &image.secrets)
            .unwrap_err()
            .code(),
        "log_without_database"
    );
}

#[test]
fn issue_14_1_a_start_over_that_crashed_before_its_database_committed_is_finished_by_open() {
    let profile = Profile::with_one_item();
    std::fs::remove_file(profile.db()).unwrap();
    // What start_over leaves if it dies right after saving the new key:
    // the old marker names the old key.
    profile.secrets.save(DATABASE_KEY_NAME, &[5; 32]).unwrap();
    let mut store = profile.open().unwrap();
    assert!(store.pending().unwrap().is_empty());
    store.enqueue_check_in(check_in("z"), now()).unwrap();
    drop(store);
    assert_eq!(
        profile
            .secrets
            .load(DATABASE_KEY_NAME)
            .unwrap()
            .unwrap()
            .as_slice(),
        &[5; 32]
    );
    std::fs::remove_file(profile.db()).unwrap();
    assert_eq!(profile.open().unwrap_err().code(), "database_missing");
}

#[test]
fn issue_14_1_a_marker_that_is_not_a_digest_still_says_a_database_was_made() {
    let profile = Profile::with_one_item();
    std::fs::remove_file(profile.db()).unwrap();
    for marker in [&b""[..], &[1; 31], &[1; 33]] {
        profile.secrets.save(DATABASE_CREATED_NAME, marker).unwrap();
        assert_eq!(profile.open().unwrap_err().code(), "database_missing");
        assert!(!profile.db().exists());
    }
}

#[test]
fn issue_14_1_a_database_from_before_the_marker_gets_one_when_it_opens() {
    let profile = Profile::with_one_item();
    // As a database created by an earlier version of the app: no marker.
    std::fs::remove_file(
        profile
            .dir
            .path()
            .join("secrets")
            .join(format!("{DATABASE_CREATED_NAME}.secret")),
    )
    .unwrap();
    assert_eq!(profile.open().unwrap().pending().unwrap().len(), 1);
    assert!(
        profile
            .secrets
            .load(DATABASE_CREATED_NAME)
            .unwrap()
            .is_some()
    );
    std::fs::remove_file(profile.db()).unwrap();
    assert_eq!(profile.open().unwrap_err().code(), "database_missing");
}

// ------------------------------------------- issue 14: keys and key checks

#[test]
fn issue_14_3_a_damaged_key_is_key_damaged_not_wrong_key() {
    let profile = Profile::with_one_item();
    let before = snapshot(&profile.db());
    let key_file = profile
        .dir
        .path()
        .join("secrets")
        .join(format!("{DATABASE_KEY_NAME}.secret"));
    for bad in [0, 1, 7, 31, 33, 64, MAX_SECRET_LEN, MAX_SECRET_LEN + 1] {
        std::fs::write(&key_file, vec![9; bad]).unwrap();
        let error = profile.open().unwrap_err();
        assert_eq!(error.code(), "key_damaged", "{bad} bytes: {error}");
    }
    // A well-formed key that does not open this database is a wrong key.
    profile.secrets.save(DATABASE_KEY_NAME, &[9; 32]).unwrap();
    assert_eq!(profile.open().unwrap_err().code(), "wrong_key");
    assert_eq!(snapshot(&profile.db()), before);

    // A damaged key found before the database exists creates nothing.
    let fresh = Profile::new();
    fresh.secrets.save(DATABASE_KEY_NAME, &[]).unwrap();
    assert_eq!(fresh.open().unwrap_err().code(), "key_damaged");
    assert!(!fresh.db().exists());
}

#[test]
fn issue_14_3_a_damaged_or_missing_key_check_is_corrupt_not_wrong_key() {
    let profile = Profile::with_one_item();
    let good: Vec<u8> = {
        let conn = rusqlite::Connection::open(profile.db()).unwrap();
        conn.query_row("SELECT value FROM meta WHERE name = 'key_check'", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let mut wrong_format = good.clone();
    wrong_format[0] = 0x02;
    let mut longer = good.clone();
    longer.push(0);
    let cases: [(&str, Option<Vec<u8>>); 6] = [
        ("missing", None),
        ("empty", Some(Vec::new())),
        ("one byte", Some(vec![0x01])),
        ("wrong format byte", Some(wrong_format)),
        ("cut short", Some(good[..good.len() - 1].to_vec())),
        ("one byte longer", Some(longer)),
    ];
    for (what, value) in cases {
        {
            let conn = rusqlite::Connection::open(profile.db()).unwrap();
            match &value {
                Some(value) => conn
                    .execute(
                        "INSERT OR REPLACE INTO meta (name, value) VALUES ('key_check', ?1)",
                        [value],
                    )
                    .unwrap(),
                None => conn
                    .execute("DELETE FROM meta WHERE name = 'key_check'", [])
                    .unwrap(),
            };
        }
        let before = snapshot(&profile.db());
        let error = profile.open().unwrap_err();
        assert_eq!(error.code(), "corrupt", "{what}: {error}");
        assert_eq!(snapshot(&profile.db()), before, "{what}: file changed");
    }
    // Restored, it opens again: nothing else was touched.
    {
        let conn = rusqlite::Connection::open(profile.db()).unwrap();
        conn.execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES ('key_check', ?1)",
            [&good],
        )
        .unwrap();
    }
    assert_eq!(profile.open().unwrap().pending().unwrap().len(), 1);
}

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

// ------------------------------------------ issue 14: one unreadable item

/// Flips the last byte of one sealed column of one outbox row: a
/// well-formed sealed value whose authentication fails, as a damaged
/// sector or a bad write would leave it.
fn damage(profile: &Profile, column: &str, id: ItemId) {
    let conn = rusqlite::Connection::open(profile.db()).unwrap();
    let mut value: Vec<u8> = conn
        .query_row(
            &format!("SELECT {column} FROM outbox WHERE id = ?1"),
            [id.0],
            |row| row.get(0),
        )
        .unwrap();
    *value.last_mut().unwrap() ^= 0x01;
    conn.execute(
        &format!("UPDATE outbox SET {column} = ?2 WHERE id = ?1"),
        rusqlite::params![id.0, value],
    )
    .unwrap();
}

#[test]
fn issue_14_4_one_unreadable_item_is_listed_parked_and_the_others_flow() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let first = store.enqueue_check_in(check_in("a"), at(0)).unwrap().id;
    let broken = store.enqueue_check_in(check_in("b"), at(1)).unwrap();
    let third = store.enqueue_check_in(check_in("c"), at(2)).unwrap().id;
    let moved = store
        .enqueue_address_change(move_to("4 Fourth St"), at(3))
        .unwrap()
        .id;
    drop(store);
    damage(&profile, "body_sealed", broken.id);

    let mut store = profile.open().unwrap();
    let pending = store.pending().unwrap();
    let ids: Vec<ItemId> = pending.iter().map(|i| i.id).collect();
    assert_eq!(ids, [first, broken.id, third, moved]);
    let listed = store.item(broken.id).unwrap();
    assert_eq!(pending[1], listed);
    assert_eq!(
        listed.submission,
        Submission::Unreadable {
            kind: ItemKind::CheckIn
        }
    );
    assert_eq!(listed.kind(), ItemKind::CheckIn);
    assert_eq!(listed.created_at, at(1));
    assert_eq!(listed.idempotency_key, broken.idempotency_key);
    assert!(listed.body.is_empty(), "an unreadable item has a body");
    // Shown parked at once: it will never be sent.
    assert_eq!(
        listed.state,
        ItemState::NeedsAttention(ParkReason::Unreadable)
    );
    assert_eq!(listed.next_attempt_at, None);
    assert_eq!(
        listed.deadline(date(2026, 11, 24), &jiff::tz::TimeZone::UTC),
        None
    );

    // The drain sends the others, in order, and parks the damaged one on
    // the way (inside the claim's transaction).
    let mut sent = Vec::new();
    while let Some(item) = store.claim_next(at(10)).unwrap() {
        sent.push(item.id);
        store.mark_sent(item.id, &receipt(), at(11)).unwrap();
    }
    assert_eq!(sent, [first, third, moved]);
    let parked = store.item(broken.id).unwrap();
    assert_eq!(
        parked.state,
        ItemState::NeedsAttention(ParkReason::Unreadable)
    );
    assert_eq!(parked.attempts, 0, "parking it is not an attempt");
    assert_eq!(store.pending().unwrap().len(), 1);
    assert_eq!(store.next_attempt_at().unwrap(), None);
    assert_eq!(store.history().unwrap().len(), 3);
    drop(store);

    // It stays parked across a restart, can never be sent, and the holder
    // can drop it.
    let mut store = profile.open().unwrap();
    assert_eq!(store.claim_next(at(20)).unwrap(), None);
    assert_eq!(
        store.resend(broken.id, at(20)).unwrap_err().code(),
        "not_allowed"
    );
    let edit = store.edit(
        broken.id,
        Submission::CheckIn {
            checked_in_at: at(20),
            check_in: check_in("again"),
        },
        at(20),
    );
    assert_eq!(edit.unwrap_err().code(), "not_allowed");
    store.discard(broken.id).unwrap();
    assert!(store.pending().unwrap().is_empty());
}

#[test]
fn issue_14_4_an_unreadable_address_change_holds_later_ones_until_discarded() {
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
    drop(store);
    damage(&profile, "body_sealed", first);

    let mut store = profile.open().unwrap();
    assert_eq!(store.claim_next(now()).unwrap().unwrap().id, check);
    store.mark_sent(check, &receipt(), now()).unwrap();
    // The first is parked; the second waits for it, visibly.
    assert_eq!(store.claim_next(now()).unwrap(), None);
    assert_eq!(store.item(second).unwrap().blocked_by, Some(first));
    assert_eq!(store.pending().unwrap()[1].blocked_by, Some(first));
    store.discard(first).unwrap();
    assert_eq!(store.claim_next(now()).unwrap().unwrap().id, second);
}

#[test]
fn issue_14_4_an_unreadable_park_reason_or_receipt_does_not_hide_the_item() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let parked = store.enqueue_check_in(check_in("p"), now()).unwrap();
    store.claim_next(now()).unwrap().unwrap();
    store.park(parked.id, &refused()).unwrap();
    let sent = store.enqueue_check_in(check_in("s"), now()).unwrap();
    store.claim_next(now()).unwrap().unwrap();
    store.mark_sent(sent.id, &receipt(), at(1)).unwrap();
    drop(store);
    damage(&profile, "reason_sealed", parked.id);
    damage(&profile, "receipt_sealed", sent.id);

    let mut store = profile.open().unwrap();
    let pending = store.pending().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0].state,
        ItemState::NeedsAttention(ParkReason::AnswerUnreadable)
    );
    assert_eq!(
        pending[0].submission, parked.submission,
        "the body still reads"
    );
    let history = store.history().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].state, ItemState::Sent);
    assert_eq!(history[0].sent_at, Some(at(1)));
    assert_eq!(history[0].receipt, None);
    assert!(history[0].receipt_unreadable);
    assert!(!pending[0].receipt_unreadable);

    // What the court answered is unknown, so the item may be there: it can
    // be sent again under its key (the court answers as before), never
    // dropped or rewritten.
    assert_eq!(store.discard(parked.id).unwrap_err().code(), "not_allowed");
    let edit = store.edit(
        parked.id,
        Submission::CheckIn {
            checked_in_at: at(2),
            check_in: check_in("q"),
        },
        at(2),
    );
    assert_eq!(edit.unwrap_err().code(), "not_allowed");
    let again = store.resend(parked.id, at(2)).unwrap();
    assert_eq!(again.idempotency_key, parked.idempotency_key);
    assert_eq!(again.state, ItemState::Queued);
    // Sent again, the answer comes back and is readable.
    assert_eq!(store.claim_next(at(2)).unwrap().unwrap().id, parked.id);
    store.park(parked.id, &refused()).unwrap();
    assert_eq!(
        store.item(parked.id).unwrap().state,
        ItemState::NeedsAttention(refused())
    );
}

#[test]
fn issue_14_4_an_unreadable_item_cannot_be_queued_or_written_over() {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    let unreadable = Submission::Unreadable {
        kind: ItemKind::CheckIn,
    };
    assert!(store.enqueue(unreadable.clone(), now()).is_err());
    let item = store.enqueue_check_in(check_in("x"), now()).unwrap();
    assert!(store.edit(item.id, unreadable, now()).is_err());
    assert_eq!(store.item(item.id).unwrap(), item);
}

// ------------------------------------------ issue 14: full, read-only disks

#[path = "../../tests/support/troubled_storage.rs"]
mod troubled_storage;
use troubled_storage::{on_troubled_storage, troubled};

/// A profile with something in every table: card, trust data, hearings,
/// enrollment, and a queued, a parked and a sent item.
fn stocked_profile() -> Profile {
    let profile = Profile::new();
    let mut store = profile.open().unwrap();
    store.save_card(&sign(&card(true)), PHOTO, now()).unwrap();
    let (trust_floor, status_floor) = common::store().floors();
    store
        .save_trust_data(&TrustData {
            trust_list: Some(trust_list_bytes()),
            status_list: Some(status_list_bytes()),
            trust_floor,
            status_floor,
        })
        .unwrap();
    let hearings = parse_hearings_json(HEARINGS_JSON.as_bytes()).unwrap();
    store
        .replace_hearings(hearings, Some("\"v1\""), now())
        .unwrap();
    store
        .save_enrollment("https://portal.example.gov", None, now())
        .unwrap();
    let sent = store.enqueue_check_in(check_in("sent"), now()).unwrap().id;
    store.claim_next(now()).unwrap();
    store.mark_sent(sent, &receipt(), now()).unwrap();
    let parked = store
        .enqueue_address_change(move_to("3 Third St"), now())
        .unwrap()
        .id;
    store.claim_next(now()).unwrap();
    store.park(parked, &refused()).unwrap();
    store.enqueue_check_in(check_in("queued"), now()).unwrap();
    profile
}

fn trouble_code(trouble: &str) -> &'static str {
    match trouble {
        "full" => "disk_full",
        "read_only" => "read_only",
        other => panic!("unknown trouble {other}"),
    }
}

/// A secret store in memory, for a database that is not there yet.
#[derive(Default)]
struct MemorySecrets(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>);

impl SecretStore for MemorySecrets {
    fn load(
        &self,
        name: &str,
    ) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, docket_core::store::SecretStoreError> {
        Ok(self.0.lock().unwrap().get(name).cloned().map(Into::into))
    }

    fn save(&self, name: &str, secret: &[u8]) -> Result<(), docket_core::store::SecretStoreError> {
        self.0
            .lock()
            .unwrap()
            .insert(name.to_owned(), secret.to_vec());
        Ok(())
    }
}

/// In the child: the stocked wallet opens read-only, everything reads,
/// and every write is refused with the storage's own error before it
/// writes anything.
fn reads_work_and_every_write_is_refused(dir: &Path, trouble: &str) {
    let code = trouble_code(trouble);
    let db = dir.join("wallet.sqlite");
    let secrets = FileSecretStore::new(dir.join("secrets")).unwrap();
    let before = std::fs::read(&db).unwrap();
    let mut store = Store::open(&db, &secrets).unwrap();
    let expected = match trouble {
        "full" => docket_core::files::StorageProblem::Full,
        _ => docket_core::files::StorageProblem::ReadOnly,
    };
    assert_eq!(store.storage_problem(), Some(expected));

    let pending = store.pending().unwrap();
    let history = store.history().unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(history.len(), 1);
    assert_eq!(pending[0].state, ItemState::NeedsAttention(refused()));
    assert_eq!(history[0].receipt, Some(receipt()));
    let loaded = store.load_card(&common::store(), now()).unwrap().unwrap();
    assert!(loaded.verdict.is_valid(), "{:?}", loaded.verdict.reasons);
    assert_eq!(store.hearing_cache().unwrap().unwrap().hearings.len(), 2);
    assert!(store.enrollment().unwrap().is_some());
    assert!(store.trust_data().unwrap().trust_list.is_some());
    assert!(store.next_attempt_at().unwrap().is_some());

    let (parked, queued, sent) = (pending[0].id, pending[1].id, history[0].id);
    let hearings = parse_hearings_json(HEARINGS_JSON.as_bytes()).unwrap();
    let refusals: Vec<(&str, Result<(), StoreError>)> = vec![
        (
            "enqueue_check_in",
            store.enqueue_check_in(check_in("n"), now()).map(drop),
        ),
        (
            "enqueue_address_change",
            store
                .enqueue_address_change(move_to("5 Fifth St"), now())
                .map(drop),
        ),
        ("claim_next", store.claim_next(now()).map(drop)),
        ("mark_sent", store.mark_sent(queued, &receipt(), now())),
        (
            "mark_failed",
            store.mark_failed(queued, "timeout", None, now()).map(drop),
        ),
        (
            "release_unsent",
            store.release_unsent(queued, "offline", now()).map(drop),
        ),
        ("park", store.park(queued, &refused())),
        ("resend", store.resend(parked, now()).map(drop)),
        ("expedite", store.expedite(now()).map(drop)),
        (
            "edit",
            store
                .edit(
                    queued,
                    Submission::CheckIn {
                        checked_in_at: now(),
                        check_in: check_in("e"),
                    },
                    now(),
                )
                .map(drop),
        ),
        ("discard", store.discard(queued)),
        (
            "save_card",
            store.save_card(&sign(&card(true)), PHOTO, now()),
        ),
        (
            "save_trust_data",
            store.save_trust_data(&TrustData::default()),
        ),
        (
            "replace_hearings",
            store.replace_hearings(hearings, None, now()).map(drop),
        ),
        ("confirm_hearings", store.confirm_hearings(now()).map(drop)),
        (
            "save_enrollment",
            store.save_enrollment("https://other.example.gov", None, now()),
        ),
        ("record_sync", store.record_sync(now())),
    ];
    for (call, result) in refusals {
        let error = result.expect_err(call);
        assert_eq!(error.code(), code, "{call}: {error}");
    }
    // Nothing moved: the same lists, the same bytes.
    assert_eq!(store.pending().unwrap(), pending);
    assert_eq!(store.item(sent).unwrap(), history[0]);
    drop(store);
    assert!(
        std::fs::read(&db).unwrap() == before,
        "the database changed"
    );
    assert_eq!(
        Store::start_over(&db, &secrets).unwrap_err().code(),
        "database_exists"
    );

    // A wallet that does not exist yet cannot be made here: the storage's
    // error, not an input/output one.
    let fresh = MemorySecrets::default();
    let error = Store::open(&dir.join("new.sqlite"), &fresh).unwrap_err();
    assert_eq!(error.code(), code, "{error}");
}

#[test]
fn issue_14_2_a_full_or_read_only_disk_is_its_own_error_and_reads_still_work() {
    if let Some((dir, trouble)) = troubled() {
        return reads_work_and_every_write_is_refused(&dir, &trouble);
    }
    let profile = stocked_profile();
    for trouble in ["full", "read_only"] {
        on_troubled_storage(
            "issue_14_2_a_full_or_read_only_disk_is_its_own_error_and_reads_still_work",
            profile.dir.path(),
            trouble,
        );
    }
}

/// A crash image whose log (and, with `index`, the log's -shm index)
/// holds a check-in the main file does not.
fn image_with_log(index: bool) -> Profile {
    let profile = stocked_profile();
    let image = Profile::new();
    let mut store = profile.open().unwrap();
    store
        .enqueue_check_in(check_in("in the log"), now())
        .unwrap();
    let suffixes: &[&str] = if index {
        &["", "-wal", "-shm"]
    } else {
        &["", "-wal"]
    };
    for suffix in suffixes {
        std::fs::copy(
            format!("{}{suffix}", profile.db().display()),
            format!("{}{suffix}", image.db().display()),
        )
        .unwrap();
    }
    drop(store);
    for name in [DATABASE_KEY_NAME, DATABASE_CREATED_NAME] {
        let secret = profile.secrets.load(name).unwrap().unwrap();
        image.secrets.save(name, &secret).unwrap();
    }
    image
}

#[test]
fn issue_14_2_a_read_only_view_reads_what_is_in_the_log() {
    if let Some((dir, trouble)) = troubled() {
        let secrets = FileSecretStore::new(dir.join("secrets")).unwrap();
        let mut store = Store::open(&dir.join("wallet.sqlite"), &secrets).unwrap();
        if trouble == "read_only" {
            let problem = Some(docket_core::files::StorageProblem::ReadOnly);
            assert_eq!(store.storage_problem(), problem);
        }
        let pending = store.pending().unwrap();
        assert_eq!(pending.len(), 3, "an item in the log is missing");
        assert_eq!(pending[2].idempotency_key.len(), 36);
        let error = store.enqueue_check_in(check_in("more"), now()).unwrap_err();
        assert_eq!(error.code(), trouble_code(&trouble), "{error}");
        assert_eq!(store.pending().unwrap(), pending);
        return;
    }
    let image = image_with_log(true);
    for trouble in ["full", "read_only"] {
        on_troubled_storage(
            "issue_14_2_a_read_only_view_reads_what_is_in_the_log",
            image.dir.path(),
            trouble,
        );
    }
}

#[test]
fn issue_14_2_a_log_that_cannot_be_read_is_never_skipped() {
    if let Some((dir, trouble)) = troubled() {
        // The log's index cannot be made, and reading the main file alone
        // would drop the log's check-in: refused, not shown stale.
        let secrets = FileSecretStore::new(dir.join("secrets")).unwrap();
        let db = dir.join("wallet.sqlite");
        let log = std::fs::read(wal_of(&db)).unwrap();
        let error = Store::open(&db, &secrets).unwrap_err();
        assert_eq!(error.code(), trouble_code(&trouble), "{error}");
        assert!(
            std::fs::read(wal_of(&db)).unwrap() == log,
            "the log changed"
        );
        return;
    }
    let image = image_with_log(false);
    for trouble in ["full", "read_only"] {
        on_troubled_storage(
            "issue_14_2_a_log_that_cannot_be_read_is_never_skipped",
            image.dir.path(),
            trouble,
        );
    }
}
