//! Sync without a portal: an offline pass fails fast and leaves every item
//! queued with its key; a deadline already passed sends nothing; the
//! store thread finishes a job whose caller went away.

use docket_core::device::SoftwareDeviceKey;
use docket_core::outbox::CheckIn;
use docket_core::store::{FileSecretStore, StoreThread};
use docket_core::sync::{SyncConfig, SyncOptions, SyncStop};
use docket_core::wallet::{Wallet, WalletSetup};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A loopback URL where nothing listens: connections are refused at once.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

async fn enrolled_wallet(dir: &std::path::Path, portal: &str) -> Wallet {
    let database = dir.join("wallet.db");
    {
        let store = StoreThread::open(
            database.clone(),
            Box::new(FileSecretStore::new(dir.join("secrets")).unwrap()),
        )
        .await
        .unwrap();
        let url = portal.to_owned();
        store
            .run(move |s| s.save_enrollment(&url, None, Timestamp::now()))
            .await
            .unwrap();
    }
    Wallet::open(WalletSetup {
        database,
        secrets: Box::new(FileSecretStore::new(dir.join("secrets")).unwrap()),
        device_key: Arc::new(SoftwareDeviceKey::from_seed(&[3; 32]).unwrap()),
        roots: Vec::new(),
        sync: SyncConfig::default(),
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn an_offline_pass_fails_fast_and_keeps_everything_queued() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = enrolled_wallet(dir.path(), &closed_port_url()).await;
    for note in ["one", "two", "three"] {
        wallet
            .check_in(CheckIn::new(Some(note)).unwrap())
            .await
            .unwrap();
    }
    let keys: Vec<String> = wallet
        .pending()
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.idempotency_key)
        .collect();

    let started = Instant::now();
    let report = wallet
        .sync(SyncOptions {
            wait_for_retries: true,
            deadline: Some(Instant::now() + Duration::from_secs(30)),
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report.stop, SyncStop::Offline);
    assert_eq!(
        report.items.len(),
        1,
        "stopped at the first refused connection"
    );
    assert_eq!(report.still_pending, 3);

    let pending = wallet.pending().await.unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|i| i.idempotency_key.clone())
            .collect::<Vec<_>>(),
        keys
    );
    assert!(pending.iter().all(|i| i.state.code() == "queued"));
    assert_eq!(pending[0].last_failure.as_deref(), Some("offline"));
    let enrollment = wallet.enrollment().await.unwrap().unwrap();
    assert_eq!(
        enrollment.last_synced_at,
        Some(enrollment.enrolled_at),
        "a pass that never reached the portal is not a sync"
    );
}

#[tokio::test]
async fn a_pass_past_its_deadline_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = enrolled_wallet(dir.path(), &closed_port_url()).await;
    wallet.check_in(CheckIn::new(None).unwrap()).await.unwrap();
    let report = wallet
        .sync(SyncOptions {
            deadline: Some(Instant::now()),
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    assert_eq!(report.stop, SyncStop::Deadline);
    assert!(report.items.is_empty());
    let pending = wallet.pending().await.unwrap();
    assert_eq!(pending[0].attempts, 0, "nothing was claimed");
}

#[tokio::test]
async fn a_store_job_completes_when_its_caller_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    let store = StoreThread::open(
        dir.path().join("wallet.db"),
        Box::new(FileSecretStore::new(dir.path().join("secrets")).unwrap()),
    )
    .await
    .unwrap();
    let slow = store.run(|s| {
        std::thread::sleep(Duration::from_millis(200));
        s.enqueue_check_in(CheckIn::new(Some("kept")).unwrap(), Timestamp::now())
    });
    // Poll once so the job is handed over, then drop the caller's future.
    let _ = tokio::time::timeout(Duration::from_millis(10), slow).await;
    let pending = store.run(|s| s.pending()).await.unwrap();
    assert_eq!(pending.len(), 1);
}

#[tokio::test]
async fn a_wallet_that_never_enrolled_cannot_sync() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(WalletSetup {
        database: dir.path().join("wallet.db"),
        secrets: Box::new(FileSecretStore::new(dir.path().join("secrets")).unwrap()),
        device_key: Arc::new(SoftwareDeviceKey::from_seed(&[3; 32]).unwrap()),
        roots: Vec::new(),
        sync: SyncConfig::default(),
    })
    .await
    .unwrap();
    let error = wallet.sync(SyncOptions::default()).await.unwrap_err();
    assert_eq!(error.code(), "not_enrolled");
    assert!(wallet.card().await.unwrap().is_none());
}
