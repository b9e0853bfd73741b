//! Exactly-once across crashes and cancellation.
//!
//! - A real wallet process (`e2e-wallet`) syncing through a chaotic portal
//!   is killed with SIGKILL at seeded points, several times in a row on the
//!   same wallet: mid-request, mid-commit, mid-backoff. Reopened in
//!   process, the wallet finishes, and the portal holds every item once.
//! - A sync future dropped right after its first `Sending` event (the
//!   screen closed, the coroutine cancelled) still commits that send.

use docket_core::outbox::ItemState;
use docket_core::sync::{ProgressSink, SyncEvent, SyncOptions};
use docket_e2e::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

const ITEMS: usize = 120;
const KILLS: usize = 8;
const SEED: u64 = 20_261_122;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_killed_mid_sync_again_and_again_delivers_each_item_once() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let dir = portal.scratch("w").unwrap();
    let (w, _) = TestWallet::enrolled(&dir, &portal, &holder).await.unwrap();
    let queued = w.queue_mix(ITEMS, 5).await.unwrap();
    // The worker process owns the wallet from here.
    drop(w);
    portal.set_chaos(Some(chaos(0.2, SEED).unwrap())).unwrap();

    let mut rng = StdRng::seed_from_u64(SEED);
    let mut kills_mid_send = 0;
    for round in 0..KILLS {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_e2e-wallet"))
            .arg(&dir)
            .arg(portal.url())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Kill after the n-th line of a kind: right after "sending" the
        // request (or its commit) is in flight; after any line, anywhere.
        let target: usize = rng.random_range(1..=12);
        let only_sending = rng.random_bool(0.5);
        let mut seen = 0;
        let mut last = String::new();
        while seen < target {
            let Some(line) = lines.next_line().await.unwrap() else {
                let status = child.wait().await.unwrap();
                panic!(
                    "round {round}: the worker ended before the kill point ({status}); last line {last:?}"
                );
            };
            assert_ne!(
                line, "done",
                "round {round}: queue ran dry; queue more items"
            );
            if !only_sending || line.starts_with("sending ") {
                seen += 1;
            }
            last = line;
        }
        child.start_kill().unwrap(); // SIGKILL
        let status = child.wait().await.unwrap();
        assert!(!status.success(), "round {round}: {status}");
        if last.starts_with("sending ") {
            kills_mid_send += 1;
        }
    }
    assert!(kills_mid_send > 0, "no kill landed mid-send; change SEED");

    // Restarted in process: interrupted sends go back to the queue with
    // their keys, and the portal answers repeats as the first time.
    let w = TestWallet::open(&dir, chaos_config()).await.unwrap();
    w.sync_until_sent(20, Duration::from_secs(120))
        .await
        .unwrap();
    let received = portal.received().unwrap();
    let expected = w.expected(&holder.serial.to_string()).await.unwrap();
    assert_eq!(expected.len(), ITEMS);
    let delivery = check_delivery(&expected, &received);
    assert!(delivery.is_exact(), "{delivery}");
    let received_moves: Vec<String> = received
        .iter()
        .filter(|r| r.kind == "address_change")
        .map(|r| r.idempotency_key.clone())
        .collect();
    assert_eq!(received_moves, address_change_keys(&queued));
    eprintln!(
        "{KILLS} kills ({kills_mid_send} right after a send began); chaos {}",
        portal.chaos_counts().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_cancelled_after_its_first_send_began_still_commits_that_send() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let queued = w.queue_mix(3, 0).await.unwrap();

    // Hold the portal's database write lock: the first send can reach the
    // portal but cannot be answered until the lock is released, so the
    // cancellation surely lands while it is in flight.
    let blocker = rusqlite::Connection::open(portal.db()).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();

    let (events, mut sending) = tokio::sync::mpsc::unbounded_channel();
    let progress: ProgressSink = Arc::new(move |event: &SyncEvent| {
        if let SyncEvent::Sending { id, .. } = event {
            let _ = events.send(*id);
        }
    });
    let first = {
        let pass = w.wallet.sync(SyncOptions {
            progress: Some(progress),
            ..SyncOptions::default()
        });
        tokio::pin!(pass);
        tokio::select! {
            biased;
            id = sending.recv() => id.unwrap(),
            ended = &mut pass => panic!("the pass ended before its first send: {ended:?}"),
        }
        // The pass is dropped here.
    };
    assert_eq!(first, queued[0].id);
    let in_flight = w.wallet.pending().await.unwrap();
    assert_eq!(in_flight[0].id, first);
    assert_eq!(in_flight[0].state, ItemState::Sending);
    // (No `admin::received` here: opening the portal's database waits for
    // the write lock this test holds.)
    blocker.execute_batch("ROLLBACK").unwrap();

    // The detached send completes and commits with nobody awaiting it.
    // The wallet offers no event for that, so watch its history (bounded;
    // a lost commit leaves the item `sending` and fails here).
    let started = Instant::now();
    let sent = loop {
        let history = w.wallet.history().await.unwrap();
        if let Some(item) = history.into_iter().find(|i| i.id == first) {
            break item;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the cancelled pass's send was never committed: {:?}",
            w.wallet.pending().await.unwrap()[0].state
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(sent.state, ItemState::Sent);
    assert_eq!(
        sent.attempts, 1,
        "committed by the first attempt, not resent"
    );
    let received = portal.received().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].idempotency_key, sent.idempotency_key);
    assert_eq!(
        sent.receipt.and_then(|r| r.reference).as_deref(),
        Some(received[0].reference.as_str())
    );

    // The next pass sends the rest and not that one again.
    w.sync_until_sent(5, Duration::from_secs(60)).await.unwrap();
    let expected = w.expected(&holder.serial.to_string()).await.unwrap();
    let delivery = check_delivery(&expected, &portal.received().unwrap());
    assert!(delivery.is_exact(), "{delivery}");
    let history = w.wallet.history().await.unwrap();
    assert!(history.iter().all(|i| i.attempts == 1), "{history:?}");
}
