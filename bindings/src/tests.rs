//! The FFI surface from Rust, as the apps will call it: a wallet against
//! the reference portal on loopback, the officer's phone downloading its
//! lists and scanning the live QR drawn from the module matrix (and
//! remembering it across a reopen), a panic turned into an error, calls
//! from many threads at once, and a dropped call whose work still
//! completes.
//!
//! Unit tests rather than an integration test: the crate builds no rlib
//! (see its Cargo.toml), so only its own test harness can link it.

use crate::{
    AddressInput, DocketError, KeyStore, ListOutcome, ListState, OfficerConfig, PlatformError,
    QrCode, ReasonView, WalletConfig, memory_secret_store, open_officer, open_wallet,
    software_key_store,
};
use docket_core::device::{DeviceSigner, SoftwareDeviceKey};
use docket_issuer::CardRequest;
use docket_issuer::IssuerDir;
use docket_portal::{PortalConfig, PortalThread, admin};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const CARD_JSON: &str = r#"{"family_name":"Nguyễn","given_names":"Thị Lan","date_of_birth":"1985-03","sex":"F","nationality":"VNM","expires":"2030-06-30"}"#;

struct Case {
    dir: tempfile::TempDir,
    portal: PortalThread,
    root: String,
    card_qr: String,
    code: String,
}

impl Case {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let issuer_path = dir.path().join("issuer");
        let issuer = IssuerDir::create(
            &issuer_path,
            docket_core::trust::KeyId(1),
            jiff::Timestamp::now(),
        )
        .unwrap();
        let db = dir.path().join("portal.sqlite");
        let holder = admin::add_holder(
            &db,
            &issuer_path,
            &CardRequest::parse(CARD_JSON).unwrap(),
            b"photo",
            None,
            jiff::Timestamp::now(),
        )
        .unwrap();
        let portal = PortalThread::start(
            PortalConfig {
                db,
                issuer: issuer_path,
                chaos: None,
            },
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .unwrap();
        Case {
            root: issuer.root_public().unwrap().to_hex(),
            dir,
            portal,
            card_qr: holder.card_qr,
            code: holder.activation_code.to_string(),
        }
    }

    fn config(&self, name: &str) -> WalletConfig {
        WalletConfig {
            database_path: self.dir.path().join(name).display().to_string(),
            root_keys: vec![self.root.clone()],
            request_timeout_ms: 5_000,
            retry_base_ms: 0,
        }
    }

    /// A wallet on the software stand-in stores.
    async fn software_wallet(&self, name: &str) -> Arc<crate::Wallet> {
        open_wallet(
            self.config(name),
            software_key_store().unwrap(),
            memory_secret_store(),
        )
        .await
        .unwrap()
    }

    /// An officer's phone in `name`, downloading from the case's portal.
    fn officer_config(&self, name: &str) -> OfficerConfig {
        OfficerConfig {
            state_dir: self.dir.path().join(name).display().to_string(),
            root_keys: vec![self.root.clone()],
            portal_url: Some(self.portal.url()),
            request_timeout_ms: 5_000,
        }
    }

    /// An officer's phone with the portal's lists installed.
    async fn officer(&self, name: &str) -> Arc<crate::Officer> {
        let officer = open_officer(self.officer_config(name)).await.unwrap();
        let update = officer.update_lists().await.unwrap();
        assert!(update.freshness.ready, "{update:?}");
        officer
    }

    fn lists(&self) -> (Vec<u8>, Vec<u8>) {
        let issuer = self.dir.path().join("issuer");
        (
            std::fs::read(issuer.join("trust-list.sctl")).unwrap(),
            std::fs::read(issuer.join("status-list.scsl")).unwrap(),
        )
    }
}

/// A software key store a test can break: told to panic while signing (as
/// a broken platform adapter might), or to hold every signature until its
/// gate opens (as a hardware key waiting for its secure element does).
struct TestKeyStore {
    key: SoftwareDeviceKey,
    panic_on_sign: AtomicBool,
    gate_open: std::sync::Mutex<bool>,
    gate_opened: std::sync::Condvar,
    waiting: std::sync::atomic::AtomicUsize,
}

impl TestKeyStore {
    fn new() -> Arc<Self> {
        Arc::new(TestKeyStore {
            key: SoftwareDeviceKey::generate().unwrap(),
            panic_on_sign: AtomicBool::new(false),
            gate_open: std::sync::Mutex::new(true),
            gate_opened: std::sync::Condvar::new(),
            waiting: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    fn set_gate(&self, open: bool) {
        *self.gate_open.lock().unwrap() = open;
        self.gate_opened.notify_all();
    }

    /// A wallet on this key store, enrolled with the case's card.
    async fn enrolled_wallet(self: &Arc<Self>, case: &Case) -> Arc<crate::Wallet> {
        let wallet = open_wallet(case.config("w.db"), self.clone(), memory_secret_store())
            .await
            .unwrap();
        wallet
            .enroll(case.portal.url(), case.card_qr.clone(), case.code.clone())
            .await
            .unwrap();
        wallet
    }
}

impl KeyStore for TestKeyStore {
    fn create_key(&self) -> Result<Vec<u8>, PlatformError> {
        self.public_key()
    }

    fn public_key(&self) -> Result<Vec<u8>, PlatformError> {
        Ok(self.key.public().to_compressed().to_vec())
    }

    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        if self.panic_on_sign.load(Ordering::SeqCst) {
            panic!("the key store adapter is broken");
        }
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut open = self.gate_open.lock().unwrap();
        while !*open {
            open = self.gate_opened.wait(open).unwrap();
        }
        drop(open);
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        Ok(self.key.sign(&message).unwrap())
    }
}

/// The QR drawn as an app would: 4 pixels per module, a 4-module quiet
/// zone, as 8-bit luma.
fn draw(qr: &QrCode) -> (Vec<u8>, u32) {
    let scale = 4u32;
    let side = (qr.size + 8) * scale;
    let mut luma = vec![255u8; (side * side) as usize];
    for y in 0..qr.size {
        for x in 0..qr.size {
            if qr.modules[(y * qr.size + x) as usize] == 1 {
                for dy in 0..scale {
                    for dx in 0..scale {
                        let px = (x + 4) * scale + dx;
                        let py = (y + 4) * scale + dy;
                        luma[(py * side + px) as usize] = 0;
                    }
                }
            }
        }
    }
    (luma, side)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enroll_show_scan_queue_and_sync() {
    let case = Case::new();
    let wallet = case.software_wallet("w.db").await;
    let enrolled = wallet
        .enroll(case.portal.url(), case.card_qr.clone(), case.code.clone())
        .await
        .unwrap();
    assert!(enrolled.verdict.valid);
    let card = wallet.card().await.unwrap().unwrap();
    assert_eq!(card.verdict.holder.unwrap().family_name, "Nguyễn");
    assert_eq!(card.photo, b"photo");

    let qr = wallet.live_qr().await.unwrap();
    assert_eq!(qr.modules.len(), (qr.size * qr.size) as usize);
    let verifier = case.officer("officer").await;
    let (luma, side) = draw(&qr);
    let verdict = verifier
        .scan_frame(luma.clone(), side, side, side)
        .unwrap()
        .unwrap();
    assert!(verdict.valid, "{verdict:?}");
    assert_eq!(verdict.form, Some(crate::CodeForm::Live));
    let again = verifier
        .scan_frame(luma, side, side, side)
        .unwrap()
        .unwrap();
    assert_eq!(again.reasons[0].code, "live_code_replayed");
    assert!(
        verifier
            .scan_frame(vec![128; 64 * 64], 64, 64, 64)
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        verifier.scan_frame(vec![0; 10], 64, 64, 64),
        Err(DocketError::InvalidInput { .. })
    ));

    let item = wallet
        .check_in(Some("from the library".to_owned()))
        .await
        .unwrap();
    assert_eq!(item.state, crate::OutboxState::Queued);
    let summary = wallet.sync(Some(10_000), true).await.unwrap();
    assert_eq!((summary.sent, summary.still_pending), (1, 0));
    assert_eq!(summary.stop, crate::SyncStop::Done);
    assert_eq!(summary.trust_list, crate::ListUpdate::Current);
    let history = wallet.history().await.unwrap();
    assert_eq!(history[0].idempotency_key, item.idempotency_key);
    assert!(history[0].reference.is_some());

    let bad = wallet
        .report_move(
            AddressInput {
                street1: "1 Main St".into(),
                street2: None,
                city: "Austin".into(),
                state: "Texas".into(),
                zip: "78701".into(),
            },
            "2026-11-20".into(),
            "2026-11-22".into(),
        )
        .await;
    assert!(
        matches!(bad, Err(DocketError::InvalidInput { .. })),
        "{bad:?}"
    );
    let wrong = case
        .software_wallet("other.db")
        .await
        .enroll(
            case.portal.url(),
            case.card_qr.clone(),
            "AAAA-AAAA-AAAA".into(),
        )
        .await;
    assert!(
        matches!(&wrong, Err(DocketError::Enrollment { code, .. }) if code == "activation_code_wrong"),
        "{wrong:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_below_the_ffi_comes_back_as_an_error() {
    let case = Case::new();
    let keys = TestKeyStore::new();
    let wallet = keys.enrolled_wallet(&case).await;
    keys.panic_on_sign.store(true, Ordering::SeqCst);
    let result = wallet.live_qr().await;
    assert!(
        matches!(&result, Err(DocketError::Internal { message }) if message.contains("broken")),
        "{result:?}"
    );
    // The wallet still works afterwards.
    keys.panic_on_sign.store(false, Ordering::SeqCst);
    wallet.live_qr().await.unwrap();
    assert!(wallet.card().await.unwrap().unwrap().verdict.valid);
}

#[test]
fn calls_from_many_threads_at_once_are_safe() {
    let case = Case::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let wallet = runtime
        .block_on(open_wallet(
            case.config("w.db"),
            software_key_store().unwrap(),
            memory_secret_store(),
        ))
        .unwrap();
    runtime
        .block_on(wallet.enroll(case.portal.url(), case.card_qr.clone(), case.code.clone()))
        .unwrap();
    let verifier = runtime.block_on(case.officer("officer"));
    let threads: Vec<_> = (0..16)
        .map(|n| {
            let wallet = wallet.clone();
            let verifier = verifier.clone();
            std::thread::spawn(move || {
                // Each thread drives its own executor, as foreign threads do.
                let local = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                local.block_on(async {
                    let item = wallet.check_in(Some(format!("thread {n}"))).await.unwrap();
                    let qr = wallet.live_qr().await.unwrap();
                    let verdict = verifier.verify_text(qr.text).unwrap();
                    assert!(verdict.holder.is_some());
                    wallet.pending().await.unwrap();
                    item.idempotency_key
                })
            })
        })
        .collect();
    let mut keys: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 16);
    assert_eq!(runtime.block_on(wallet.pending()).unwrap().len(), 16);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_call_still_completes_its_work() {
    let case = Case::new();
    let wallet = case.software_wallet("w.db").await;
    // Poll the call once, then drop it, as a cancelled coroutine does.
    let call = wallet.check_in(Some("kept".to_owned()));
    let _ = tokio::time::timeout(std::time::Duration::from_micros(1), call).await;
    // The dropped call's task goes on without its caller. It may not have
    // reached the store yet when the caller gave up (a loaded machine), so
    // wait for its effect rather than assume an order.
    let mut pending = Vec::new();
    for _ in 0..200 {
        pending = wallet.pending().await.unwrap();
        if !pending.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(pending.len(), 1, "the dropped check-in was never saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_must_have_its_roots_built_in() {
    let case = Case::new();
    let mut config = case.config("w.db");
    config.root_keys.clear();
    let result = open_wallet(config, software_key_store().unwrap(), memory_secret_store()).await;
    assert!(matches!(result, Err(DocketError::InvalidInput { .. })));
}

/// Records what the observer is told.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<usize>>);

impl crate::WalletObserver for Recorder {
    fn outbox_changed(&self, pending: Vec<crate::OutboxItemView>) {
        self.0.lock().unwrap().push(pending.len());
    }

    fn hearings_changed(&self, _changes: crate::HearingChangesView) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_outbox_list_an_observer_gets_is_the_current_one() {
    let case = Case::new();
    let wallet = case.software_wallet("w.db").await;
    let recorder = Arc::new(Recorder::default());
    wallet.set_observer(Some(recorder.clone()));
    let calls: Vec<_> = (0..20)
        .map(|n| {
            let wallet = wallet.clone();
            tokio::spawn(async move { wallet.check_in(Some(format!("{n}"))).await.unwrap() })
        })
        .collect();
    for call in calls {
        call.await.unwrap();
    }
    let seen = recorder.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 20, "one notification per change");
    assert_eq!(seen.last(), Some(&20), "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "in order: {seen:?}");
}

/// Two slow signatures at once would hold both of the runtime's worker
/// threads if key-store calls simply blocked them; every other call of
/// every wallet would then wait for the secure element.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_key_store_does_not_stall_other_calls() {
    let case = Case::new();
    let keys = TestKeyStore::new();
    let wallet = keys.enrolled_wallet(&case).await;

    keys.set_gate(false);
    let slow: Vec<_> = (0..2)
        .map(|_| {
            let wallet = wallet.clone();
            tokio::spawn(async move { wallet.live_qr().await })
        })
        .collect();
    let started = std::time::Instant::now();
    while keys.waiting.load(Ordering::SeqCst) < 2 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the two signatures never started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let meanwhile =
        tokio::time::timeout(std::time::Duration::from_secs(10), wallet.pending()).await;
    keys.set_gate(true);
    assert!(
        matches!(meanwhile, Ok(Ok(ref pending)) if pending.is_empty()),
        "a call waited for the key store: {meanwhile:?}"
    );
    for call in slow {
        assert!(!call.await.unwrap().unwrap().modules.is_empty());
    }
}

/// A locked key store (after a restart, before the first unlock) is a
/// KeyStore error with its own code, so the app can say "unlock your
/// phone" rather than "failed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_key_store_says_so() {
    struct Locked;
    impl KeyStore for Locked {
        fn create_key(&self) -> Result<Vec<u8>, PlatformError> {
            Err(PlatformError::Locked)
        }
        fn public_key(&self) -> Result<Vec<u8>, PlatformError> {
            Err(PlatformError::Locked)
        }
        fn sign(&self, _message: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
            Err(PlatformError::Locked)
        }
    }
    let case = Case::new();
    let result = open_wallet(case.config("w.db"), Arc::new(Locked), memory_secret_store()).await;
    assert!(
        matches!(&result, Err(DocketError::KeyStore { code, message })
            if code == "key_store_locked" && message.contains("unlock")),
        "{:?}",
        result.err()
    );
}

/// Every u64 the FFI can carry is a valid timeout, retry base or
/// deadline: none may become an internal error through an arithmetic
/// overflow (`Instant + Duration` panics on one; the deadline is added
/// with `checked_add`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_durations_from_the_app_are_not_internal_errors() {
    let case = Case::new();
    let mut config = case.config("w.db");
    config.request_timeout_ms = u64::MAX;
    config.retry_base_ms = u64::MAX;
    let wallet = open_wallet(config, software_key_store().unwrap(), memory_secret_store())
        .await
        .unwrap();
    let result = wallet.sync(Some(u64::MAX), false).await;
    assert!(
        matches!(&result, Err(DocketError::Sync { code, .. }) if code == "not_enrolled"),
        "{result:?}"
    );
}

fn codes(reasons: &[ReasonView]) -> Vec<&str> {
    reasons.iter().map(|r| r.code.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officers_lists_and_replay_memory_survive_a_reopen() {
    let case = Case::new();
    let wallet = case.software_wallet("w.db").await;
    wallet
        .enroll(case.portal.url(), case.card_qr.clone(), case.code.clone())
        .await
        .unwrap();
    let officer = open_officer(case.officer_config("officer")).await.unwrap();
    let empty = officer.freshness().unwrap();
    assert!(!empty.ready);
    assert_eq!(empty.trust_list.state, ListState::Missing);
    assert_eq!(
        codes(&empty.reasons),
        ["trust_list_missing", "status_list_missing"]
    );

    let first = officer.update_lists().await.unwrap();
    assert!(
        matches!(first.trust_list, ListOutcome::Installed { sequence: 1 }),
        "{first:?}"
    );
    assert!(matches!(first.status_list, ListOutcome::Installed { .. }));
    assert!(first.freshness.ready);
    assert_eq!(first.freshness.trust_list.state, ListState::Fresh);
    assert!(first.freshness.last_update_unix.is_some());
    let (luma, side) = draw(&wallet.live_qr().await.unwrap());
    let verdict = officer
        .scan_frame(luma.clone(), side, side, side)
        .unwrap()
        .unwrap();
    assert!(verdict.valid, "{verdict:?}");
    drop(officer);

    // The app is killed and started again.
    let officer = open_officer(case.officer_config("officer")).await.unwrap();
    assert!(officer.freshness().unwrap().ready, "the lists were kept");
    let again = officer.scan_frame(luma, side, side, side).unwrap().unwrap();
    assert_eq!(codes(&again.reasons), ["live_code_replayed"]);
    let second = officer.update_lists().await.unwrap();
    assert_eq!(
        (second.trust_list, second.status_list),
        (ListOutcome::AlreadyCurrent, ListOutcome::AlreadyCurrent)
    );
    // Lists that came another way go through the same installation.
    let (trust, status) = case.lists();
    let given = officer.install_lists(trust, status).await.unwrap();
    assert_eq!(given.status_list, ListOutcome::AlreadyCurrent);
    let refused = officer.install_lists(vec![1, 2, 3], vec![]).await.unwrap();
    assert!(
        matches!(&refused.trust_list, ListOutcome::Refused { code, .. } if code == "trust_list_malformed"),
        "{refused:?}"
    );
    assert!(refused.freshness.ready, "the installed lists are kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_is_refused_what_it_cannot_trust_with_a_code() {
    let case = Case::new();
    let code_of = |result: Result<Arc<crate::Officer>, DocketError>| match result {
        Err(DocketError::InvalidInput { code, .. } | DocketError::Storage { code, .. }) => code,
        other => panic!("{:?}", other.map(|_| "an officer")),
    };
    let mut no_roots = case.officer_config("o1");
    no_roots.root_keys.clear();
    assert_eq!(code_of(open_officer(no_roots).await), "root_key");
    let mut plain_http = case.officer_config("o2");
    plain_http.portal_url = Some("http://portal.example.gov".to_owned());
    assert_eq!(code_of(open_officer(plain_http).await), "bad_portal_url");

    // A damaged state file: refused, and left byte for byte.
    let config = case.officer_config("o3");
    std::fs::create_dir_all(&config.state_dir).unwrap();
    let state_file = std::path::Path::new(&config.state_dir).join("officer-state.json");
    std::fs::write(&state_file, b"{\"trust_list\": {").unwrap();
    assert_eq!(code_of(open_officer(config).await), "officer_state_damaged");
    assert_eq!(std::fs::read(&state_file).unwrap(), b"{\"trust_list\": {");

    // Without a portal, lists only come through install_lists.
    let mut offline = case.officer_config("o4");
    offline.portal_url = None;
    let officer = open_officer(offline).await.unwrap();
    let update = officer.update_lists().await;
    assert!(
        matches!(&update, Err(DocketError::InvalidInput { code, .. }) if code == "no_portal"),
        "{update:?}"
    );
    let (trust, status) = case.lists();
    assert!(
        officer
            .install_lists(trust, status)
            .await
            .unwrap()
            .freshness
            .ready
    );
}

/// Issue 14, "Device key lost", as a phone meets it: the app makes a new
/// key at start, which is not the card's. The card view says so, and
/// nothing is signed with it (no live code, no sync) until the card is
/// enrolled again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_whose_key_is_not_the_cards_says_so_and_signs_nothing() {
    let case = Case::new();
    let secrets = memory_secret_store();
    let wallet = open_wallet(
        case.config("w.db"),
        software_key_store().unwrap(),
        secrets.clone(),
    )
    .await
    .unwrap();
    wallet
        .enroll(case.portal.url(), case.card_qr.clone(), case.code.clone())
        .await
        .unwrap();
    let card = wallet.card().await.unwrap().unwrap();
    assert_eq!(card.device_key, crate::enums::DeviceKeyStatus::Bound);
    assert_eq!(card.storage, crate::enums::StorageStatus::Writable);
    wallet.check_in(None).await.unwrap();
    drop(wallet);

    let wallet = open_wallet(case.config("w.db"), software_key_store().unwrap(), secrets)
        .await
        .unwrap();
    let card = wallet.card().await.unwrap().unwrap();
    assert_eq!(card.device_key, crate::enums::DeviceKeyStatus::Mismatch);
    let code = |error: DocketError| match error {
        DocketError::KeyStore { code, .. } => code,
        other => panic!("expected a key store error, got {other:?}"),
    };
    assert_eq!(
        code(wallet.live_qr().await.unwrap_err()),
        "device_key_mismatch"
    );
    assert_eq!(
        code(wallet.sync(None, false).await.unwrap_err()),
        "device_key_mismatch"
    );
    assert_eq!(
        wallet.pending().await.unwrap().len(),
        1,
        "the queue is kept"
    );
}
