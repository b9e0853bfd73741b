//! Request signatures on the wire: a request signed by the wallet's key
//! with core's signing code is accepted once; the same bytes again are a
//! replay; a new nonce without a new signature is a forgery.

use docket_core::outbox::CheckIn;
use docket_core::portal_api::{paths, signing};
use docket_e2e::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_submission_is_accepted_once_and_replays_are_refused() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let client = http_client().unwrap();

    // The wallet's own queued check-in: its exact body and key.
    let item = w
        .wallet
        .check_in(CheckIn::new(Some("replay me")).unwrap())
        .await
        .unwrap();
    let request = SignedRequest::sign(
        w.key.as_ref(),
        "POST",
        paths::CHECK_INS,
        Some(&item.idempotency_key),
        &item.body,
    )
    .unwrap();
    let first = request.send(&client, &portal.url()).await.unwrap();
    assert_eq!(first.status, 201, "{:?}", first.json());
    let reference = first.json()["reference"].as_str().unwrap().to_owned();

    // The identical bytes again: a replay, refused before anything happens.
    let replay = request.send(&client, &portal.url()).await.unwrap();
    assert_eq!(replay.status, 401);
    assert_eq!(replay.problem_code().as_deref(), Some("signature_replayed"));

    // Only the nonce changed: the signature no longer covers the request.
    let old_nonce = request.nonce().unwrap().to_owned();
    let new_nonce = signing::new_nonce().unwrap();
    let mut renonced = request.clone();
    renonced.signature.signature_input = request.signature.signature_input.replace(
        &format!("nonce=\"{old_nonce}\""),
        &format!("nonce=\"{new_nonce}\""),
    );
    assert_ne!(
        renonced.signature.signature_input,
        request.signature.signature_input
    );
    let forged = renonced.send(&client, &portal.url()).await.unwrap();
    assert_eq!(forged.status, 401);
    assert_eq!(forged.problem_code().as_deref(), Some("signature_invalid"));

    // The portal holds the check-in once.
    let received = portal.received().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].idempotency_key, item.idempotency_key);
    assert_eq!(received[0].reference, reference);

    // The wallet's own send of that item (same key, fresh signature) is
    // answered as the first one was: same reference, still received once.
    w.sync_until_sent(3, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    let history = w.wallet.history().await.unwrap();
    assert_eq!(
        history[0]
            .receipt
            .as_ref()
            .and_then(|r| r.reference.as_deref()),
        Some(reference.as_str())
    );
    assert_eq!(portal.received().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_read_is_answered_once_too() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let client = http_client().unwrap();
    let request = SignedRequest::sign(w.key.as_ref(), "GET", paths::HEARINGS, None, b"").unwrap();
    assert_eq!(
        request.send(&client, &portal.url()).await.unwrap().status,
        200
    );
    let replay = request.send(&client, &portal.url()).await.unwrap();
    assert_eq!(replay.status, 401);
    assert_eq!(replay.problem_code().as_deref(), Some("signature_replayed"));
    // Signed by another key than the one enrolled: not this wallet.
    let stranger = docket_core::device::SoftwareDeviceKey::generate().unwrap();
    let answer = SignedRequest::sign(&stranger, "GET", paths::HEARINGS, None, b"")
        .unwrap()
        .send(&client, &portal.url())
        .await
        .unwrap();
    assert_eq!(answer.status, 401);
    assert_eq!(answer.problem_code().as_deref(), Some("unknown_wallet"));
}
