//! `POST /v1/enrollments` against a real server.

mod common;

use base64::Engine as _;
use common::*;
use docket_core::card::Serial;
use docket_core::portal_api::{ActivationCode, paths};
use docket_core::sc1::{Presentation, SignedCard};
use docket_core::trust::{CardStatus, TrustStore};
use docket_core::verify::{Verifier, VerifierPolicy};
use docket_issuer::{CardRequest, IssuerDir, issue_card};
use docket_portal::admin;
use jiff::Timestamp;

fn verifier(h: &Harness) -> Verifier {
    let dir = IssuerDir::open(&h.issuer).unwrap();
    let mut store = TrustStore::new(vec![dir.root_public().unwrap()]);
    let now = Timestamp::now();
    store
        .install_trust_list(&std::fs::read(dir.file("trust-list.sctl")).unwrap(), now)
        .unwrap();
    store
        .install_status_list(&std::fs::read(dir.file("status-list.scsl")).unwrap(), now)
        .unwrap();
    Verifier::new(store, VerifierPolicy::default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_binds_the_printed_card_to_the_phone() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let wallet = Wallet::new();
    let answer = wallet
        .enroll(&h, &holder.card_qr, &holder.activation_code.to_string())
        .await;
    assert_eq!(
        answer.status,
        201,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let json = answer.json();

    let bound = SignedCard::from_text(json["card"].as_str().unwrap()).unwrap();
    let printed = SignedCard::from_text(&holder.card_qr).unwrap();
    assert_eq!(bound.card().device_key, Some(wallet.key.public()));
    assert_ne!(
        bound.card().status_index,
        printed.card().status_index,
        "the binding has a status entry of its own"
    );
    let mut unbound = bound.card().clone();
    unbound.device_key = None;
    unbound.status_index = printed.card().status_index;
    assert_eq!(
        &unbound,
        printed.card(),
        "every other field is the printed card's"
    );
    assert_eq!(bound.card().serial, holder.serial);
    let verdict = verifier(&h).check_card(&bound, Timestamp::now());
    assert!(verdict.reasons.is_empty(), "{:?}", verdict.reasons);

    let photo = base64::engine::general_purpose::STANDARD
        .decode(json["photo"].as_str().unwrap())
        .unwrap();
    assert_eq!(photo, PHOTO);
    assert!(bound.card().photo_digest.matches(&photo));
    let expected: serde_json::Value = serde_json::from_str(HEARINGS_JSON).unwrap();
    assert_eq!(json["hearings"], expected);
    let root = std::fs::read_to_string(h.issuer.join("root.pub")).unwrap();
    assert_eq!(json["trust_root"], root.trim());

    // The enrolled wallet can now make signed requests, and the hearing
    // list's tag is the one enrollment gave.
    let hearings = wallet.hearings(&h, &[]).await;
    assert_eq!(hearings.status, 200);
    assert_eq!(hearings.header("etag"), json["hearings_etag"].as_str());
    h.portal.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeat_by_the_same_phone_answers_as_the_first_time() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let wallet = Wallet::new();
    let code = holder.activation_code.to_string();
    let first = wallet.enroll(&h, &holder.card_qr, &code).await;
    assert_eq!(first.status, 201);
    // The code as a person might type it the second time.
    let typed = code.to_lowercase().replace('-', " ");
    let again = wallet.enroll(&h, &holder.card_qr, &typed).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_count_down_lock_at_five_and_a_new_code_unlocks() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let wallet = Wallet::new();
    let wrong = other_code(&holder.activation_code);
    for (attempt, code) in ["not a code", &wrong, &wrong, &wrong]
        .into_iter()
        .enumerate()
    {
        let answer = wallet.enroll(&h, &holder.card_qr, code).await;
        let problem = answer.assert_problem(403, "activation_code_wrong");
        assert_eq!(problem["attempts_left"], 4 - attempt, "{problem}");
    }
    // The fifth wrong try locks, and says so.
    let answer = wallet.enroll(&h, &holder.card_qr, &wrong).await;
    answer.assert_problem(423, "enrollment_locked");
    // Even the right code is refused now, by any phone.
    let right = holder.activation_code.to_string();
    let answer = wallet.enroll(&h, &holder.card_qr, &right).await;
    answer.assert_problem(423, "enrollment_locked");
    let answer = Wallet::new().enroll(&h, &holder.card_qr, &right).await;
    answer.assert_problem(423, "enrollment_locked");

    let fresh = admin::new_code(&h.db, holder.serial).unwrap();
    let answer = wallet.enroll(&h, &holder.card_qr, &right).await;
    let problem = answer.assert_problem(403, "activation_code_wrong");
    assert_eq!(problem["attempts_left"], 4, "the count starts again");
    let answer = wallet.enroll(&h, &holder.card_qr, &fresh.to_string()).await;
    assert_eq!(answer.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guess_only_counts_when_its_signature_verifies() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let wallet = Wallet::new();
    let stranger = Wallet::new();
    let wrong = other_code(&holder.activation_code);
    // Signed by another key than the one in the body.
    let body = enrollment_body(&holder.card_qr, &wrong, &wallet.public_hex());
    for _ in 0..6 {
        let answer = stranger
            .send(
                &h,
                "POST",
                paths::ENROLLMENTS,
                None,
                &body,
                &[("content-type", "application/json")],
            )
            .await;
        answer.assert_problem(401, "signature_invalid");
    }
    // Signed over another body.
    let signed_for = enrollment_body(&holder.card_qr, "0000-0000-0000", &wallet.public_hex());
    let headers = wallet.sign(&Signing {
        method: "POST",
        path: paths::ENROLLMENTS,
        idempotency_key: None,
        body: &signed_for,
        created: Timestamp::now(),
    });
    let answer = send_signed(
        &h,
        "POST",
        paths::ENROLLMENTS,
        None,
        &body,
        &headers,
        &[("content-type", "application/json")],
    )
    .await;
    answer.assert_problem(400, "digest_mismatch");
    // Unsigned.
    let answer = common::read(
        h.client
            .post(h.url(paths::ENROLLMENTS))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap(),
    )
    .await;
    answer.assert_problem(401, "signature_missing");

    let answer = wallet.enroll(&h, &holder.card_qr, &wrong).await;
    assert_eq!(
        answer.assert_problem(403, "activation_code_wrong")["attempts_left"],
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_code_is_refused_to_another_phone() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let code = holder.activation_code.to_string();
    assert_eq!(
        Wallet::new()
            .enroll(&h, &holder.card_qr, &code)
            .await
            .status,
        201
    );
    let answer = Wallet::new().enroll(&h, &holder.card_qr, &code).await;
    answer.assert_problem(410, "activation_code_used");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_refused() {
    let h = Harness::start().await;
    let holder = h.add_holder_valid_for(0);
    let answer = Wallet::new()
        .enroll(&h, &holder.card_qr, &holder.activation_code.to_string())
        .await;
    answer.assert_problem(410, "activation_code_expired");
    // A new code is valid again.
    let fresh = admin::new_code(&h.db, holder.serial).unwrap();
    let answer = Wallet::new()
        .enroll(&h, &holder.card_qr, &fresh.to_string())
        .await;
    assert_eq!(answer.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_card_is_refused_without_using_up_tries() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let wallet = Wallet::new();
    let code = holder.activation_code.to_string();
    let qr = holder.card_qr.as_bytes();
    let mut refused = 0;
    // Flip characters across the whole text (prefix, record, signature).
    for position in (4..qr.len()).step_by(qr.len() / 12) {
        let mut tampered = qr.to_vec();
        let byte = tampered.get_mut(position).unwrap();
        *byte = if *byte == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        let answer = wallet.enroll(&h, &tampered, &code).await;
        let problem = answer.assert_problem(422, "card_qr_invalid");
        assert_eq!(
            problem["detail"],
            "this is not the QR code of a current printed card from this portal"
        );
        refused += 1;
    }
    assert!(refused >= 10);
    for junk in ["", "SC1:", "hello", &holder.card_qr.to_lowercase()] {
        let answer = wallet.enroll(&h, junk, &code).await;
        answer.assert_problem(422, "card_qr_invalid");
    }
    assert_eq!(wallet.enroll(&h, &holder.card_qr, &code).await.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_printed_card_this_portal_issued_and_has_not_revoked_enrolls() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let wallet = Wallet::new();
    let code = holder.activation_code.to_string();

    // A genuine card of this issuer that no holder was given.
    let dir = IssuerDir::open(&h.issuer).unwrap();
    let request = CardRequest::parse(CARD_JSON).unwrap();
    let stray = issue_card(&dir, &request, PHOTO, None, Timestamp::now()).unwrap();
    let answer = wallet.enroll(&h, &stray.to_text(), &code).await;
    answer.assert_problem(422, "card_qr_invalid");

    // The same holder's data issued again: same issuer, other bytes.
    let other = tempfile::tempdir().unwrap();
    let foreign_dir =
        IssuerDir::create(other.path(), docket_core::trust::KeyId(1), Timestamp::now()).unwrap();
    let foreign = issue_card(&foreign_dir, &request, PHOTO, None, Timestamp::now()).unwrap();
    let answer = wallet.enroll(&h, &foreign.to_text(), &code).await;
    answer.assert_problem(422, "card_qr_invalid");

    // A bound card (static), even this holder's own, is not a printed card.
    let bound_to_other = dir
        .bind_card(
            &SignedCard::from_text(&holder.card_qr).unwrap(),
            Wallet::new().key.public(),
            Timestamp::now(),
        )
        .unwrap()
        .card;
    assert!(matches!(
        Presentation::from_text(&bound_to_other.to_text()),
        Ok(Presentation::Static(_))
    ));
    let answer = wallet.enroll(&h, &bound_to_other.to_text(), &code).await;
    answer.assert_problem(422, "card_qr_invalid");

    // Revoked, read live from the issuer directory.
    let index = dir.status_index_of(holder.serial).unwrap();
    let mut list = dir.status_list().unwrap();
    assert!(list.set(index, CardStatus::Revoked));
    dir.publish_status_list(list, Timestamp::now()).unwrap();
    let answer = wallet.enroll(&h, &holder.card_qr, &code).await;
    answer.assert_problem(422, "card_qr_invalid");
    let mut list = dir.status_list().unwrap();
    assert!(list.set(index, CardStatus::Valid));
    dir.publish_status_list(list, Timestamp::now()).unwrap();
    assert_eq!(wallet.enroll(&h, &holder.card_qr, &code).await.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_and_keys_are_checked() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let wallet = Wallet::new();
    let code = holder.activation_code.to_string();
    let json = [("content-type", "application/json")];

    // An uncompressed key, a non-key, and nonsense.
    let uncompressed = {
        let point = wallet.key.public();
        let p = p256_uncompressed_hex(&point);
        enrollment_body(&holder.card_qr, &code, &p)
    };
    for body in [
        uncompressed,
        // x beyond the field prime: no point.
        enrollment_body(&holder.card_qr, &code, &format!("02{}", "ff".repeat(32))),
        enrollment_body(&holder.card_qr, &code, "xyz"),
    ] {
        let answer = wallet
            .send(&h, "POST", paths::ENROLLMENTS, None, &body, &json)
            .await;
        answer.assert_problem(422, "device_key_invalid");
    }
    let mut extra: serde_json::Value = serde_json::from_slice(&enrollment_body(
        &holder.card_qr,
        &code,
        &wallet.public_hex(),
    ))
    .unwrap();
    extra["note"] = "hi".into();
    let body = serde_json::to_vec(&extra).unwrap();
    let answer = wallet
        .send(&h, "POST", paths::ENROLLMENTS, None, &body, &json)
        .await;
    answer.assert_problem(400, "invalid_request");
    let answer = wallet
        .send(&h, "POST", paths::ENROLLMENTS, None, b"{not json", &json)
        .await;
    answer.assert_problem(400, "invalid_request");
    let body = enrollment_body(&holder.card_qr, &code, &wallet.public_hex());
    let answer = wallet
        .send(
            &h,
            "POST",
            paths::ENROLLMENTS,
            None,
            &body,
            &[("content-type", "text/plain")],
        )
        .await;
    answer.assert_problem(415, "unsupported_media_type");
    let big = vec![b' '; 17 * 1024];
    let answer = wallet
        .send(&h, "POST", paths::ENROLLMENTS, None, &big, &json)
        .await;
    answer.assert_problem(413, "payload_too_large");

    // One phone, one card: a key enrolled for one holder cannot take
    // another's card.
    assert_eq!(wallet.enroll(&h, &holder.card_qr, &code).await.status, 201);
    let second = h.add_holder();
    let answer = wallet
        .enroll(&h, &second.card_qr, &second.activation_code.to_string())
        .await;
    answer.assert_problem(422, "device_key_invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_enrollment_retires_the_old_phone() {
    let h = Harness::start().await;
    let (holder, old_phone) = h.enrolled().await;
    assert_eq!(old_phone.hearings(&h, &[]).await.status, 200);
    let code = admin::new_code(&h.db, holder.serial).unwrap();
    // Until the new code is used, the old phone keeps working.
    assert_eq!(old_phone.hearings(&h, &[]).await.status, 200);
    let new_phone = Wallet::new();
    let answer = new_phone
        .enroll(&h, &holder.card_qr, &code.to_string())
        .await;
    assert_eq!(answer.status, 201);
    // Told why, once its own signature verified.
    let refused = old_phone
        .hearings(&h, &[])
        .await
        .assert_problem(403, "binding_revoked");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("another phone")
    );
    assert_eq!(new_phone.hearings(&h, &[]).await.status, 200);
    // A stranger's key is still just unknown.
    Wallet::new()
        .hearings(&h, &[])
        .await
        .assert_problem(401, "unknown_wallet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_is_not_stored() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let bytes = std::fs::read(&h.db).unwrap();
    let wal = std::fs::read(h.db.with_extension("sqlite-wal")).unwrap_or_default();
    let code = holder.activation_code.to_string();
    let raw = ActivationCode::parse(&code).unwrap().to_bytes();
    for haystack in [&bytes, &wal] {
        assert!(!contains(haystack, code.as_bytes()));
        assert!(!contains(haystack, code.replace('-', "").as_bytes()));
        assert!(!contains(haystack, &raw));
    }
    let _ = Serial::parse(&holder.serial.to_string()).unwrap();
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The uncompressed SEC1 form of a key, via a round trip through its
/// compressed bytes (core has no uncompressed encoder, so p256 does it).
fn p256_uncompressed_hex(key: &docket_core::device::DevicePublicKey) -> String {
    let verifying = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.to_compressed()).unwrap();
    hex::encode(verifying.to_sec1_point(false).as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn even_a_refused_enrollment_uses_up_its_nonce() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let wallet = Wallet::new();
    let json = [("content-type", "application/json")];
    for card_qr in ["SC1:NOT-A-CARD", holder.card_qr.as_str()] {
        let body = enrollment_body(card_qr, "0000-0000-0000", &wallet.public_hex());
        let headers = wallet.sign(&Signing {
            method: "POST",
            path: paths::ENROLLMENTS,
            idempotency_key: None,
            body: &body,
            created: Timestamp::now(),
        });
        let first = send_signed(&h, "POST", paths::ENROLLMENTS, None, &body, &headers, &json).await;
        assert!(matches!(first.status, 403 | 422), "{}", first.status);
        send_signed(&h, "POST", paths::ENROLLMENTS, None, &body, &headers, &json)
            .await
            .assert_problem(401, "signature_replayed");
    }
    // The replayed wrong code did not count twice.
    let wrong = other_code(&holder.activation_code);
    let answer = wallet.enroll(&h, &holder.card_qr, &wrong).await;
    assert_eq!(
        answer.assert_problem(403, "activation_code_wrong")["attempts_left"],
        3
    );
}
