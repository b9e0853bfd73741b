//! `e2e-wallet DIR [URL]`: opens the wallet in DIR (prepared and enrolled
//! by the test; see `tests/crash.rs`), syncs it until nothing is pending,
//! and prints one line per sync event as it happens, so the test can kill
//! it with SIGKILL at a point it chooses:
//!
//! ```text
//! ready
//! sending ID KIND ATTEMPT
//! item ID sent REFERENCE | item ID parked CODE | item ID retry FAILURE
//! waiting
//! hearings|trust|status OUTCOME
//! pass STOP STILL_PENDING
//! done
//! ```
//!
//! URL, when given, must be the portal the wallet enrolled with (a guard
//! against a stale directory: the wallet always syncs with its own).

use docket_core::sync::{ItemOutcome, SyncEvent, SyncOptions};
use docket_e2e::{HarnessError, TestWallet, chaos_config};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Passes before giving up (each waits out backoffs until its deadline).
const MAX_PASSES: usize = 50;
/// Deadline of one pass.
const PASS_TIME: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, url) = match args.as_slice() {
        [dir] => (PathBuf::from(dir), None),
        [dir, url] => (PathBuf::from(dir), Some(url.clone())),
        _ => {
            eprintln!("usage: e2e-wallet DIR [URL]");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("e2e-wallet: cannot start a runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(dir, url)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e-wallet: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run(dir: PathBuf, url: Option<String>) -> Result<(), HarnessError> {
    let wallet = TestWallet::open(&dir, chaos_config()).await?;
    let enrollment = wallet
        .wallet
        .enrollment()
        .await?
        .ok_or_else(|| HarnessError::Other("the wallet is not enrolled".to_owned()))?;
    if let Some(url) = url
        && url.trim_end_matches('/') != enrollment.portal_url
    {
        return Err(HarnessError::Other(format!(
            "the wallet is enrolled with {}, not {url}",
            enrollment.portal_url
        )));
    }
    say("ready");
    for _ in 0..MAX_PASSES {
        let report = wallet
            .wallet
            .sync(SyncOptions {
                deadline: Some(Instant::now() + PASS_TIME),
                wait_for_retries: true,
                progress: Some(Arc::new(|event: &SyncEvent| say(&describe(event)))),
                ..SyncOptions::default()
            })
            .await?;
        say(&format!("pass {:?} {}", report.stop, report.still_pending));
        if report.still_pending == 0 {
            say("done");
            return Ok(());
        }
    }
    Err(HarnessError::Other(format!(
        "items still pending after {MAX_PASSES} passes"
    )))
}

/// Prints a line and flushes it, so the reader sees it before the next
/// step begins (a kill right after it lands at that step).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe means the test stopped listening; nothing to do.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn describe(event: &SyncEvent) -> String {
    match event {
        SyncEvent::Sending { id, kind, attempt } => {
            format!("sending {id} {} {attempt}", kind.code())
        }
        SyncEvent::Item { id, outcome } => match outcome {
            ItemOutcome::Sent(receipt) => format!(
                "item {id} sent {}",
                receipt.reference.as_deref().unwrap_or("-")
            ),
            ItemOutcome::Parked(reason) => format!("item {id} parked {}", reason.code()),
            ItemOutcome::WillRetry { failure, .. } => format!("item {id} retry {failure}"),
        },
        SyncEvent::Waiting { .. } => "waiting".to_owned(),
        SyncEvent::Hearings(refresh) => format!("hearings {refresh:?}"),
        SyncEvent::TrustList(refresh) => format!("trust {refresh:?}"),
        SyncEvent::StatusList(refresh) => format!("status {refresh:?}"),
    }
}
