//! `docket wallet` when the wallet's storage fails it (issue 14): a wallet
//! database deleted or emptied next to its key, a full or read-only disk
//! (a small tmpfs in a private mount namespace), a damaged key, one
//! outbox row that no longer reads back. Queued items are legal records:
//! each case checks that none is lost, none is sent twice, and nothing is
//! made up in their place.

use docket_core::outbox::CheckIn;
use docket_core::store::{FileSecretStore, Store};
mod common;

use common::*;
use docket_portal::admin;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The wallet's database in the case's profile.
fn wallet_db(case: &Case) -> PathBuf {
    case.profile().join("wallet.db")
}

/// Enrolled, with two check-ins and a move queued (never sent).
fn enrolled_with_items(case: &Case) -> Vec<Value> {
    case.enroll();
    case.ok_json(&["check-in", "--note", "first", "--json"]);
    case.ok_json(&["check-in", "--json"]);
    case.ok_json(&[
        "move",
        "--street",
        "12 Oak St",
        "--city",
        "Austin",
        "--state",
        "TX",
        "--zip",
        "78701",
        "--json",
    ]);
    let pending = case.ok_json(&["pending", "--json"]);
    pending.as_array().unwrap().clone()
}

/// The idempotency keys the portal holds, each once per copy received.
fn received_keys(case: &Case) -> Vec<String> {
    let mut keys: Vec<String> = admin::received(&case.portal_db())
        .unwrap()
        .into_iter()
        .map(|r| r.idempotency_key)
        .collect();
    keys.sort();
    keys
}

/// `path` with `suffix` appended (the database's `-wal` and `-shm`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn keys_of(items: &[Value]) -> Vec<String> {
    let mut keys: Vec<String> = items
        .iter()
        .map(|i| i["idempotency_key"].as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    keys
}

/// Every file directly in `dir`, with its bytes.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

// ------------------------------------------------ 1: missing or emptied

#[test]
fn issue_14_1_a_deleted_or_emptied_wallet_db_is_refused_and_nothing_is_created() {
    let case = Case::new();
    enrolled_with_items(&case);
    // The database deleted while its log still held commits: that log may
    // hold the only copy of an item, and SQLite would delete it.
    let log = sibling(&wallet_db(&case), "-wal");
    let secrets = FileSecretStore::new(case.profile().join("secrets")).unwrap();
    let mut store = Store::open(&wallet_db(&case), &secrets).unwrap();
    let in_log = CheckIn::new(Some("only in the log")).unwrap();
    store
        .enqueue_check_in(in_log, jiff::Timestamp::now())
        .unwrap();
    let log_bytes = std::fs::read(&log).unwrap();
    assert!(!log_bytes.is_empty());
    drop(store);
    std::fs::remove_file(wallet_db(&case)).unwrap();
    std::fs::write(&log, &log_bytes).unwrap();
    let before = files_in(&case.profile());
    for args in [&["pending"][..], &["check-in"], &["start-over", "--yes"]] {
        one_line_error(&case.wallet(args), "log file is here without");
        assert_eq!(files_in(&case.profile()), before, "{args:?}");
    }

    // All of the wallet's files gone, its keys still here.
    std::fs::remove_file(&log).unwrap();
    let _ = std::fs::remove_file(sibling(&wallet_db(&case), "-shm"));
    let before = files_in(&case.profile());
    for args in [
        &["pending", "--json"][..],
        &["show"],
        &["check-in", "--note", "after"],
        &["sync"],
    ] {
        one_line_error(&case.wallet(args), "wallet data is missing");
        assert!(!wallet_db(&case).exists(), "{args:?} created a database");
        assert_eq!(files_in(&case.profile()), before, "{args:?}");
    }
    // Enrolling again would make a new wallet just the same: refused.
    one_line_error(
        &case.wallet(&[
            "enroll",
            "--portal",
            &case.url,
            "--card-qr",
            &case.card_qr,
            "--code",
            &case.code,
        ]),
        "wallet data is missing",
    );
    assert!(!wallet_db(&case).exists());

    std::fs::File::create(wallet_db(&case)).unwrap();
    one_line_error(&case.wallet(&["pending"]), "wallet data is missing");
    assert_eq!(std::fs::metadata(wallet_db(&case)).unwrap().len(), 0);

    // The way out is explicit, confirmed, and makes an empty wallet.
    one_line_error(&case.wallet(&["start-over"]), "--yes");
    assert_eq!(std::fs::metadata(wallet_db(&case)).unwrap().len(), 0);
    let started = case.ok_json(&["start-over", "--yes", "--json"]);
    assert_eq!(started["started_over"], true);
    assert_eq!(
        case.ok_json(&["pending", "--json"]),
        Value::Array(Vec::new())
    );
    one_line_error(&case.wallet(&["show"]), "enroll first");
    // And never over wallet data.
    one_line_error(&case.wallet(&["start-over", "--yes"]), "never replaces");
}

// ----------------------------------------------------------- 3: the key

#[test]
fn issue_14_3_an_empty_key_file_is_a_damaged_key_not_a_wrong_one() {
    let case = Case::new();
    enrolled_with_items(&case);
    let key = case.profile().join("secrets/wallet-database-key.secret");
    std::fs::write(&key, b"").unwrap();
    let before = std::fs::read(wallet_db(&case)).unwrap();
    one_line_error(
        &case.wallet(&["pending"]),
        "key for the wallet data is damaged",
    );
    assert!(
        std::fs::read(wallet_db(&case)).unwrap() == before,
        "the database changed"
    );
}

// ---------------------------------------------------- 4: one damaged row

#[test]
fn issue_14_4_one_unreadable_item_is_listed_and_sync_delivers_the_others() {
    let case = Case::new();
    let items = enrolled_with_items(&case);
    let broken = items[1]["id"].as_i64().unwrap();
    {
        let conn = rusqlite::Connection::open(wallet_db(&case)).unwrap();
        let mut body: Vec<u8> = conn
            .query_row(
                "SELECT body_sealed FROM outbox WHERE id = ?1",
                [broken],
                |r| r.get(0),
            )
            .unwrap();
        *body.last_mut().unwrap() ^= 1;
        conn.execute(
            "UPDATE outbox SET body_sealed = ?2 WHERE id = ?1",
            rusqlite::params![broken, body],
        )
        .unwrap();
    }

    let pending = case.ok_json(&["pending", "--json"]);
    let pending = pending.as_array().unwrap();
    assert_eq!(keys_of(pending), keys_of(&items), "an item went missing");
    let shown = &pending[1];
    assert_eq!(shown["id"], broken);
    assert_eq!(shown["kind"], "check_in");
    assert_eq!(shown["state"], "needs_attention");
    assert_eq!(shown["reason"]["code"], "stored_item_unreadable");
    assert_eq!(shown["summary"], "unreadable check-in");
    let shown_json = case.ok_json(&["show", "--json"]);
    assert_eq!(shown_json["pending"], 3);

    // The others go, once each; the damaged one never does.
    let synced = case.wallet(&["sync", "--json"]);
    assert_eq!(synced.status.code(), Some(1), "{synced:?}");
    let summary: Value = serde_json::from_slice(&synced.stdout).unwrap();
    assert_eq!(summary["sent"], 2);
    assert_eq!(summary["still_pending"], 1);
    let mut delivered: Vec<Value> = items.clone();
    delivered.remove(1);
    assert_eq!(received_keys(&case), keys_of(&delivered));

    // The holder drops it; nothing else is left to send.
    let id = broken.to_string();
    one_line_error(&case.wallet(&["resend", &id]), "could not be read back");
    case.ok_json(&["discard", &id, "--json"]);
    assert_eq!(
        case.ok_json(&["pending", "--json"]),
        Value::Array(Vec::new())
    );
    assert_eq!(
        case.ok_json(&["history", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let again = case.wallet(&["sync", "--json"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert_eq!(received_keys(&case), keys_of(&delivered));
}

// ------------------------------------------------- 2: full and read-only

#[path = "../../tests/support/troubled_storage.rs"]
mod troubled_storage;
use troubled_storage::{on_troubled_storage, troubled};

/// In the child: every reading command reads, every writing one is
/// refused with the storage's own one-line error and changes nothing;
/// once the storage is healthy again, everything queued is still there.
fn reading_works_and_writing_is_refused(profile: &Path, trouble: &str) {
    let (code, words) = match trouble {
        "full" => ("disk_full", "out of storage"),
        "read_only" => ("read_only", "read-only"),
        other => panic!("unknown trouble {other}"),
    };
    let db = profile.join("wallet.db");
    let before = std::fs::read(&db).unwrap();
    // Closed cleanly, the database has no -wal or -shm, and SQLite cannot
    // make them: it opens read-only. Left open (as a killed app leaves
    // it), a full disk still lets SQLite open read-write with the index it
    // has, and only the writes fail.
    let closed_cleanly = !sibling(&db, "-shm").exists();
    let opened_read_only = closed_cleanly || trouble == "read_only";

    let shown = ok_json_in(profile, &["show", "--json"]);
    assert_eq!(shown["valid"], true, "{shown}");
    assert_eq!(shown["pending"], 3);
    let expected = if opened_read_only {
        Value::from(code)
    } else {
        Value::Null
    };
    assert_eq!(
        shown["storage_problem"], expected,
        "closed {closed_cleanly}"
    );
    let pending = ok_json_in(profile, &["pending", "--json"]);
    let pending = pending.as_array().unwrap().clone();
    assert_eq!(pending.len(), 3);
    assert_eq!(
        ok_json_in(profile, &["history", "--json"]),
        Value::Array(Vec::new())
    );
    let hearings = ok_json_in(profile, &["hearings", "--json"]);
    assert_eq!(hearings["upcoming"].as_array().unwrap().len(), 1);
    let live = ok_json_in(profile, &["qr", "--json"]);
    assert!(live["text"].as_str().unwrap().starts_with("SC1:"));

    let id = pending[0]["id"].to_string();
    for args in [
        &["check-in", "--note", "refused"][..],
        &[
            "move", "--street", "1 Elm St", "--city", "Austin", "--state", "TX", "--zip", "78701",
        ],
        &["sync"],
        &["resend", &id],
        &["discard", &id],
    ] {
        if trouble == "full" {
            fill_up(profile);
        }
        one_line_error(&wallet_in(profile, args), words);
    }
    // Read-only, nothing can change the file; read-write on a full disk,
    // closing may fold the log into it (the same data), so there the test
    // is what it holds.
    if opened_read_only {
        assert!(
            std::fs::read(&db).unwrap() == before,
            "the database changed"
        );
    }
    assert_eq!(
        ok_json_in(profile, &["pending", "--json"]),
        Value::Array(pending.clone())
    );

    // Healthy again: the same items, and new ones are taken.
    match trouble {
        "full" => std::fs::remove_file(profile.join("fill")).unwrap(),
        _ => {
            let remounted = Command::new("mount")
                .args(["-o", "remount,rw"])
                .arg(profile)
                .status()
                .unwrap();
            assert!(remounted.success());
        }
    }
    ok_json_in(profile, &["check-in", "--note", "later", "--json"]);
    let after = ok_json_in(profile, &["pending", "--json"]);
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), 4);
    assert_eq!(&after[..3], &pending[..]);
    let shown = ok_json_in(profile, &["show", "--json"]);
    assert_eq!(shown["storage_problem"], Value::Null);
}

/// Takes whatever space the disk has left, so the next write meets a
/// full disk (a command that closed its database cleanly may have freed
/// the log's space).
fn fill_up(dir: &Path) {
    use std::io::Write;
    let mut fill = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("fill"))
        .unwrap();
    let block = [0u8; 4096];
    loop {
        match fill.write(&block) {
            Ok(0) => break,
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::StorageFull => break,
            Err(error) => panic!("filling the disk: {error}"),
        }
    }
}

#[test]
fn issue_14_2_a_full_or_read_only_disk_is_named_and_reading_commands_still_read() {
    if let Some((dir, trouble)) = troubled() {
        return reading_works_and_writing_is_refused(&dir, &trouble);
    }
    let case = Case::new();
    let items = enrolled_with_items(&case);
    let name = "issue_14_2_a_full_or_read_only_disk_is_named_and_reading_commands_still_read";
    // Copied while a store has it open (as an app killed mid-session
    // leaves it): a log with a commit in it, and the log's index.
    let secrets = FileSecretStore::new(case.profile().join("secrets")).unwrap();
    let mut store = Store::open(&wallet_db(&case), &secrets).unwrap();
    // A time unlike the one stored at enrollment: SQLite writes nothing
    // for an update that leaves the row as it was (enrolled in this same
    // second, the log stayed empty, now and then).
    store
        .record_sync(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1))
        .unwrap();
    let log = std::fs::metadata(sibling(&wallet_db(&case), "-wal")).map(|m| m.len());
    assert!(matches!(log, Ok(len) if len > 0), "{log:?}");
    assert!(sibling(&wallet_db(&case), "-shm").exists());
    for trouble in ["full", "read_only"] {
        on_troubled_storage(name, &case.profile(), trouble);
    }
    // Closed cleanly: only the database file.
    drop(store);
    assert!(
        !sibling(&wallet_db(&case), "-wal").exists()
            && !sibling(&wallet_db(&case), "-shm").exists()
    );
    for trouble in ["full", "read_only"] {
        on_troubled_storage(name, &case.profile(), trouble);
    }
    // Nothing reached the portal while writes were refused (a sync would
    // have had to claim an item first), and the profile here still holds
    // every item, unsent: it syncs each exactly once.
    assert_eq!(received_keys(&case), Vec::<String>::new());
    let synced = case.ok_json(&["sync", "--json"]);
    assert_eq!(synced["sent"], 3);
    assert_eq!(received_keys(&case), keys_of(&items));
}
