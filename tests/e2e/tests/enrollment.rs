//! Enrollment end to end: a real wallet against a real portal. What the
//! holder sees (the wallet's `EnrollError` codes) and what the portal
//! answers on the wire, for every way enrollment goes right or wrong.

use docket_core::portal_api::{ActivationCode, EnrollmentRequest, paths};
use docket_core::sc1::{PREFIX, Presentation, SignedCard};
use docket_core::sync::EnrollError;
use docket_core::trust::Ed25519SigningKey;
use docket_e2e::*;
use docket_portal::ChaosOutcome;
use docket_portal::admin::{self, NewHolder};
use jiff::Timestamp;

fn three_hearings() -> String {
    hearings_json(&["H-2027-0001", "H-2027-0002", "H-2027-0003"])
}

/// A code that is surely not `code`.
fn other_code(code: &ActivationCode) -> String {
    loop {
        let other = ActivationCode::generate().unwrap();
        if other != *code {
            return other.to_string();
        }
    }
}

/// The raw enrollment body a wallet with `key` would send.
fn enrollment_body(holder: &NewHolder, card_qr: &str, key: &TestWallet) -> Vec<u8> {
    serde_json::to_vec(&EnrollmentRequest {
        card_qr: card_qr.to_owned(),
        activation_code: holder.activation_code.to_string(),
        device_public_key: key.public_key().to_hex(),
    })
    .unwrap()
}

async fn enroll(w: &TestWallet, portal: &Portal, qr: &str, code: &str) -> EnrollError {
    let error = w.wallet.enroll(&portal.url(), qr, code).await.unwrap_err();
    // A refused enrollment saves nothing.
    assert!(w.wallet.enrollment().await.unwrap().is_none(), "{error}");
    assert!(w.wallet.card().await.unwrap().is_none());
    error
}

fn attempts_left(error: &EnrollError) -> Option<u32> {
    match error {
        EnrollError::WrongCode { attempts_left } => *attempts_left,
        other => panic!("expected a wrong code, got {} ({other})", other.code()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_enrollment_binds_the_card_to_this_wallet_and_saves_the_hearings() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&three_hearings()).unwrap();
    let (w, enrolled) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();

    // Bound to this wallet's key, with a status entry of its own (so this
    // phone can be cut off alone), and otherwise exactly the printed card.
    let card = enrolled.card.card();
    assert_eq!(card.device_key, Some(w.public_key()));
    let printed = SignedCard::from_text(&holder.card_qr).unwrap();
    assert_ne!(card.status_index, printed.card().status_index);
    let mut unbound = card.clone();
    unbound.device_key = None;
    unbound.status_index = printed.card().status_index;
    assert_eq!(&unbound, printed.card());
    assert_eq!(card.serial, holder.serial);
    assert!(
        enrolled.verdict.is_valid(),
        "{:?}",
        enrolled.verdict.reason_codes()
    );
    assert_eq!(enrolled.pinned_root, Some(portal.root().unwrap()));

    // Saved: the card re-verifies on load, with its photo.
    let loaded = w.wallet.card().await.unwrap().unwrap();
    assert!(
        loaded.verdict.is_valid(),
        "{:?}",
        loaded.verdict.reason_codes()
    );
    assert_eq!(loaded.card, enrolled.card);
    assert_eq!(loaded.photo, PHOTO);

    // The hearings are the portal's, with the ETag for the next refresh.
    assert_eq!(enrolled.hearings, 3);
    let cache = w.wallet.hearings().await.unwrap().unwrap();
    assert_eq!(
        cache.hearings,
        admin::hearings(portal.db(), holder.serial).unwrap()
    );
    assert!(cache.etag.is_some());

    // An officer accepts the wallet's live code.
    let live = w.wallet.live_presentation().await.unwrap();
    let verdict = portal
        .officer()
        .await
        .unwrap()
        .verify_text(&live.to_text(), Timestamp::now());
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());

    // One card per wallet.
    let again = w
        .wallet
        .enroll(
            &portal.url(),
            &holder.card_qr,
            &holder.activation_code.to_string(),
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), "already_enrolled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_code_counts_down_and_the_right_one_still_works() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&three_hearings()).unwrap();
    let w = TestWallet::open(&portal.scratch("w").unwrap(), relaxed_config())
        .await
        .unwrap();
    let wrong = other_code(&holder.activation_code);
    for expected in [4, 3] {
        let error = enroll(&w, &portal, &holder.card_qr, &wrong).await;
        assert_eq!(error.code(), "activation_code_wrong");
        assert_eq!(attempts_left(&error), Some(expected));
    }
    w.wallet
        .enroll(
            &portal.url(),
            &holder.card_qr,
            &holder.activation_code.to_string(),
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_used_by_one_wallet_is_refused_to_another() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&three_hearings()).unwrap();
    let (first, _) = TestWallet::enrolled(&portal.scratch("first").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let second = TestWallet::open(&portal.scratch("second").unwrap(), relaxed_config())
        .await
        .unwrap();
    let error = enroll(
        &second,
        &portal,
        &holder.card_qr,
        &holder.activation_code.to_string(),
    )
    .await;
    assert_eq!(error.code(), "activation_code_used");
    // The first wallet keeps working.
    assert!(
        first
            .wallet
            .card()
            .await
            .unwrap()
            .unwrap()
            .verdict
            .is_valid()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_lock_enrollment_even_for_the_right_code() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&three_hearings()).unwrap();
    let w = TestWallet::open(&portal.scratch("w").unwrap(), relaxed_config())
        .await
        .unwrap();
    let wrong = other_code(&holder.activation_code);
    for expected in [4, 3, 2, 1] {
        let error = enroll(&w, &portal, &holder.card_qr, &wrong).await;
        assert_eq!(attempts_left(&error), Some(expected));
    }
    let fifth = enroll(&w, &portal, &holder.card_qr, &wrong).await;
    assert_eq!(fifth.code(), "enrollment_locked");
    let right = enroll(
        &w,
        &portal,
        &holder.card_qr,
        &holder.activation_code.to_string(),
    )
    .await;
    assert_eq!(right.code(), "enrollment_locked");

    // The issuing office's new code unlocks it.
    let fresh = admin::new_code(portal.db(), holder.serial).unwrap();
    w.wallet
        .enroll(&portal.url(), &holder.card_qr, &fresh.to_string())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_and_mismatched_card_codes_are_refused() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&three_hearings()).unwrap();
    let other = portal.add_holder(&three_hearings()).unwrap();
    let w = TestWallet::open(&portal.scratch("w").unwrap(), relaxed_config())
        .await
        .unwrap();
    let code = holder.activation_code.to_string();
    let client = http_client().unwrap();

    // Another holder's genuine printed QR with this holder's code: the
    // portal cannot tell a stolen code from a mistyped one, so this is a
    // wrong code for *that* card (it costs that card one try).
    let error = enroll(&w, &portal, &other.card_qr, &code).await;
    assert_eq!(error.code(), "activation_code_wrong");
    assert_eq!(attempts_left(&error), Some(4));

    // Genuine-looking edits: well-formed SC1 that parses on the phone, so
    // only the portal can refuse it.
    let printed = SignedCard::from_text(&holder.card_qr).unwrap();
    // (a) this card renumbered as the other holder's, re-signed by a
    // forger under the issuer's key id;
    let mut renumbered = printed.card().clone();
    renumbered.serial = other.serial;
    let forger = Ed25519SigningKey::generate().unwrap();
    let forged = SignedCard::issue(&renumbered, &forger).unwrap().to_text();
    // (b) this card with one bit of the issuer's signature flipped.
    let mut payload = printed.payload().to_vec();
    *payload.last_mut().unwrap() ^= 0x01;
    let flipped_signature = format!(
        "{PREFIX}{}",
        docket_core::encoding::base45::encode(&payload)
    );
    for edited in [&forged, &flipped_signature] {
        assert!(Presentation::from_text(edited).is_ok());
        let error = enroll(&w, &portal, edited, &code).await;
        assert_eq!(error.code(), "card_qr_invalid", "{error}");
    }

    // One character misread: the wallet refuses it before sending (the
    // first QR-alphanumeric replacement that breaks parsing, so the edit is
    // one a camera could make) ...
    let mut misread = None;
    'search: for position in PREFIX.len()..holder.card_qr.len() {
        for replacement in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".chars() {
            let mut text = holder.card_qr.clone();
            let original = text.as_bytes()[position] as char;
            if original == replacement {
                continue;
            }
            text.replace_range(position..=position, &replacement.to_string());
            if Presentation::from_text(&text).is_err() {
                misread = Some(text);
                break 'search;
            }
        }
    }
    let misread = misread.unwrap();
    let error = enroll(&w, &portal, &misread, &code).await;
    assert_eq!(error.code(), "not_a_card_qr", "{error}");
    // ... and the portal refuses the same text sent raw.
    let raw = SignedRequest::sign(
        w.key.as_ref(),
        "POST",
        paths::ENROLLMENTS,
        None,
        &enrollment_body(&holder, &misread, &w),
    )
    .unwrap()
    .send(&client, &portal.url())
    .await
    .unwrap();
    assert_eq!(raw.status, 422);
    assert_eq!(raw.problem_code().as_deref(), Some("card_qr_invalid"));

    // None of that cost this holder a try; the other holder lost one.
    let wrong = other_code(&holder.activation_code);
    assert_eq!(
        attempts_left(&enroll(&w, &portal, &holder.card_qr, &wrong).await),
        Some(4)
    );
    let w2 = TestWallet::open(&portal.scratch("w2").unwrap(), relaxed_config())
        .await
        .unwrap();
    assert_eq!(
        attempts_left(&enroll(&w2, &portal, &other.card_qr, &wrong).await),
        Some(3)
    );
    w.wallet
        .enroll(&portal.url(), &holder.card_qr, &code)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_refused() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder_valid_for(&three_hearings(), 0).unwrap();
    let w = TestWallet::open(&portal.scratch("w").unwrap(), relaxed_config())
        .await
        .unwrap();
    let error = enroll(
        &w,
        &portal,
        &holder.card_qr,
        &holder.activation_code.to_string(),
    )
    .await;
    assert_eq!(error.code(), "activation_code_expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolling_again_after_a_lost_answer_gets_the_same_answer() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&three_hearings()).unwrap();
    let dir = portal.scratch("w").unwrap();
    let w = TestWallet::open(&dir, relaxed_config()).await.unwrap();
    let client = http_client().unwrap();
    let body = enrollment_body(&holder, &holder.card_qr, &w);

    // The phone's first request reached the portal; pretend its answer
    // was lost.
    let first =
        SignedRequest::sign(w.key.as_ref(), "POST", paths::ENROLLMENTS, None, &body).unwrap();
    let answer = first.send(&client, &portal.url()).await.unwrap();
    assert_eq!(answer.status, 201, "{:?}", answer.json());
    // The identical bytes again are a replay, and change nothing ...
    let replay = first.send(&client, &portal.url()).await.unwrap();
    assert_eq!(replay.status, 401);
    assert_eq!(replay.problem_code().as_deref(), Some("signature_replayed"));
    // ... but the same enrollment signed again is answered as the first.
    let again = SignedRequest::sign(w.key.as_ref(), "POST", paths::ENROLLMENTS, None, &body)
        .unwrap()
        .send(&client, &portal.url())
        .await
        .unwrap();
    assert_eq!(again.status, 201);
    assert_eq!(again.body, answer.body);
    let card = answer.json()["card"].as_str().unwrap().to_owned();

    // The wallet itself, retrying, gets and keeps that card.
    let enrolled = w
        .wallet
        .enroll(
            &portal.url(),
            &holder.card_qr,
            &holder.activation_code.to_string(),
        )
        .await
        .unwrap();
    assert_eq!(enrolled.card.to_text(), card);

    // So does a fresh wallet object on a fresh database with the same key
    // (the app reinstalled with its key-store key kept).
    let dir2 = portal.scratch("w2").unwrap();
    std::fs::copy(dir.join(WALLET_KEY), dir2.join(WALLET_KEY)).unwrap();
    let (w2, enrolled2) = TestWallet::enrolled(&dir2, &portal, &holder).await.unwrap();
    assert_eq!(enrolled2.card.to_text(), card);
    assert!(w2.wallet.card().await.unwrap().unwrap().verdict.is_valid());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolling_through_a_failing_portal_succeeds_by_trying_again() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&three_hearings()).unwrap();
    let w = TestWallet::open(&portal.scratch("w").unwrap(), chaos_config())
        .await
        .unwrap();
    // Half the requests fail, every way chaos knows; the very first
    // enrollment is carried out and its answer lost (the outcome sequence
    // is fixed by the seed, so this run is the same every time).
    portal
        .set_chaos(Some(
            chaos_starting_with(0.5, &[ChaosOutcome::Lost]).unwrap(),
        ))
        .unwrap();
    let mut failures = Vec::new();
    let enrolled = loop {
        assert!(failures.len() < 40, "never enrolled: {failures:?}");
        match w
            .wallet
            .enroll(
                &portal.url(),
                &holder.card_qr,
                &holder.activation_code.to_string(),
            )
            .await
        {
            Ok(enrolled) => break enrolled,
            Err(error) => failures.push(error.code().to_owned()),
        }
    };
    // A lost or cut answer never used up the code or a try: every failure
    // is one worth retrying.
    assert_eq!(failures.first().map(String::as_str), Some("interrupted"));
    for code in &failures {
        assert!(
            [
                "timed_out",
                "interrupted",
                "internal_error",
                "unavailable",
                "rate_limited",
            ]
            .contains(&code.as_str()),
            "{failures:?}"
        );
    }
    assert_eq!(enrolled.card.card().device_key, Some(w.public_key()));
    assert!(w.wallet.card().await.unwrap().unwrap().verdict.is_valid());
    eprintln!(
        "enrolled after {} failures {failures:?}; chaos {}",
        failures.len(),
        portal.chaos_counts().unwrap()
    );
}
