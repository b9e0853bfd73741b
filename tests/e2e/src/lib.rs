//! The end-to-end harness: a real portal (temporary issuer directory,
//! SQLite file and HTTP server on loopback), holders issued through the
//! portal's admin functions, and real wallets (`docket_core::wallet`) each
//! with its own database, device key and HTTP client, configured to retry
//! fast enough for a test.
//!
//! Shared by the tests in `tests/`, the crash worker (`e2e-wallet`) and the
//! load benchmark (`benches/load.rs`). Nothing here panics on what it is
//! given: every failure is a [`HarnessError`].

#![warn(missing_docs)]

use docket_core::device::{DeviceSigner, SoftwareDeviceKey, SoftwareKeyError};
use docket_core::outbox::{
    AddressChange, ChangeError, CheckIn, CheckInError, ItemKind, ItemState, OutboxItem,
    RetryPolicy, UsAddress,
};
use docket_core::portal_api::paths;
use docket_core::portal_api::signing::{self, RequestTarget, SignatureHeaders};
use docket_core::store::FileSecretStore;
use docket_core::sync::{
    EnrollError, Enrolled, ProgressSink, SyncConfig, SyncError, SyncOptions, SyncReport,
};
use docket_core::trust::{Ed25519PublicKey, KeyId, TrustStore};
use docket_core::verify::{Verifier, VerifierPolicy};
use docket_core::wallet::{Wallet, WalletError, WalletSetup};
use docket_issuer::{CardRequest, IssuerDir};
use docket_portal::admin::{self, AdminError, NewHolder, ReceivedSubmission};
use docket_portal::{
    ChaosCounts, ChaosOutcome, ChaosSpec, PortalConfig, PortalError, RunningPortal,
};
use jiff::{SignedDuration, Timestamp, Zoned};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;

/// The holder data every test card is issued from (CARD.json).
pub const CARD_JSON: &str = r#"{"family_name":"Nguyễn","given_names":"Thị Lan","date_of_birth":"1985-03",
"sex":"F","nationality":"VNM","expires":"2030-06-30"}"#;

/// The holder's photo, as far as the portal and the wallet care (the
/// card names its digest).
pub const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a photo, as far as the portal cares";

/// The wallet database's file name inside a wallet directory.
pub const WALLET_DB: &str = "wallet.db";
/// The secret store's directory inside a wallet directory.
pub const WALLET_SECRETS: &str = "secrets";
/// The device key (PKCS#8 PEM) inside a wallet directory, so that another
/// process (the crash worker) can open the same wallet.
pub const WALLET_KEY: &str = "device-key.pem";

/// Listen backlog of the test portal: the load benchmark opens 2,000
/// connections at once, and tokio's default (1,024) would drop SYNs and
/// turn a burst into one-second connect retransmits.
const LISTEN_BACKLOG: u32 = 4096;

/// How long a request may take under chaos before the wallet gives up on
/// it. Short, because each chaos `hang` costs exactly this much, and a
/// thousand-item run meets dozens of them.
pub const CHAOS_REQUEST_TIMEOUT: Duration = Duration::from_millis(300);
/// The chaos `hang`, in whole seconds (the portal's unit): longer than
/// [`CHAOS_REQUEST_TIMEOUT`], so every hang is a client timeout.
pub const CHAOS_HANG_SECS: u64 = 1;

/// Why the harness could not do what it was asked.
#[derive(Debug, Error)]
pub enum HarnessError {
    /// A file or socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The portal server failed.
    #[error(transparent)]
    Portal(#[from] PortalError),
    /// An admin operation failed.
    #[error(transparent)]
    Admin(#[from] AdminError),
    /// The issuer directory failed (its API speaks `anyhow`; kept as text).
    #[error("issuer directory: {0}")]
    Issuer(String),
    /// A wallet call failed.
    #[error(transparent)]
    Wallet(#[from] WalletError),
    /// Enrollment failed.
    #[error("enrollment failed ({code}): {error}", code = .0.code(), error = .0)]
    Enroll(#[from] EnrollError),
    /// A sync pass could not run.
    #[error("sync failed ({code}): {error}", code = .0.code(), error = .0)]
    Sync(#[from] SyncError),
    /// The device key could not be made, saved or read.
    #[error(transparent)]
    Key(#[from] SoftwareKeyError),
    /// A raw HTTP request failed.
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    /// A check-in could not be made.
    #[error(transparent)]
    CheckIn(#[from] CheckInError),
    /// An address change could not be made.
    #[error("address change: {0}")]
    Address(String),
    /// The portal is stopped (see [`Portal::restart`]).
    #[error("the portal is not running")]
    NotRunning,
    /// Items were still pending after every pass allowed.
    #[error("{still_pending} items still pending after {passes} sync passes: {detail}")]
    NotDelivered {
        /// Passes run.
        passes: usize,
        /// Items not sent.
        still_pending: usize,
        /// The pending items' states and last failures.
        detail: String,
    },
    /// Anything else, in words.
    #[error("{0}")]
    Other(String),
}

impl HarnessError {
    fn io(context: &'static str) -> impl FnOnce(std::io::Error) -> HarnessError {
        move |source| HarnessError::Io { context, source }
    }

    fn issuer(error: impl std::fmt::Display) -> HarnessError {
        HarnessError::Issuer(error.to_string())
    }
}

impl From<ChangeError> for HarnessError {
    fn from(error: ChangeError) -> Self {
        HarnessError::Address(error.to_string())
    }
}

impl From<docket_core::outbox::AddressError> for HarnessError {
    fn from(error: docket_core::outbox::AddressError) -> Self {
        HarnessError::Address(error.to_string())
    }
}

/// A portal for one test: a temporary issuer directory and database, and
/// the server on a loopback port that survives a stop and restart (so an
/// enrolled wallet, which remembers the URL, finds it again).
pub struct Portal {
    // Declared first so it is dropped (and the server stopped) before the
    // directory it writes to is removed.
    running: Option<RunningPortal>,
    addr: SocketAddr,
    db: PathBuf,
    issuer: PathBuf,
    dir: tempfile::TempDir,
}

impl Portal {
    /// A fresh issuer and database, served on a free loopback port, with
    /// `chaos` from the first request.
    pub async fn start(chaos: Option<ChaosSpec>) -> Result<Portal, HarnessError> {
        let dir = tempfile::tempdir().map_err(HarnessError::io("cannot make a temp dir"))?;
        let issuer = dir.path().join("issuer");
        IssuerDir::create(&issuer, KeyId(1), Timestamp::now()).map_err(HarnessError::issuer)?;
        let db = dir.path().join("portal.sqlite");
        let listener = listen(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let addr = listener
            .local_addr()
            .map_err(HarnessError::io("cannot read the portal's address"))?;
        let running = docket_portal::serve(
            PortalConfig {
                db: db.clone(),
                issuer: issuer.clone(),
                chaos,
            },
            listener,
        )
        .await?;
        Ok(Portal {
            running: Some(running),
            addr,
            db,
            issuer,
            dir,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The portal's SQLite file (for [`admin`] calls).
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// The issuer directory.
    pub fn issuer_path(&self) -> &Path {
        &self.issuer
    }

    /// The issuer directory, opened.
    pub fn issuer(&self) -> Result<IssuerDir, HarnessError> {
        IssuerDir::open(&self.issuer).map_err(HarnessError::issuer)
    }

    /// The issuer's root key: what an officer's app pins.
    pub fn root(&self) -> Result<Ed25519PublicKey, HarnessError> {
        self.issuer()?.root_public().map_err(HarnessError::issuer)
    }

    /// A scratch directory that lives as long as the portal (for wallets).
    pub fn scratch(&self, name: &str) -> Result<PathBuf, HarnessError> {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(&path).map_err(HarnessError::io("cannot make a scratch dir"))?;
        Ok(path)
    }

    /// The running server.
    pub fn running(&self) -> Result<&RunningPortal, HarnessError> {
        self.running.as_ref().ok_or(HarnessError::NotRunning)
    }

    /// Changes chaos on the running server; counts start again from 0.
    pub fn set_chaos(&self, spec: Option<ChaosSpec>) -> Result<(), HarnessError> {
        self.running()?.set_chaos(spec);
        Ok(())
    }

    /// Chaos outcome counts since chaos was last set.
    pub fn chaos_counts(&self) -> Result<ChaosCounts, HarnessError> {
        Ok(self.running()?.chaos_counts())
    }

    /// Stops the server (a wallet then finds the port closed); the files stay.
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
    }

    /// Starts the server again on the same address and files.
    pub async fn restart(&mut self, chaos: Option<ChaosSpec>) -> Result<(), HarnessError> {
        self.stop().await;
        let listener = listen(self.addr)?;
        self.running = Some(
            docket_portal::serve(
                PortalConfig {
                    db: self.db.clone(),
                    issuer: self.issuer.clone(),
                    chaos,
                },
                listener,
            )
            .await?,
        );
        Ok(())
    }

    /// Stops the server and waits for its last commit.
    pub async fn shutdown(mut self) {
        self.stop().await;
    }

    /// Issues a printed card to a new holder with `hearings_json` and a
    /// code valid for the default 30 days.
    pub fn add_holder(&self, hearings_json: &str) -> Result<NewHolder, HarnessError> {
        self.add_holder_valid_for(hearings_json, admin::DEFAULT_CODE_VALID_DAYS)
    }

    /// [`Portal::add_holder`] with the code valid for `days` (0: expired).
    pub fn add_holder_valid_for(
        &self,
        hearings_json: &str,
        days: u32,
    ) -> Result<NewHolder, HarnessError> {
        let card = CardRequest::parse(CARD_JSON).map_err(HarnessError::issuer)?;
        Ok(admin::add_holder_with_validity(
            &self.db,
            &self.issuer,
            &card,
            PHOTO,
            Some(hearings_json.as_bytes()),
            Timestamp::now(),
            days,
        )?)
    }

    /// A new activation code for the holder with card number `serial`
    /// (for a new phone, or the same phone after its key was lost).
    pub fn new_code(
        &self,
        serial: docket_core::card::Serial,
    ) -> Result<docket_core::portal_api::ActivationCode, HarnessError> {
        Ok(admin::new_code(&self.db, serial)?)
    }

    /// The holder reports their phone lost.
    pub fn phone_lost(
        &self,
        serial: docket_core::card::Serial,
    ) -> Result<docket_portal::PhoneLost, HarnessError> {
        Ok(admin::phone_lost(
            &self.db,
            &self.issuer,
            serial,
            Timestamp::now(),
        )?)
    }

    /// Every check-in and address change the portal accepted, oldest first.
    pub fn received(&self) -> Result<Vec<ReceivedSubmission>, HarnessError> {
        Ok(admin::received(&self.db)?)
    }

    /// An officer's verifier: the issuer's root pinned, the trust and
    /// status lists downloaded from the portal as an officer's app does,
    /// the default policy.
    pub async fn officer(&self) -> Result<Verifier, HarnessError> {
        let client = http_client()?;
        let mut store = TrustStore::new(vec![self.root()?]);
        let now = Timestamp::now();
        let trust = fetch_list(&client, &self.url(), paths::TRUST_LIST).await?;
        store
            .install_trust_list(&trust, now)
            .map_err(|e| HarnessError::Other(format!("trust list: {e}")))?;
        let status = fetch_list(&client, &self.url(), paths::STATUS_LIST).await?;
        store
            .install_status_list(&status, now)
            .map_err(|e| HarnessError::Other(format!("status list: {e}")))?;
        Ok(Verifier::new(store, VerifierPolicy::default()))
    }
}

/// A loopback listener with `SO_REUSEADDR` (so a restarted portal can take
/// its old port back while old connections sit in `TIME_WAIT`) and a deep
/// backlog.
fn listen(addr: SocketAddr) -> Result<tokio::net::TcpListener, HarnessError> {
    let socket =
        tokio::net::TcpSocket::new_v4().map_err(HarnessError::io("cannot make a socket"))?;
    socket
        .set_reuseaddr(true)
        .map_err(HarnessError::io("cannot set SO_REUSEADDR"))?;
    socket
        .bind(addr)
        .map_err(HarnessError::io("cannot bind the portal's address"))?;
    socket
        .listen(LISTEN_BACKLOG)
        .map_err(HarnessError::io("cannot listen"))
}

/// One hearing in the API's JSON form, at `local` (`YYYY-MM-DDTHH:MM:SS`)
/// in Houston.
pub fn hearing_json(id: &str, local: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "starts": {"local": local, "time_zone": "America/Chicago"},
        "court": {"name": "Houston Immigration Court", "address": "600 Jefferson St\nHouston, TX 77002"},
        "judge": "A. Judge",
        "kind": "master_calendar",
        "status": "scheduled",
    })
}

/// A hearing list with one hearing per id, a week apart from 2027-03-01.
pub fn hearings_json(ids: &[&str]) -> String {
    let list: Vec<serde_json::Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let day = 1 + 7 * (i % 4);
            let month = 3 + i / 4;
            hearing_json(id, &format!("2027-{month:02}-{day:02}T09:00:00"))
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// Timings for a wallet in a test without chaos: a generous request
/// timeout (a loaded CI machine must not fail an enrollment) and retries
/// in milliseconds rather than the product's seconds.
pub fn relaxed_config() -> SyncConfig {
    SyncConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(20),
        retry_policy: fast_retries(),
    }
}

/// Timings for a wallet under chaos: requests time out after
/// [`CHAOS_REQUEST_TIMEOUT`], retries in milliseconds.
pub fn chaos_config() -> SyncConfig {
    SyncConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: CHAOS_REQUEST_TIMEOUT,
        retry_policy: fast_retries(),
    }
}

/// Backoff of 5 ms doubling to 200 ms; the chaos portal's
/// `Retry-After: 1` cut to 50 ms (the product honours up to 6 h, which a
/// test cannot wait for).
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base: SignedDuration::from_millis(5),
        cap: SignedDuration::from_millis(200),
        max_retry_after: SignedDuration::from_millis(50),
    }
}

/// A chaos spec for the tests: `rate`, `seed`, and a hang of
/// [`CHAOS_HANG_SECS`].
pub fn chaos(rate: f64, seed: u64) -> Result<ChaosSpec, HarnessError> {
    ChaosSpec::new(rate, seed, Duration::from_secs(CHAOS_HANG_SECS))
        .map_err(|e| HarnessError::Other(e.to_string()))
}

/// A chaos spec at `rate` whose first requests meet exactly `outcomes`
/// (the first seed that does; the sequence after them follows the seed),
/// so a test can place a fault on a chosen request.
pub fn chaos_starting_with(
    rate: f64,
    outcomes: &[ChaosOutcome],
) -> Result<ChaosSpec, HarnessError> {
    for seed in 0..1_000_000 {
        let spec = chaos(rate, seed)?;
        let matches = outcomes
            .iter()
            .zip(0u64..)
            .all(|(&outcome, n)| spec.outcome(n) == outcome);
        if matches {
            return Ok(spec);
        }
    }
    Err(HarnessError::Other(format!(
        "no seed starts with {outcomes:?} at rate {rate}"
    )))
}

/// A wallet opened on a directory: its database, secret store and device
/// key file.
pub struct TestWallet {
    /// The wallet's directory.
    pub dir: PathBuf,
    /// Its device key (shared with the wallet, for raw requests and live
    /// codes at chosen times).
    pub key: Arc<SoftwareDeviceKey>,
    /// The wallet.
    pub wallet: Wallet,
}

impl TestWallet {
    /// Opens the wallet in `dir` with `config`, creating the directory and
    /// a device key on first use.
    pub async fn open(dir: &Path, config: SyncConfig) -> Result<TestWallet, HarnessError> {
        std::fs::create_dir_all(dir).map_err(HarnessError::io("cannot make the wallet dir"))?;
        let key = Arc::new(load_or_create_key(dir)?);
        let secrets = FileSecretStore::new(dir.join(WALLET_SECRETS))
            .map_err(|e| HarnessError::Other(format!("secret store: {e}")))?;
        let signer: Arc<dyn DeviceSigner + Send + Sync> = key.clone();
        let wallet = Wallet::open(WalletSetup {
            database: dir.join(WALLET_DB),
            secrets: Box::new(secrets),
            device_key: signer,
            roots: Vec::new(),
            sync: config,
        })
        .await?;
        Ok(TestWallet {
            dir: dir.to_owned(),
            key,
            wallet,
        })
    }

    /// Opens a wallet in `dir` with [`relaxed_config`] and enrolls it with
    /// `holder`'s printed card and code.
    pub async fn enrolled(
        dir: &Path,
        portal: &Portal,
        holder: &NewHolder,
    ) -> Result<(TestWallet, Enrolled), HarnessError> {
        let wallet = TestWallet::open(dir, relaxed_config()).await?;
        let enrolled = wallet
            .wallet
            .enroll(
                &portal.url(),
                &holder.card_qr,
                &holder.activation_code.to_string(),
            )
            .await?;
        Ok((wallet, enrolled))
    }

    /// Closes this wallet object and opens the same wallet again with
    /// `config` (what an app restart does; interrupted sends go back to the
    /// queue).
    pub async fn reopen(self, config: SyncConfig) -> Result<TestWallet, HarnessError> {
        let dir = self.dir.clone();
        drop(self);
        TestWallet::open(&dir, config).await
    }

    /// Loses the device key, as a phone whose key store was wiped does,
    /// and opens the wallet again: the app makes a new key at start, which
    /// is not the one the card is bound to. The database is untouched.
    pub async fn lose_key_and_reopen(self, config: SyncConfig) -> Result<TestWallet, HarnessError> {
        let dir = self.dir.clone();
        drop(self);
        std::fs::remove_file(dir.join(WALLET_KEY))
            .map_err(HarnessError::io("cannot remove the device key"))?;
        TestWallet::open(&dir, config).await
    }

    /// The device key's public half.
    pub fn public_key(&self) -> docket_core::device::DevicePublicKey {
        self.key.public()
    }

    /// Queues `count` items: every `address_every`-th an address change
    /// (street numbered by its position), the rest check-ins. Returns them
    /// in the order queued.
    pub async fn queue_mix(
        &self,
        count: usize,
        address_every: usize,
    ) -> Result<Vec<OutboxItem>, HarnessError> {
        let today = Zoned::now().date();
        let moved_on = today
            .yesterday()
            .map_err(|e| HarnessError::Other(e.to_string()))?;
        let mut items = Vec::with_capacity(count);
        for i in 0..count {
            let item = if address_every > 0 && i % address_every == address_every - 1 {
                let address =
                    UsAddress::new(&format!("{i} Main St"), None, "Austin", "TX", "78701")?;
                self.wallet
                    .report_move(AddressChange::new(address, moved_on, today)?)
                    .await?
            } else {
                self.wallet
                    .check_in(CheckIn::new(Some(&format!("check-in {i}")))?)
                    .await?
            };
            items.push(item);
        }
        Ok(items)
    }

    /// Runs passes (each waiting out backoffs, each under `pass_time`)
    /// until nothing is pending, at most `max_passes`.
    pub async fn sync_until_sent(
        &self,
        max_passes: usize,
        pass_time: Duration,
    ) -> Result<Vec<SyncReport>, HarnessError> {
        sync_until_sent(&self.wallet, max_passes, pass_time).await
    }

    /// Every item the wallet holds (pending and sent), as the delivery
    /// check needs it, for the holder with card number `serial`.
    pub async fn expected(&self, serial: &str) -> Result<Vec<Expected>, HarnessError> {
        let mut items = self.wallet.pending().await?;
        items.extend(self.wallet.history().await?);
        Ok(items
            .into_iter()
            .map(|item| Expected {
                key: item.idempotency_key,
                kind: item.submission.kind(),
                reference: item.receipt.and_then(|r| r.reference),
                card_serial: serial.to_owned(),
                sent: item.state == ItemState::Sent,
            })
            .collect())
    }
}

/// The device key in `dir`, made and saved on first use. A plain file is
/// enough: these are throwaway test keys in a private temp dir, kept on
/// disk only so another process (the crash worker) can sign as the same
/// phone.
fn load_or_create_key(dir: &Path) -> Result<SoftwareDeviceKey, HarnessError> {
    let path = dir.join(WALLET_KEY);
    match std::fs::read_to_string(&path) {
        Ok(pem) => Ok(SoftwareDeviceKey::from_pkcs8_pem(&pem)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SoftwareDeviceKey::generate()?;
            std::fs::write(&path, key.to_pkcs8_pem()?.as_bytes())
                .map_err(HarnessError::io("cannot save the device key"))?;
            Ok(key)
        }
        Err(source) => Err(HarnessError::Io {
            context: "cannot read the device key",
            source,
        }),
    }
}

/// Runs passes of `wallet` until nothing is pending; see
/// [`TestWallet::sync_until_sent`].
pub async fn sync_until_sent(
    wallet: &Wallet,
    max_passes: usize,
    pass_time: Duration,
) -> Result<Vec<SyncReport>, HarnessError> {
    sync_until_sent_with(wallet, max_passes, pass_time, None).await
}

/// [`sync_until_sent`], reporting every event to `progress`.
pub async fn sync_until_sent_with(
    wallet: &Wallet,
    max_passes: usize,
    pass_time: Duration,
    progress: Option<ProgressSink>,
) -> Result<Vec<SyncReport>, HarnessError> {
    let mut reports = Vec::new();
    for _ in 0..max_passes {
        let report = wallet
            .sync(SyncOptions {
                deadline: Some(Instant::now() + pass_time),
                wait_for_retries: true,
                progress: progress.clone(),
                ..SyncOptions::default()
            })
            .await?;
        let done = report.still_pending == 0;
        reports.push(report);
        if done {
            return Ok(reports);
        }
    }
    let pending = wallet.pending().await?;
    let detail = pending
        .iter()
        .take(5)
        .map(|item| {
            format!(
                "#{} {} attempts={} last_failure={:?}",
                item.id,
                match &item.state {
                    ItemState::NeedsAttention(reason) => reason.code().to_owned(),
                    other => other.code().to_owned(),
                },
                item.attempts,
                item.last_failure
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Err(HarnessError::NotDelivered {
        passes: max_passes,
        still_pending: pending.len(),
        detail,
    })
}

/// One item a wallet queued, as the exactly-once check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Its idempotency key.
    pub key: String,
    /// Its kind.
    pub kind: ItemKind,
    /// The portal's reference from the wallet's receipt, once sent.
    pub reference: Option<String>,
    /// The card number of the holder whose wallet queued it.
    pub card_serial: String,
    /// Whether the wallet shows it as sent.
    pub sent: bool,
}

/// What the portal received against what the wallets queued.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Items the wallets queued.
    pub expected: usize,
    /// Submissions the portal accepted.
    pub received: usize,
    /// Keys queued but never received.
    pub lost: Vec<String>,
    /// Received entries beyond the first for a queued key, and received
    /// keys no wallet queued (an item delivered under a second key).
    pub duplicated: Vec<String>,
    /// Keys whose wallet receipt names another reference than the portal
    /// holds, or that the portal filed under another card or kind.
    pub mismatched: Vec<String>,
    /// Keys the wallet does not show as sent.
    pub unsent: Vec<String>,
}

impl Delivery {
    /// Everything queued was received exactly once, as the wallet believes.
    pub fn is_exact(&self) -> bool {
        self.lost.is_empty()
            && self.duplicated.is_empty()
            && self.mismatched.is_empty()
            && self.unsent.is_empty()
            && self.expected == self.received
    }
}

impl std::fmt::Display for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "expected {} received {} lost {} duplicated {} mismatched {} unsent {}",
            self.expected,
            self.received,
            self.lost.len(),
            self.duplicated.len(),
            self.mismatched.len(),
            self.unsent.len()
        )?;
        for (name, keys) in [
            ("lost", &self.lost),
            ("duplicated", &self.duplicated),
            ("mismatched", &self.mismatched),
            ("unsent", &self.unsent),
        ] {
            if let Some(first) = keys.first() {
                write!(f, "; first {name}: {first}")?;
            }
        }
        Ok(())
    }
}

/// Compares what the wallets queued with what the portal received.
pub fn check_delivery(expected: &[Expected], received: &[ReceivedSubmission]) -> Delivery {
    let mut delivery = Delivery {
        expected: expected.len(),
        received: received.len(),
        ..Delivery::default()
    };
    let mut seen: HashMap<&str, &ReceivedSubmission> = HashMap::new();
    for entry in received {
        if seen.insert(entry.idempotency_key.as_str(), entry).is_some() {
            delivery.duplicated.push(entry.idempotency_key.clone());
        }
    }
    let queued: HashMap<&str, &Expected> = expected.iter().map(|e| (e.key.as_str(), e)).collect();
    for key in seen.keys() {
        if !queued.contains_key(key) {
            delivery.duplicated.push((*key).to_owned());
        }
    }
    for item in expected {
        if !item.sent {
            delivery.unsent.push(item.key.clone());
        }
        match seen.get(item.key.as_str()) {
            None => delivery.lost.push(item.key.clone()),
            Some(entry) => {
                let same = item.reference.as_deref() == Some(entry.reference.as_str())
                    && entry.card_serial == item.card_serial
                    && entry.kind == item.kind.code();
                if !same {
                    delivery.mismatched.push(item.key.clone());
                }
            }
        }
    }
    delivery
}

/// The keys of the address changes among `items`, in their order.
pub fn address_change_keys<'a>(items: impl IntoIterator<Item = &'a OutboxItem>) -> Vec<String> {
    items
        .into_iter()
        .filter(|item| item.kind() == ItemKind::AddressChange)
        .map(|item| item.idempotency_key.clone())
        .collect()
}

/// An HTTP client for raw requests: no connection reuse, so a connection
/// chaos closed is never picked up again.
pub fn http_client() -> Result<reqwest::Client, HarnessError> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(20))
        .build()?)
}

/// A request signed with a device key by core's signing code, kept as
/// exact bytes so it can be sent again (a replay) or edited.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The path, e.g. `/v1/check-ins`.
    pub path: String,
    /// The `Idempotency-Key`, on submissions.
    pub idempotency_key: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// The signature headers.
    pub signature: SignatureHeaders,
}

impl SignedRequest {
    /// Signs a request now with a fresh nonce.
    pub fn sign(
        key: &dyn DeviceSigner,
        method: &str,
        path: &str,
        idempotency_key: Option<&str>,
        body: &[u8],
    ) -> Result<SignedRequest, HarnessError> {
        let nonce = signing::new_nonce().map_err(|e| HarnessError::Other(e.to_string()))?;
        let target = RequestTarget {
            method,
            path,
            query: None,
            idempotency_key,
            body,
        };
        let signature = signing::sign(&target, key, Timestamp::now(), &nonce)
            .map_err(|e| HarnessError::Other(e.to_string()))?;
        Ok(SignedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            idempotency_key: idempotency_key.map(str::to_owned),
            body: body.to_vec(),
            signature,
        })
    }

    /// The nonce in `Signature-Input`.
    pub fn nonce(&self) -> Option<&str> {
        let input = &self.signature.signature_input;
        let start = input.find("nonce=\"")? + "nonce=\"".len();
        let len = input.get(start..)?.find('"')?;
        input.get(start..start + len)
    }

    /// Sends it (JSON body when there is one) to the portal at `base_url`.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        base_url: &str,
    ) -> Result<Answer, HarnessError> {
        self.send_with(client, base_url, &[]).await
    }

    /// [`SignedRequest::send`] with extra (unsigned) headers, such as
    /// `If-None-Match`.
    pub async fn send_with(
        &self,
        client: &reqwest::Client,
        base_url: &str,
        extra: &[(&str, &str)],
    ) -> Result<Answer, HarnessError> {
        let method = reqwest::Method::from_bytes(self.method.as_bytes())
            .map_err(|e| HarnessError::Other(e.to_string()))?;
        let mut request = client
            .request(method, format!("{base_url}{}", self.path))
            .header("content-digest", &self.signature.content_digest)
            .header("signature-input", &self.signature.signature_input)
            .header("signature", &self.signature.signature)
            .body(self.body.clone());
        if !self.body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        if let Some(key) = &self.idempotency_key {
            request = request.header("idempotency-key", key);
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        Answer::read(request.send().await?).await
    }
}

/// An HTTP answer, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// Reads a response to the end.
    pub async fn read(response: reqwest::Response) -> Result<Answer, HarnessError> {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The problem document's `code`, if the body is one.
    pub fn problem_code(&self) -> Option<String> {
        self.json()
            .get("code")
            .and_then(|c| c.as_str())
            .map(str::to_owned)
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Fetches a public list (`/v1/trust-list` or `/v1/status-list`) as an
/// officer's app does: unsigned, bytes as served.
pub async fn fetch_list(
    client: &reqwest::Client,
    base_url: &str,
    path: &str,
) -> Result<Vec<u8>, HarnessError> {
    let answer = Answer::read(client.get(format!("{base_url}{path}")).send().await?).await?;
    if answer.status != 200 {
        return Err(HarnessError::Other(format!(
            "GET {path} answered {}",
            answer.status
        )));
    }
    Ok(answer.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(key: &str, reference: &str) -> Expected {
        Expected {
            key: key.to_owned(),
            kind: ItemKind::CheckIn,
            reference: Some(reference.to_owned()),
            card_serial: "AAAA-BBBB".to_owned(),
            sent: true,
        }
    }

    fn received(key: &str, reference: &str) -> ReceivedSubmission {
        ReceivedSubmission {
            idempotency_key: key.to_owned(),
            kind: "check_in".to_owned(),
            received_at: Timestamp::UNIX_EPOCH,
            reference: reference.to_owned(),
            card_serial: "AAAA-BBBB".to_owned(),
        }
    }

    #[test]
    fn the_audit_sees_every_way_delivery_can_go_wrong() {
        let queued = [expected("k1", "CI-1"), expected("k2", "CI-2")];
        let exact = check_delivery(&queued, &[received("k1", "CI-1"), received("k2", "CI-2")]);
        assert!(exact.is_exact(), "{exact}");

        let lost = check_delivery(&queued, &[received("k1", "CI-1")]);
        assert_eq!(lost.lost, ["k2"]);
        assert!(!lost.is_exact());

        let twice = check_delivery(
            &queued,
            &[
                received("k1", "CI-1"),
                received("k2", "CI-2"),
                received("k2", "CI-3"),
            ],
        );
        assert_eq!(twice.duplicated, ["k2"]);
        assert!(!twice.is_exact());

        let stray = check_delivery(
            &queued,
            &[
                received("k1", "CI-1"),
                received("k2", "CI-2"),
                received("k9", "CI-9"),
            ],
        );
        assert_eq!(stray.duplicated, ["k9"]);

        let wrong = check_delivery(&queued, &[received("k1", "CI-1"), received("k2", "CI-7")]);
        assert_eq!(wrong.mismatched, ["k2"]);

        let mut unsent = queued.clone();
        unsent[1].sent = false;
        let unsent = check_delivery(&unsent, &[received("k1", "CI-1"), received("k2", "CI-2")]);
        assert_eq!(unsent.unsent, ["k2"]);
        assert!(!unsent.is_exact());
    }
}
