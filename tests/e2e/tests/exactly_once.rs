//! Exactly-once delivery under chaos: a thousand items queued while the
//! portal is down, then delivered through a portal that fails three
//! requests in ten in every way it can (errors, hangs, dropped
//! connections, answers cut short or lost after the commit). The portal
//! must end with exactly the wallet's items, each once, under the
//! references the wallet shows, address changes in the order queued.

use docket_core::outbox::ItemState;
use docket_core::sync::{SyncOptions, SyncStop};
use docket_e2e::*;
use docket_portal::ChaosOutcome;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const ITEMS: usize = 1000;
/// One item in ten is an address change.
const ADDRESS_EVERY: usize = 10;
const CHAOS_RATE: f64 = 0.3;
const CHAOS_SEED: u64 = 20_261_122;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_items_queued_offline_arrive_exactly_once_under_chaos() {
    let mut portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let dir = portal.scratch("w").unwrap();
    let (w, _) = TestWallet::enrolled(&dir, &portal, &holder).await.unwrap();
    let w = w.reopen(chaos_config()).await.unwrap();

    // Offline: everything queues, and a pass gives up at the first refused
    // connection instead of trying each item.
    portal.stop().await;
    let started = Instant::now();
    let queued = w.queue_mix(ITEMS, ADDRESS_EVERY).await.unwrap();
    let report = w
        .wallet
        .sync(SyncOptions {
            deadline: Some(Instant::now() + Duration::from_secs(60)),
            wait_for_retries: true,
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    assert_eq!(report.stop, SyncStop::Offline);
    assert_eq!(report.items.len(), 1, "one attempt, then stop");
    assert_eq!(report.still_pending, ITEMS);
    let pending = w.wallet.pending().await.unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|i| i.idempotency_key.as_str())
            .collect::<Vec<_>>(),
        queued
            .iter()
            .map(|i| i.idempotency_key.as_str())
            .collect::<Vec<_>>()
    );
    assert!(pending.iter().all(|i| i.state == ItemState::Queued));
    assert!(portal.received().unwrap().is_empty());
    eprintln!("queued and offline pass in {:?}", started.elapsed());
    let started = Instant::now();

    // Back up, under chaos.
    portal
        .restart(Some(chaos(CHAOS_RATE, CHAOS_SEED).unwrap()))
        .await
        .unwrap();
    let reports = w
        .sync_until_sent(20, Duration::from_secs(150))
        .await
        .unwrap();
    let counts = portal.chaos_counts().unwrap();
    eprintln!("delivered in {:?}", started.elapsed());
    eprintln!(
        "{} passes; chaos {counts}; stops {:?}",
        reports.len(),
        reports.iter().map(|r| r.stop).collect::<Vec<_>>()
    );

    let received = portal.received().unwrap();
    let expected = w.expected(&holder.serial.to_string()).await.unwrap();
    assert_eq!(expected.len(), ITEMS);
    let delivery = check_delivery(&expected, &received);
    assert!(delivery.is_exact(), "{delivery}");
    let references: HashSet<&str> = received.iter().map(|r| r.reference.as_str()).collect();
    assert_eq!(references.len(), ITEMS, "every item has its own reference");

    // Address changes in the order the holder made them.
    let received_moves: Vec<String> = received
        .iter()
        .filter(|r| r.kind == "address_change")
        .map(|r| r.idempotency_key.clone())
        .collect();
    assert_eq!(received_moves, address_change_keys(&queued));
    assert_eq!(received_moves.len(), ITEMS / ADDRESS_EVERY);

    // Chaos did everything it can, and the wallet had to retry for it.
    for kind in ChaosOutcome::FAULTS {
        assert!(counts.get(kind) > 0, "{kind:?} never happened: {counts}");
    }
    let history = w.wallet.history().await.unwrap();
    let attempts: u32 = history.iter().map(|i| i.attempts).sum();
    assert!(
        attempts as usize > ITEMS,
        "no item needed a second attempt ({attempts})"
    );
}
