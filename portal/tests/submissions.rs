//! `POST /v1/check-ins` and `POST /v1/address-changes`: idempotency,
//! validation, and what the office sees.

mod common;

use common::*;
use docket_core::portal_api::{SubmissionReceipt, paths};
use docket_portal::admin;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_is_received_once_however_often_it_is_sent() {
    let h = Harness::start().await;
    let (holder, wallet) = h.enrolled().await;
    let key = new_key();
    let first = wallet.submit(&h, paths::CHECK_INS, &key, &check_in()).await;
    assert_eq!(
        first.status,
        201,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(first.header("cache-control"), Some("no-store"));
    assert_eq!(first.header("idempotent-replayed"), None);
    let receipt: SubmissionReceipt = serde_json::from_slice(&first.body).unwrap();
    assert!(
        receipt.reference.starts_with("CI-") && receipt.reference.len() == 12,
        "{}",
        receipt.reference
    );

    for _ in 0..3 {
        let again = wallet.submit(&h, paths::CHECK_INS, &key, &check_in()).await;
        assert_eq!(again.status, 201);
        assert_eq!(again.body, first.body);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
    }
    // The key in upper case is the same key.
    let again = wallet
        .submit(&h, paths::CHECK_INS, &key.to_uppercase(), &check_in())
        .await;
    assert_eq!((again.status, again.body), (201, first.body.clone()));

    let change_key = new_key();
    let change = wallet
        .submit(&h, paths::ADDRESS_CHANGES, &change_key, &address_change())
        .await;
    assert_eq!(change.status, 201);
    let change_receipt: SubmissionReceipt = serde_json::from_slice(&change.body).unwrap();
    assert!(change_receipt.reference.starts_with("AC-"));

    let received = admin::received(&h.db).unwrap();
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[0].idempotency_key, key);
    assert_eq!(received[0].kind, "check_in");
    assert_eq!(received[0].reference, receipt.reference);
    assert_eq!(received[0].received_at, receipt.received_at);
    assert_eq!(received[0].card_serial, holder.serial.to_string());
    assert_eq!(received[1].kind, "address_change");
    assert_eq!(received[1].reference, change_receipt.reference);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_reused_for_something_else_is_refused() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let key = new_key();
    assert_eq!(
        wallet
            .submit(&h, paths::CHECK_INS, &key, &check_in())
            .await
            .status,
        201
    );
    let other_note = check_in().replace("Estoy aquí", "Here");
    wallet
        .submit(&h, paths::CHECK_INS, &key, &other_note)
        .await
        .assert_problem(422, "idempotency_key_reused");
    // Same bytes, other kind: refused too (the address route would refuse
    // the body anyway; the key is checked first).
    wallet
        .submit(&h, paths::ADDRESS_CHANGES, &key, &check_in())
        .await
        .assert_problem(422, "idempotency_key_reused");
    // Keys are per wallet: another holder's phone may use the same key.
    let (_, other) = h.enrolled().await;
    let answer = other.submit(&h, paths::CHECK_INS, &key, &check_in()).await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.header("idempotent-replayed"), None);
    assert_eq!(admin::received(&h.db).unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_submission_is_refused_and_the_refusal_remembered() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let key = new_key();
    let bad_state = address_change().replace("\"TX\"", "\"XX\"");
    let first = wallet
        .submit(&h, paths::ADDRESS_CHANGES, &key, &bad_state)
        .await;
    let problem = first.assert_problem(422, "submission_invalid");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("state"), "{detail}");
    assert!(!detail.contains("stored"), "{detail}");
    let again = wallet
        .submit(&h, paths::ADDRESS_CHANGES, &key, &bad_state)
        .await;
    again.assert_problem(422, "submission_invalid");
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    // The key stays tied to the refused body.
    wallet
        .submit(&h, paths::ADDRESS_CHANGES, &key, &address_change())
        .await
        .assert_problem(422, "idempotency_key_reused");

    for body in ["{}", "[]", r#"{"checked_in_at":"yesterday"}"#, "not json"] {
        wallet
            .submit(&h, paths::CHECK_INS, &new_key(), body)
            .await
            .assert_problem(422, "submission_invalid");
    }
    let note = format!(
        r#"{{"checked_in_at":"{}","note":"a{}b"}}"#,
        an_hour_ago(),
        "\\u202e"
    );
    wallet
        .submit(&h, paths::CHECK_INS, &new_key(), &note)
        .await
        .assert_problem(422, "submission_invalid");
    assert!(admin::received(&h.db).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_date_outside_the_window_is_refused_on_arrival() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    for moved_on in [
        today.checked_add(jiff::Span::new().days(60)).unwrap(),
        today.checked_sub(jiff::Span::new().days(800)).unwrap(),
    ] {
        let body = address_change().replace(
            &today
                .checked_sub(jiff::Span::new().days(2))
                .unwrap()
                .to_string(),
            &moved_on.to_string(),
        );
        assert_ne!(body, address_change());
        let answer = wallet
            .submit(&h, paths::ADDRESS_CHANGES, &new_key(), &body)
            .await;
        let problem = answer.assert_problem(422, "submission_invalid");
        assert!(
            problem["detail"].as_str().unwrap().contains("moving date"),
            "{problem}"
        );
    }
    assert!(admin::received(&h.db).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idempotency_key_must_be_a_uuid() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let json = [("content-type", "application/json")];
    let answer = wallet
        .send(
            &h,
            "POST",
            paths::CHECK_INS,
            None,
            check_in().as_bytes(),
            &json,
        )
        .await;
    answer.assert_problem(400, "idempotency_key_missing");
    let simple = uuid::Uuid::now_v7().simple().to_string();
    for key in ["", "12345", "not-a-uuid", simple.as_str()] {
        wallet
            .submit(&h, paths::CHECK_INS, key, &check_in())
            .await
            .assert_problem(400, "idempotency_key_missing");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_type_and_size_are_checked() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let key = new_key();
    wallet
        .send(
            &h,
            "POST",
            paths::CHECK_INS,
            Some(&key),
            check_in().as_bytes(),
            &[("content-type", "text/plain")],
        )
        .await
        .assert_problem(415, "unsupported_media_type");
    wallet
        .send(
            &h,
            "POST",
            paths::CHECK_INS,
            Some(&key),
            check_in().as_bytes(),
            &[],
        )
        .await
        .assert_problem(415, "unsupported_media_type");
    let big = format!(
        r#"{{"checked_in_at":"{}","note":"{}"}}"#,
        an_hour_ago(),
        "a".repeat(17 * 1024)
    );
    wallet
        .submit(&h, paths::CHECK_INS, &key, &big)
        .await
        .assert_problem(413, "payload_too_large");
    let answer = wallet
        .send(
            &h,
            "POST",
            paths::CHECK_INS,
            Some(&key),
            check_in().as_bytes(),
            &[("content-type", "application/json; charset=utf-8")],
        )
        .await;
    assert_eq!(answer.status, 201);
}

/// Issue 14: the portal stored check-ins dated year 0000, 1970, 2100 or a
/// month ahead. A check-in may be dated at most a year before it arrives
/// (a phone offline for months) and a day after (a wrong clock); anything
/// else is refused with the rule, and nothing is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_refuses_implausible_check_in_times() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let now = jiff::Timestamp::now();
    let days = |n: i64| jiff::SignedDuration::from_hours(24 * n);
    let body = |at: String| format!(r#"{{"checked_in_at":"{at}"}}"#);
    for (at, words) in [
        ("0000-01-01T00:00:00Z".to_owned(), "more than a year before"),
        ("1970-01-01T00:00:00Z".to_owned(), "more than a year before"),
        ("2100-01-01T00:00:00Z".to_owned(), "after it arrived"),
        ((now + days(30)).to_string(), "after it arrived"),
        ((now - days(367)).to_string(), "more than a year before"),
    ] {
        let answer = wallet
            .submit(&h, paths::CHECK_INS, &new_key(), &body(at.clone()))
            .await;
        let problem = answer.assert_problem(422, "submission_invalid");
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{at}: {problem}"
        );
    }
    assert!(admin::received(&h.db).unwrap().is_empty());
    for at in [
        now - days(300),
        now,
        now + jiff::SignedDuration::from_hours(20),
    ] {
        let answer = wallet
            .submit(&h, paths::CHECK_INS, &new_key(), &body(at.to_string()))
            .await;
        assert_eq!(
            answer.status,
            201,
            "{at}: {}",
            String::from_utf8_lossy(&answer.body)
        );
    }
}
