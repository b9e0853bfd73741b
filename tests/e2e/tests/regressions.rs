//! Bugs the end-to-end suite found in core and the portal, each pinned by
//! the test that first showed it (they failed before their fixes).

use docket_core::outbox::{CheckIn, ItemState};
use docket_core::sync::{ItemOutcome, SyncOptions, SyncStop};
use docket_e2e::*;
use docket_portal::ChaosOutcome;
use std::time::{Duration, Instant};

/// An attempt that found no connection never left the phone, so it must
/// not count (`Store::release_unsent`): the holder can still fix or drop
/// the item. (It used to count, and the item was refused as "in doubt".)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_that_never_left_the_phone_can_still_be_discarded() {
    let mut portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    portal.stop().await;
    let item = w
        .wallet
        .check_in(CheckIn::new(Some("typo")).unwrap())
        .await
        .unwrap();
    let report = w.wallet.sync(SyncOptions::default()).await.unwrap();
    assert_eq!(report.stop, SyncStop::Offline);
    let pending = w.wallet.pending().await.unwrap();
    assert_eq!(pending[0].state, ItemState::Queued);
    assert_eq!(pending[0].last_failure.as_deref(), Some("offline"));
    // Never sent: the holder may still drop it.
    w.wallet
        .discard(item.id)
        .await
        .expect("an item no request ever carried can be discarded");
}

/// When the lists cannot be *fetched* after the portal accepted an
/// enrollment (a 503, a cut connection), the holder gets the retryable
/// network or portal error, not `bad_answer` (which is for answers that
/// break the contract or do not check out, as it used to say here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transient_failure_fetching_the_lists_at_enrollment_is_retryable() {
    for (fault, expected) in [
        (ChaosOutcome::Unavailable, "unavailable"),
        (ChaosOutcome::Truncated, "interrupted"),
    ] {
        let portal = Portal::start(None).await.unwrap();
        let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
        let w = TestWallet::open(&portal.scratch("w").unwrap(), relaxed_config())
            .await
            .unwrap();
        // The enrollment passes; the trust-list fetch right after it fails.
        portal
            .set_chaos(Some(
                chaos_starting_with(0.5, &[ChaosOutcome::Passed, fault]).unwrap(),
            ))
            .unwrap();
        let error = w
            .wallet
            .enroll(
                &portal.url(),
                &holder.card_qr,
                &holder.activation_code.to_string(),
            )
            .await
            .unwrap_err();
        assert_eq!(error.code(), expected, "{fault:?}: {error}");
    }
}

/// `SyncReport::items` has one entry per item with its last outcome in the
/// pass, as documented (it used to have one per attempt).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_report_lists_each_item_once_with_its_last_outcome() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let w = w.reopen(chaos_config()).await.unwrap();
    w.wallet
        .check_in(CheckIn::new(None).unwrap())
        .await
        .unwrap();
    portal
        .set_chaos(Some(
            chaos_starting_with(0.5, &[ChaosOutcome::InternalError, ChaosOutcome::Passed]).unwrap(),
        ))
        .unwrap();
    let report = w
        .wallet
        .sync(SyncOptions {
            deadline: Some(Instant::now() + Duration::from_secs(30)),
            wait_for_retries: true,
            outbox_only: true,
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    assert_eq!(report.still_pending, 0);
    assert!(matches!(
        report.items.last(),
        Some((_, _, ItemOutcome::Sent(_)))
    ));
    assert_eq!(report.items.len(), 1, "{:?}", report.items);
}

/// Holders added at the same time get distinct status indices and every
/// registration is kept: `register_card` holds the issuer directory's lock
/// (without it, two could read the registry before either wrote it, and
/// revoking one card revoked the other).
#[test]
fn holders_added_at_the_same_time_get_distinct_status_indices() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let portal = runtime.block_on(Portal::start(None)).unwrap();
    let hearings = hearings_json(&["H-2027-0001"]);
    let holders: Vec<_> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    (0..8)
                        .map(|_| portal.add_holder(&hearings).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let issuer = portal.issuer().unwrap();
    let mut indices: Vec<u32> = holders
        .iter()
        .map(|h| {
            docket_core::sc1::SignedCard::from_text(&h.card_qr)
                .unwrap()
                .card()
                .status_index
                .value()
        })
        .collect();
    indices.sort_unstable();
    indices.dedup();
    let registered = issuer.registry().unwrap().cards.len();
    assert_eq!(
        (indices.len(), registered),
        (holders.len(), holders.len()),
        "distinct status indices, registry entries"
    );
    runtime.block_on(portal.shutdown());
}
