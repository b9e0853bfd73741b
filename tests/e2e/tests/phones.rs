//! One binding per phone, end to end: a card moved to a new phone, a phone
//! reported lost, and a phone that lost its key. Each enrollment has its
//! own entry in the status list, so an officer who downloaded the lists
//! refuses the old phone's live code, accepts the new phone's and still
//! accepts the printed card; the portal refuses the old phone's requests;
//! and nothing the holder queued is lost or delivered twice.

use docket_core::outbox::{CheckIn, ItemState, ParkReason};
use docket_core::sc1::{LivePresentation, SignedCard};
use docket_core::sync::{EnrollError, ItemOutcome, SyncError, SyncOptions};
use docket_core::verify::{Reason, Verdict, Verifier};
use docket_core::wallet::{DeviceKeyState, WalletError};
use docket_e2e::*;
use docket_portal::ChaosOutcome;
use jiff::Timestamp;
use std::time::Duration;

/// A fresh live code of `w`'s card, checked by `officer` now.
async fn live_verdict(officer: &mut Verifier, w: &TestWallet) -> Verdict {
    let live = w.wallet.live_presentation().await.unwrap();
    officer.verify_text(&live.to_text(), Timestamp::now())
}

/// A live code made `seconds_ago` with `w`'s key for `card`, whatever the
/// wallet now says (an old phone keeps its key and its old card). Each
/// scan of one card in a test uses its own second: the officer refuses
/// a (card, second) it has seen.
fn live_of(card: &SignedCard, w: &TestWallet, officer: &mut Verifier, seconds_ago: i64) -> Verdict {
    let now = Timestamp::now();
    let made = now - jiff::SignedDuration::from_secs(seconds_ago);
    let live = LivePresentation::create(card, w.key.as_ref(), made).unwrap();
    officer.verify_text(&live.to_text(), now)
}

fn parked_codes(items: &[docket_core::outbox::OutboxItem]) -> Vec<String> {
    items
        .iter()
        .map(|item| match &item.state {
            ItemState::NeedsAttention(reason) => reason.code().to_owned(),
            other => other.code().to_owned(),
        })
        .collect()
}

/// Issue 14, "A lost or stolen phone keeps a valid card": phone A
/// enrolled, a new code, phone B enrolled; once the officer updates its
/// lists, A is refused, B is valid and the printed card is valid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_phone_keeps_a_valid_card() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (a, enrolled_a) = TestWallet::enrolled(&portal.scratch("a").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let mut officer = portal.officer().await.unwrap();
    let verdict = live_verdict(&mut officer, &a).await;
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());

    // The holder gets a new phone and a new code.
    let code = portal.new_code(holder.serial).unwrap();
    let b = TestWallet::open(&portal.scratch("b").unwrap(), relaxed_config())
        .await
        .unwrap();
    let enrolled_b = b
        .wallet
        .enroll(&portal.url(), &holder.card_qr, &code.to_string())
        .await
        .unwrap();
    assert_eq!(enrolled_b.card.card().serial, holder.serial);
    assert_ne!(
        enrolled_b.card.card().status_index,
        enrolled_a.card.card().status_index
    );

    // An officer with the old lists cannot know yet.
    let verdict = live_of(&enrolled_a.card, &a, &mut officer, 5);
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());

    // After the next list download, offline: A refused, B and the printed
    // card valid.
    let mut officer = portal.officer().await.unwrap();
    let verdict = live_of(&enrolled_a.card, &a, &mut officer, 4);
    assert_eq!(verdict.reasons, vec![Reason::BindingRevoked]);
    assert!(
        verdict.holder.is_some(),
        "the officer sees whose card it is"
    );
    let verdict = live_verdict(&mut officer, &b).await;
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());
    let verdict = officer.verify_text(&holder.card_qr, Timestamp::now());
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());

    // The old phone: the portal no longer takes its requests, and once it
    // has the new lists its own card says why, in a code screens word.
    let item = a
        .wallet
        .check_in(CheckIn::new(None).unwrap())
        .await
        .unwrap();
    let report = a.wallet.sync(SyncOptions::default()).await.unwrap();
    assert_eq!(
        report.items,
        vec![(
            item.id,
            item.kind(),
            ItemOutcome::Parked(ParkReason::NotAuthorized {
                code: "binding_revoked".to_owned()
            })
        )]
    );
    let card = a.wallet.card().await.unwrap().unwrap();
    assert_eq!(card.verdict.reasons, vec![Reason::BindingRevoked]);
    assert!(
        a.wallet.live_presentation().await.is_ok(),
        "the old phone still holds its key and makes codes; officers refuse them"
    );
    assert!(portal.received().unwrap().is_empty());
}

/// An officer or the holder reports the phone lost: the portal refuses it
/// at once, officers after their next download; the printed card stays
/// valid, and a new phone enrolls with a new code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_reported_lost_is_refused_and_the_card_stays_valid() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (a, enrolled_a) = TestWallet::enrolled(&portal.scratch("a").unwrap(), &portal, &holder)
        .await
        .unwrap();

    let lost = portal.phone_lost(holder.serial).unwrap();
    assert_eq!(lost.wallets_retired, 1);
    assert_eq!(
        lost.bindings_ended,
        vec![enrolled_a.card.card().status_index.value()]
    );
    // Saying it twice changes nothing more.
    let again = portal.phone_lost(holder.serial).unwrap();
    assert_eq!((again.wallets_retired, again.bindings_ended.len()), (0, 0));

    let mut officer = portal.officer().await.unwrap();
    let verdict = live_of(&enrolled_a.card, &a, &mut officer, 4);
    assert_eq!(verdict.reason_codes(), vec!["binding_revoked"]);
    let verdict = officer.verify_text(&holder.card_qr, Timestamp::now());
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());

    a.wallet
        .check_in(CheckIn::new(None).unwrap())
        .await
        .unwrap();
    a.wallet.sync(SyncOptions::default()).await.unwrap();
    let pending = a.wallet.pending().await.unwrap();
    assert_eq!(parked_codes(&pending), vec!["binding_revoked"]);

    // The found phone, or a new one, enrolls with a new code.
    let code = portal.new_code(holder.serial).unwrap();
    let b = TestWallet::open(&portal.scratch("b").unwrap(), relaxed_config())
        .await
        .unwrap();
    b.wallet
        .enroll(&portal.url(), &holder.card_qr, &code.to_string())
        .await
        .unwrap();
    let mut officer = portal.officer().await.unwrap();
    let verdict = live_verdict(&mut officer, &b).await;
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());
}

/// Issue 14, "Device key lost": the key store loses the key while items
/// wait, one of them already received by the portal with its answer lost.
/// The wallet still opens and shows them, refuses to sign anything, and
/// after a re-enrollment with a new code (same card only) delivers every
/// item exactly once under the new binding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_device_key_leads_to_re_enrollment_and_nothing_is_lost() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let other = portal.add_holder(&hearings_json(&["H-2027-0002"])).unwrap();
    let dir = portal.scratch("w").unwrap();
    let (w, _) = TestWallet::enrolled(&dir, &portal, &holder).await.unwrap();

    // The first item reaches the portal but its answer is lost: in doubt.
    portal
        .set_chaos(Some(
            chaos_starting_with(0.5, &[ChaosOutcome::Lost]).unwrap(),
        ))
        .unwrap();
    let in_doubt = w
        .wallet
        .check_in(CheckIn::new(Some("first")).unwrap())
        .await
        .unwrap();
    w.wallet
        .sync(SyncOptions {
            outbox_only: true,
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    portal.set_chaos(None).unwrap();
    assert_eq!(portal.received().unwrap().len(), 1);
    let item = &w.wallet.pending().await.unwrap()[0];
    assert_eq!((item.id, item.attempts), (in_doubt.id, 1));

    // The key store is wiped; the app makes a new key at start.
    let w = w.lose_key_and_reopen(relaxed_config()).await.unwrap();
    assert_eq!(
        w.wallet.last_device_key_state(),
        DeviceKeyState::Mismatch,
        "checked at open"
    );
    let second = w
        .wallet
        .check_in(CheckIn::new(Some("second")).unwrap())
        .await
        .unwrap();
    assert_eq!(w.wallet.pending().await.unwrap().len(), 2, "nothing lost");
    let refused = w.wallet.sync(SyncOptions::default()).await.unwrap_err();
    assert!(matches!(
        refused,
        SyncError::DeviceKey(DeviceKeyState::Mismatch)
    ));
    assert_eq!(refused.code(), "device_key_mismatch");
    let refused = w.wallet.live_presentation().await.unwrap_err();
    assert!(matches!(refused, WalletError::DeviceKey(_)), "{refused}");

    // The old code is spent; another holder's card is refused before the
    // portal is asked; the holder's own card with a new code works.
    let spent = w
        .wallet
        .enroll(
            &portal.url(),
            &holder.card_qr,
            &holder.activation_code.to_string(),
        )
        .await
        .unwrap_err();
    assert_eq!(spent.code(), "activation_code_used", "{spent}");
    let code = portal.new_code(holder.serial).unwrap();
    let foreign = w
        .wallet
        .enroll(
            &portal.url(),
            &other.card_qr,
            &other.activation_code.to_string(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(foreign, EnrollError::OtherCard { .. }),
        "{foreign}"
    );
    w.wallet
        .enroll(&portal.url(), &holder.card_qr, &code.to_string())
        .await
        .unwrap();
    assert_eq!(w.wallet.last_device_key_state(), DeviceKeyState::Bound);

    w.sync_until_sent(3, Duration::from_secs(10)).await.unwrap();
    let history = w.wallet.history().await.unwrap();
    assert_eq!(history.len(), 2);
    let delivery = check_delivery(
        &w.expected(&holder.serial.to_string()).await.unwrap(),
        &portal.received().unwrap(),
    );
    assert!(delivery.is_exact(), "{delivery}");
    let keys: Vec<_> = history.iter().map(|i| i.idempotency_key.clone()).collect();
    assert!(keys.contains(&in_doubt.idempotency_key));
    assert!(keys.contains(&second.idempotency_key));
}

/// A phone whose binding ended can enroll again (a new code), and the
/// items the portal turned away as not authorised go out under the new
/// binding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_refused_after_a_binding_ended_are_sent_after_re_enrollment() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    portal.phone_lost(holder.serial).unwrap();
    let item = w
        .wallet
        .check_in(CheckIn::new(None).unwrap())
        .await
        .unwrap();
    w.wallet.sync(SyncOptions::default()).await.unwrap();
    let card = w.wallet.card().await.unwrap().unwrap();
    assert_eq!(card.verdict.reason_codes(), vec!["binding_revoked"]);

    // Still bound to its key, but the binding ended: re-enrollment is
    // the way out, not "already enrolled".
    let code = portal.new_code(holder.serial).unwrap();
    w.wallet
        .enroll(&portal.url(), &holder.card_qr, &code.to_string())
        .await
        .unwrap();
    let card = w.wallet.card().await.unwrap().unwrap();
    assert!(card.verdict.is_valid(), "{:?}", card.verdict.reason_codes());
    w.sync_until_sent(3, Duration::from_secs(10)).await.unwrap();
    let received = portal.received().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].idempotency_key, item.idempotency_key);
}
