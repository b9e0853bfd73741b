//! Load benchmark: thousands of real wallets syncing at once against one
//! portal under chaos, then an exactly-once audit of what arrived.
//!
//! `cargo bench -p docket-e2e --bench load` (release profile). Each
//! simulated wallet is a real `Wallet`: its own SQLite file and store
//! thread, its own device key and HTTP client. Setup (issuing holders,
//! enrolling, queueing) runs before the clock starts and without chaos;
//! then chaos is switched on and every wallet syncs until its items are
//! sent. The portal runs on its own runtime (as if on its own machine),
//! the wallets share another.
//!
//! Environment (for a quick run): `LOAD_WALLETS` (2000), `LOAD_ITEMS`
//! (10 per wallet), `LOAD_TIMEOUT_MS` (the wallets' request timeout,
//! 2500; the chaos hang is the next whole second above it),
//! `LOAD_SEED` (chaos seed, 42).
//!
//! Exits non-zero when any item is lost, duplicated or mismatched, or a
//! wallet fails.

use docket_core::outbox::RetryPolicy;
use docket_core::sync::SyncConfig;
use docket_core::sync::{ItemOutcome, ProgressSink, SyncEvent};
use docket_e2e::{
    HarnessError, Portal, TestWallet, check_delivery, hearings_json, sync_until_sent_with,
};
use jiff::SignedDuration;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// One item in ten is an address change.
const ADDRESS_EVERY: usize = 10;
const CHAOS_RATE: f64 = 0.1;
/// Enrollments in flight during setup.
const SETUP_CONCURRENCY: usize = 32;
/// Sync passes a wallet may need (one is usual: a pass waits out its
/// backoffs until its deadline).
const MAX_PASSES: usize = 20;
/// Deadline of one pass: generous, the point is to finish.
const PASS_TIME: Duration = Duration::from_secs(600);

struct Settings {
    wallets: usize,
    items: usize,
    request_timeout: Duration,
    hang_secs: u64,
    seed: u64,
}

impl Settings {
    fn from_env() -> Result<Settings, HarnessError> {
        let wallets = env_number("LOAD_WALLETS", 2000)?;
        let items = env_number("LOAD_ITEMS", 10)?;
        let timeout_ms = env_number("LOAD_TIMEOUT_MS", 2500)?;
        let seed = env_number("LOAD_SEED", 42)?;
        let request_timeout = Duration::from_millis(timeout_ms);
        // Chaos hangs in whole seconds: the first whole second strictly
        // above the timeout, so every hang ends in a client timeout.
        let hang_secs = timeout_ms / 1000 + 1;
        Ok(Settings {
            wallets: usize::try_from(wallets).map_err(|e| HarnessError::Other(e.to_string()))?,
            items: usize::try_from(items).map_err(|e| HarnessError::Other(e.to_string()))?,
            request_timeout,
            hang_secs,
            seed,
        })
    }

    /// The wallets' timings: a short connect timeout, the request timeout
    /// above, retries from 50 ms doubling to 2 s with full jitter, and
    /// the portal's `Retry-After` honoured (up to 2 s).
    fn sync_config(&self) -> SyncConfig {
        SyncConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: self.request_timeout,
            retry_policy: RetryPolicy {
                base: SignedDuration::from_millis(50),
                cap: SignedDuration::from_secs(2),
                max_retry_after: SignedDuration::from_secs(2),
            },
        }
    }
}

fn env_number(name: &str, default: u64) -> Result<u64, HarnessError> {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| HarnessError::Other(format!("{name}={text:?} is not a whole number"))),
        Err(_) => Ok(default),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("load: {error}");
            ExitCode::from(2)
        }
    }
}

/// One wallet's result: how long its syncing took, or why it failed.
type WalletRun = (usize, Result<Duration, HarnessError>);

fn run() -> Result<bool, HarnessError> {
    let settings = Settings::from_env()?;
    let runtime = |name: &str| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(name)
            .enable_all()
            .build()
            .map_err(|source| HarnessError::Io {
                context: "cannot start a runtime",
                source,
            })
    };
    let portal_rt = runtime("portal")?;
    let wallet_rt = runtime("wallets")?;
    let portal = portal_rt.block_on(Portal::start(None))?;
    let chaos = docket_portal::ChaosSpec::new(
        CHAOS_RATE,
        settings.seed,
        Duration::from_secs(settings.hang_secs),
    )
    .map_err(|e| HarnessError::Other(e.to_string()))?;
    println!(
        "load: {} wallets x {} items = {} items; chaos {chaos}; request timeout {:?}",
        settings.wallets,
        settings.items,
        settings.wallets * settings.items,
        settings.request_timeout
    );

    // Setup, before the clock: holders one at a time (the issuer's
    // registry has one writer), enrollments a few dozen at a time.
    let started = Instant::now();
    let hearings = hearings_json(&["H-2027-0001", "H-2027-0002"]);
    let mut holders = Vec::with_capacity(settings.wallets);
    for _ in 0..settings.wallets {
        holders.push(portal.add_holder(&hearings)?);
    }
    let holders_time = started.elapsed();
    let started = Instant::now();
    let wallets = wallet_rt.block_on(enroll_all(&portal, holders, &settings))?;
    let enroll_time = started.elapsed();
    println!(
        "setup: {} holders issued in {:.1?}; enrolled and queued in {:.1?}; open files {}",
        wallets.len(),
        holders_time,
        enroll_time,
        open_files().map_or("?".to_owned(), |n| n.to_string())
    );

    // The clock runs from here.
    portal.set_chaos(Some(chaos))?;
    let started = Instant::now();
    let failures_seen = Arc::new(Mutex::new(BTreeMap::<String, u64>::new()));
    let runs = wallet_rt.block_on(sync_all(&wallets, failure_counter(&failures_seen)));
    let wall = started.elapsed();
    let counts = portal.chaos_counts()?;
    portal.set_chaos(None)?;
    let open_after = open_files();

    let mut times = Vec::with_capacity(runs.len());
    let mut failures = Vec::new();
    for (index, run) in runs {
        match run {
            Ok(time) => times.push(time),
            Err(error) => failures.push(format!("wallet {index}: {error}")),
        }
    }
    times.sort();
    let total_items = settings.wallets * settings.items;
    println!(
        "sync: wall {:.2?}, {:.0} items/s",
        wall,
        total_items as f64 / wall.as_secs_f64()
    );
    println!(
        "per-wallet sync time: p50 {:.2?}, p95 {:.2?}, max {:.2?}",
        percentile(&times, 50),
        percentile(&times, 95),
        times.last().copied().unwrap_or_default()
    );
    println!("chaos: {counts} (of {} requests)", counts.total());
    let seen = failures_seen
        .lock()
        .map(|map| {
            map.iter()
                .map(|(code, n)| format!("{code}={n}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    println!("wallet retries by cause: {seen}");

    // The audit: every wallet's items against what the portal holds.
    let mut expected = Vec::with_capacity(total_items);
    for (wallet, serial) in &wallets {
        expected.extend(wallet_rt.block_on(wallet.expected(serial))?);
    }
    let received = portal.received()?;
    let delivery = check_delivery(&expected, &received);
    println!(
        "delivery: lost {} duplicated {} (expected {}, received {}, mismatched {}, unsent {})",
        delivery.lost.len(),
        delivery.duplicated.len(),
        delivery.expected,
        delivery.received,
        delivery.mismatched.len(),
        delivery.unsent.len()
    );
    println!(
        "process: open files at the end {}, peak RSS {}",
        open_after.map_or("?".to_owned(), |n| n.to_string()),
        peak_rss().unwrap_or_else(|| "?".to_owned())
    );
    for failure in failures.iter().take(10) {
        println!("failed: {failure}");
    }
    let exact = delivery.is_exact() && delivery.expected == total_items;
    if !exact {
        println!("NOT EXACTLY ONCE: {delivery}");
    }

    drop(wallets);
    portal_rt.block_on(portal.shutdown());
    Ok(exact && failures.is_empty())
}

/// Opens and enrolls a wallet per holder and queues its items, a few at a
/// time. Returns each wallet with its holder's card number.
async fn enroll_all(
    portal: &Portal,
    holders: Vec<docket_portal::NewHolder>,
    settings: &Settings,
) -> Result<Vec<(Arc<TestWallet>, String)>, HarnessError> {
    let gate = Arc::new(Semaphore::new(SETUP_CONCURRENCY));
    let mut tasks = JoinSet::new();
    for (index, holder) in holders.into_iter().enumerate() {
        let gate = gate.clone();
        let dir = portal.scratch(&format!("wallet-{index:05}"))?;
        let url = portal.url();
        let config = settings.sync_config();
        let items = settings.items;
        tasks.spawn(async move {
            let _permit = gate
                .acquire_owned()
                .await
                .map_err(|e| HarnessError::Other(e.to_string()))?;
            let wallet = TestWallet::open(&dir, config).await?;
            wallet
                .wallet
                .enroll(&url, &holder.card_qr, &holder.activation_code.to_string())
                .await?;
            wallet.queue_mix(items, ADDRESS_EVERY).await?;
            Ok::<_, HarnessError>((index, Arc::new(wallet), holder.serial.to_string()))
        });
    }
    let mut wallets = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let enrolled = joined.map_err(|e| HarnessError::Other(format!("setup task: {e}")))??;
        wallets.push(enrolled);
    }
    wallets.sort_by_key(|(index, _, _)| *index);
    Ok(wallets
        .into_iter()
        .map(|(_, wallet, serial)| (wallet, serial))
        .collect())
}

/// A progress sink counting the wallets' failed attempts by cause
/// (`timed_out` beyond the chaos hangs means the portal was too slow).
fn failure_counter(counts: &Arc<Mutex<BTreeMap<String, u64>>>) -> ProgressSink {
    let counts = counts.clone();
    Arc::new(move |event: &SyncEvent| {
        if let SyncEvent::Item {
            outcome: ItemOutcome::WillRetry { failure, .. },
            ..
        } = event
            && let Ok(mut map) = counts.lock()
        {
            *map.entry(failure.clone()).or_default() += 1;
        }
    })
}

/// Every wallet syncs at once until its items are sent.
async fn sync_all(wallets: &[(Arc<TestWallet>, String)], progress: ProgressSink) -> Vec<WalletRun> {
    let mut tasks = JoinSet::new();
    for (index, (wallet, _)) in wallets.iter().enumerate() {
        let wallet = wallet.clone();
        let progress = progress.clone();
        tasks.spawn(async move {
            let started = Instant::now();
            let result =
                sync_until_sent_with(&wallet.wallet, MAX_PASSES, PASS_TIME, Some(progress))
                    .await
                    .map(|_| started.elapsed());
            (index, result)
        });
    }
    let mut runs = Vec::with_capacity(wallets.len());
    while let Some(joined) = tasks.join_next().await {
        runs.push(joined.unwrap_or_else(|e| {
            (
                usize::MAX,
                Err(HarnessError::Other(format!("sync task: {e}"))),
            )
        }));
    }
    runs
}

/// The `p`th percentile (nearest rank) of sorted `times`.
fn percentile(times: &[Duration], p: usize) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * times.len()).div_ceil(100).clamp(1, times.len());
    times.get(rank - 1).copied().unwrap_or_default()
}

/// Open file descriptors of this process (Linux).
fn open_files() -> Option<usize> {
    std::fs::read_dir("/proc/self/fd").ok().map(|d| d.count())
}

/// Peak resident memory of this process (Linux), as the kernel writes it.
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .map(|v| v.trim().to_owned())
}
