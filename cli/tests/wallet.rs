//! `docket wallet` end to end against the reference portal on loopback:
//! enrollment, the card, the live QR verified from its PNG, hearings,
//! the outbox through sync, and every kind of bad input the commands take.

mod common;

use common::*;
use docket_portal::{PortalThread, admin};
use serde_json::Value;
use std::process::Command;

#[test]
fn enroll_show_qr_and_hearings() {
    let case = Case::new();
    let enrolled = case.enroll();
    assert_eq!(enrolled["enrolled"], true);
    assert_eq!(enrolled["hearings"], 1);
    assert_eq!(enrolled["holder"]["family_name"], "Nguyễn");
    assert!(
        enrolled["pinned_root"].is_string(),
        "no --root: pinned on first use"
    );

    let shown = case.ok_json(&["show", "--json"]);
    assert_eq!(shown["valid"], true);
    assert_eq!(shown["portal"], case.url.as_str());
    assert_eq!(shown["pending"], 0);

    let png = case.dir.path().join("live.png");
    let qr = case.ok_json(&["qr", "--png", png.to_str().unwrap(), "--json"]);
    assert!(qr["text"].as_str().unwrap().starts_with("SC1:"));
    let issuer = case.dir.path().join("issuer");
    let verified = Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["verify", "--trust", issuer.to_str().unwrap(), "--json"])
        .arg(&png)
        .output()
        .unwrap();
    let verdict: Value = serde_json::from_slice(&verified.stdout).unwrap();
    assert_eq!(verdict["verdict"], "valid", "{verdict}");
    assert_eq!(verdict["form"], "live");

    let hearings = case.ok_json(&["hearings", "--refresh", "--json"]);
    assert_eq!(hearings["upcoming"].as_array().unwrap().len(), 1);
    assert_eq!(hearings["upcoming"][0]["id"], "H-1");
    assert_eq!(hearings["staleness"]["level"], "fresh");
    assert_eq!(hearings["changes"].as_array().unwrap().len(), 0);

    // A second enrollment of the same profile is refused, nothing changed.
    let again = case.wallet(&[
        "enroll",
        "--portal",
        &case.url,
        "--card-qr",
        &case.card_qr,
        "--code",
        &case.code,
    ]);
    one_line_error(&again, "already holds an enrolled card");
}

#[test]
fn queue_offline_then_sync_exactly_once() {
    let mut case = Case::new();
    case.enroll();
    let item = case.ok_json(&["check-in", "--note", "at the shelter", "--json"]);
    assert_eq!(item["kind"], "check_in");
    assert_eq!(item["state"], "queued");
    let moved = case.ok_json(&[
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
    assert_eq!(moved["kind"], "address_change");

    // The portal goes away: sync fails fast, exit 1, items stay queued.
    let portal = case.portal.take().unwrap();
    let addr = portal.addr();
    let config = case.portal_config();
    portal.stop();
    let offline = case.wallet(&["sync", "--deadline", "5", "--json"]);
    assert_eq!(offline.status.code(), Some(1));
    let summary: Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(summary["stop"], "offline");
    let pending = case.ok_json(&["pending", "--json"]);
    let pending = pending.as_array().unwrap();
    assert_eq!(pending.len(), 2);
    for item in pending {
        assert_eq!(item["state"], "queued");
        for field in ["id", "kind", "attempts", "idempotency_key"] {
            assert!(item.get(field).is_some(), "{field} missing in {item}");
        }
    }

    case.portal = Some(PortalThread::start(config, addr).unwrap());
    let synced = case.ok_json(&["sync", "--json"]);
    assert_eq!(synced["sent"], 2);
    assert_eq!(synced["still_pending"], 0);
    assert_eq!(
        case.ok_json(&["pending", "--json"]),
        Value::Array(Vec::new())
    );
    let history = case.ok_json(&["history", "--json"]);
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    let received = admin::received(&case.portal_db()).unwrap();
    assert_eq!(received.len(), 2);
    for item in history {
        assert_eq!(item["state"], "sent");
        let key = item["idempotency_key"].as_str().unwrap();
        let copies: Vec<_> = received
            .iter()
            .filter(|r| r.idempotency_key == key)
            .collect();
        assert_eq!(copies.len(), 1);
        assert_eq!(item["reference"], copies[0].reference.as_str());
    }
    // A sent item can be neither resent nor discarded.
    let id = history[0]["id"].to_string();
    one_line_error(&case.wallet(&["resend", &id]), "already has it");
    one_line_error(&case.wallet(&["discard", &id]), "already has it");
}

#[test]
fn discard_before_the_first_send() {
    let case = Case::new();
    case.enroll();
    let item = case.ok_json(&["check-in", "--json"]);
    let id = item["id"].to_string();
    let discarded = case.ok_json(&["discard", &id, "--json"]);
    assert_eq!(discarded["discarded"], item["id"]);
    assert_eq!(
        case.ok_json(&["pending", "--json"]),
        Value::Array(Vec::new())
    );
    one_line_error(&case.wallet(&["resend", &id]), "no item");
}

#[test]
fn bad_input_is_one_line_and_changes_nothing() {
    let case = Case::new();
    // Before enrollment: no profile.
    one_line_error(&case.wallet(&["show"]), "enroll first");
    let bad_code = case.wallet(&[
        "enroll",
        "--portal",
        &case.url,
        "--card-qr",
        &case.card_qr,
        "--code",
        "AAAA-AAAA-AAAA",
    ]);
    one_line_error(&bad_code, "activation code is wrong; 4 tries left");
    one_line_error(
        &case.wallet(&[
            "enroll",
            "--portal",
            &case.url,
            "--card-qr",
            &case.card_qr,
            "--code",
            "12",
        ]),
        "12 letters and digits",
    );
    one_line_error(
        &case.wallet(&[
            "enroll",
            "--portal",
            &case.url,
            "--card-qr",
            "HELLO",
            "--code",
            &case.code,
        ]),
        "not the QR code printed",
    );
    one_line_error(
        &case.wallet(&[
            "enroll",
            "--portal",
            "http://portal.example.gov",
            "--card-qr",
            &case.card_qr,
            "--code",
            &case.code,
        ]),
        "https://",
    );
    case.enroll();
    for (args, needle) in [
        (
            vec![
                "move", "--street", "1 Main", "--city", "Austin", "--state", "Texas", "--zip",
                "78701",
            ],
            "TX",
        ),
        (
            vec![
                "move", "--street", "1 Main", "--city", "Austin", "--state", "TX", "--zip", "00000",
            ],
            "ZIP",
        ),
        (
            vec![
                "move",
                "--street",
                "1 Main",
                "--city",
                "Austin",
                "--state",
                "TX",
                "--zip",
                "78701",
                "--moved-on",
                "2001-01-01",
            ],
            "year",
        ),
        (
            vec![
                "move",
                "--street",
                "1 Main",
                "--city",
                "Austin",
                "--state",
                "TX",
                "--zip",
                "78701",
                "--moved-on",
                "soon",
            ],
            "not a date",
        ),
        (vec!["check-in", "--note", "\u{202e}hidden"], "note"),
        (vec!["resend", "99"], "no item 99"),
    ] {
        one_line_error(&case.wallet(&args), needle);
    }
    assert_eq!(
        case.ok_json(&["pending", "--json"]),
        Value::Array(Vec::new())
    );
}

/// Issue 14, "Another wallet's device key in the profile": `qr` refused,
/// but `sync` delivered holder A's check-ins signed as holder B. Now the
/// key is checked against the card at open, for every command: nothing
/// is signed with it, and the queue is still shown.
#[test]
fn another_wallets_device_key_cannot_sync() {
    let case = Case::new();
    case.enroll();
    case.ok_json(&["check-in", "--note", "mine", "--json"]);
    let other_profile = case.dir.path().join("other");
    let (card_qr, code) = case.another_holder();
    let other = wallet_in(
        &other_profile,
        &[
            "enroll",
            "--portal",
            &case.url,
            "--card-qr",
            &card_qr,
            "--code",
            &code,
        ],
    );
    assert!(other.status.success(), "{other:?}");
    std::fs::copy(
        other_profile.join("device.key"),
        case.profile().join("device.key"),
    )
    .unwrap();

    one_line_error(
        &case.wallet(&["sync", "--json"]),
        "not the one your card is bound to",
    );
    one_line_error(
        &case.wallet(&["qr", "--json"]),
        "not the one your card is bound to",
    );
    let shown = case.ok_json(&["show", "--json"]);
    assert_eq!(shown["device_key"], "device_key_mismatch");
    let pending = case.wallet(&["pending", "--json"]);
    assert!(pending.status.success());
    assert!(String::from_utf8_lossy(&pending.stderr).contains("not the key this card is bound to"));
    let items: Value = serde_json::from_slice(&pending.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert!(
        admin::received(&case.portal_db()).unwrap().is_empty(),
        "nothing sent as B"
    );
}

/// Issue 14, "Device key lost": every command said "enroll first",
/// `enroll` refused yet wrote a new key, and the queued items could never
/// be delivered. Now the wallet opens and shows its queue, says what to
/// do, and a re-enrollment with a new code delivers the queue.
#[test]
fn a_lost_device_key_is_a_clear_path_to_re_enrollment() {
    let case = Case::new();
    let enrolled = case.enroll();
    case.ok_json(&["check-in", "--note", "before the key was lost", "--json"]);
    std::fs::remove_file(case.profile().join("device.key")).unwrap();

    let pending = case.wallet(&["pending", "--json"]);
    assert!(pending.status.success(), "{pending:?}");
    assert!(String::from_utf8_lossy(&pending.stderr).contains("enroll` again"));
    let items: Value = serde_json::from_slice(&pending.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(
        case.ok_json(&["show", "--json"])["device_key"],
        "device_key_missing"
    );
    one_line_error(&case.wallet(&["sync"]), "no longer holds the key");

    // The spent code is refused by the portal; a new one re-enrolls the
    // same card, and the queue goes out.
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
        "already used",
    );
    let serial =
        docket_core::card::Serial::parse(enrolled["card_number"].as_str().unwrap()).unwrap();
    let code = admin::new_code(&case.portal_db(), serial)
        .unwrap()
        .to_string();
    case.ok_json(&[
        "enroll",
        "--portal",
        &case.url,
        "--card-qr",
        &case.card_qr,
        "--code",
        &code,
        "--json",
    ]);
    let synced = case.ok_json(&["sync", "--json"]);
    assert_eq!(synced["sent"], 1, "{synced}");
    assert_eq!(admin::received(&case.portal_db()).unwrap().len(), 1);
    assert_eq!(case.ok_json(&["show", "--json"])["device_key"], "bound");
}

/// Issue 14: `sync --deadline N` with N near 2^63 panicked (exit 101).
#[test]
fn a_sync_deadline_near_the_end_of_time_does_not_panic() {
    let case = Case::new();
    case.enroll();
    case.ok_json(&["check-in", "--json"]);
    for deadline in ["9223372036854775807", "18446744073709551615"] {
        let synced = case.ok_json(&["sync", "--deadline", deadline, "--json"]);
        assert_eq!(synced["still_pending"], 0, "{synced}");
    }
}

/// Issue 14: the wallet on a phone whose binding ended says, in words,
/// that the card now lives on another phone.
#[test]
fn a_phone_reported_lost_says_the_card_lives_elsewhere() {
    let case = Case::new();
    let enrolled = case.enroll();
    let serial =
        docket_core::card::Serial::parse(enrolled["card_number"].as_str().unwrap()).unwrap();
    admin::phone_lost(
        &case.portal_db(),
        &case.issuer(),
        serial,
        jiff::Timestamp::now(),
    )
    .unwrap();
    case.ok_json(&["sync", "--json"]);
    let shown = case.ok_json(&["show", "--json"]);
    assert_eq!(shown["valid"], false);
    assert_eq!(shown["reasons"], serde_json::json!(["binding_revoked"]));
    let text = case.wallet(&["show"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("This card now lives on another phone"),
        "{text:?}"
    );
}
