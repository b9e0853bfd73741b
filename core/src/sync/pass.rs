//! One sync pass: drain the outbox, then refresh hearings, then the trust
//! and status lists. Stops at the first sign of no connection (leaving
//! everything queued) and before the deadline (an iOS background task has
//! about 30 seconds).

use super::SyncConfig;
use super::client::{CallError, PortalClient, Transport};
use super::drain::{Attempt, send_item};
use super::error::SyncError;
use super::hearings::refresh_hearings;
use super::lists::refresh_lists;
use super::report::{HearingsRefresh, ItemOutcome, ListRefresh, SyncEvent, SyncReport, SyncStop};
use crate::store::{StoreError, StoreThread};
use crate::trust::Ed25519PublicKey;
use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// No request starts with less than this left before the deadline: it
/// could not complete, and an attempt cut short only puts the item in
/// doubt.
const MIN_REQUEST_WINDOW: Duration = Duration::from_secs(1);

/// Shortest wait between "nothing claimable" and the next claim: the
/// store keeps times in whole seconds, so an item due "now" may need the
/// clock to tick; never spin on the store's thread.
const MIN_WAIT: Duration = Duration::from_millis(50);

/// Callback for progress events.
pub type ProgressSink = Arc<dyn Fn(&SyncEvent) + Send + Sync>;

/// How a pass runs.
#[derive(Clone, Default)]
pub struct SyncOptions {
    /// Stop cleanly before this instant.
    pub deadline: Option<Instant>,
    /// When items are waiting out a backoff, wait for them (until the
    /// deadline) instead of ending the pass.
    pub wait_for_retries: bool,
    /// Send items in backoff now (the holder pressed "send now").
    pub expedite: bool,
    /// Skip the hearing and list refreshes (outbox only).
    pub outbox_only: bool,
    /// Receives each step as it happens.
    pub progress: Option<ProgressSink>,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("deadline", &self.deadline)
            .field("wait_for_retries", &self.wait_for_retries)
            .field("expedite", &self.expedite)
            .field("outbox_only", &self.outbox_only)
            .finish()
    }
}

impl SyncOptions {
    fn emit(&self, event: SyncEvent) {
        if let Some(progress) = &self.progress {
            progress(&event);
        }
    }

    /// Time left before the deadline (`None`: no deadline).
    fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()))
    }

    /// The timeout for the next request, or `None` if none may start.
    fn request_timeout(&self, config: &SyncConfig) -> Option<Duration> {
        match self.remaining() {
            None => Some(config.request_timeout),
            Some(left) if left < MIN_REQUEST_WINDOW => None,
            Some(left) => Some(config.request_timeout.min(left)),
        }
    }
}

/// Runs one pass for an enrolled wallet.
pub async fn run_pass(
    store: &StoreThread,
    client: &Arc<PortalClient>,
    roots: Vec<Ed25519PublicKey>,
    config: &SyncConfig,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    if options.expedite {
        store.run(|s| s.expedite(Timestamp::now())).await?;
    }
    let mut report = SyncReport {
        stop: SyncStop::Done,
        items: Vec::new(),
        hearings: HearingsRefresh::NotAttempted,
        trust_list: ListRefresh::NotAttempted,
        status_list: ListRefresh::NotAttempted,
        still_pending: 0,
        next_attempt_at: None,
    };
    let mut reached = false;
    report.stop = drain(store, client, config, options, &mut report, &mut reached).await?;

    if report.stop == SyncStop::Done && !options.outbox_only {
        report.stop = refresh(
            store,
            client,
            roots,
            config,
            options,
            &mut report,
            &mut reached,
        )
        .await?;
    }
    let (pending, next) = store
        .run(move |s| {
            if reached {
                s.record_sync(Timestamp::now())?;
            }
            Ok((s.pending()?.len(), s.next_attempt_at()?))
        })
        .await?;
    report.still_pending = pending;
    report.next_attempt_at = next;
    Ok(report)
}

async fn drain(
    store: &StoreThread,
    client: &Arc<PortalClient>,
    config: &SyncConfig,
    options: &SyncOptions,
    report: &mut SyncReport,
    reached: &mut bool,
) -> Result<SyncStop, SyncError> {
    loop {
        let Some(timeout) = options.request_timeout(config) else {
            return Ok(SyncStop::Deadline);
        };
        let claimed = store.run(|s| s.claim_next(Timestamp::now())).await?;
        let Some(item) = claimed else {
            if !options.wait_for_retries || !wait_for_next(store, options).await? {
                return Ok(SyncStop::Done);
            }
            continue;
        };
        let (id, kind) = (item.id, item.kind());
        options.emit(SyncEvent::Sending {
            id,
            kind,
            attempt: item.attempts,
        });
        // Spawned, not awaited in place: see drain.rs.
        let task = tokio::spawn(send_item(store.clone(), client.clone(), item, timeout));
        let Attempt { outcome, offline } = match task.await {
            Ok(attempt) => attempt?,
            Err(_) => return Err(SyncError::Store(StoreError::Closed)),
        };
        *reached |= !offline;
        options.emit(SyncEvent::Item {
            id,
            outcome: outcome.clone(),
        });
        // One entry per item, with its latest outcome in this pass.
        match report.items.iter_mut().find(|(seen, _, _)| *seen == id) {
            Some(entry) => entry.2 = outcome,
            None => report.items.push((id, kind, outcome)),
        }
        if offline {
            return Ok(SyncStop::Offline);
        }
    }
}

/// Sleeps until the next item is due, if that is before the deadline.
/// Returns whether anything is worth claiming now.
async fn wait_for_next(store: &StoreThread, options: &SyncOptions) -> Result<bool, SyncError> {
    let Some(due) = store.run(|s| s.next_attempt_at()).await? else {
        return Ok(false);
    };
    let wait = Duration::try_from(due.duration_since(Timestamp::now()))
        .unwrap_or(Duration::ZERO)
        .max(MIN_WAIT);
    if let Some(left) = options.remaining()
        && wait + MIN_REQUEST_WINDOW > left
    {
        return Ok(false);
    }
    options.emit(SyncEvent::Waiting { until: due });
    tokio::time::sleep(wait).await;
    Ok(true)
}

async fn refresh(
    store: &StoreThread,
    client: &Arc<PortalClient>,
    roots: Vec<Ed25519PublicKey>,
    config: &SyncConfig,
    options: &SyncOptions,
    report: &mut SyncReport,
    reached: &mut bool,
) -> Result<SyncStop, SyncError> {
    let Some(timeout) = options.request_timeout(config) else {
        return Ok(SyncStop::Deadline);
    };
    report.hearings = match refresh_hearings(store, client, timeout).await? {
        Ok(refresh) => refresh,
        Err(CallError::Transport(Transport::Offline)) => return Ok(SyncStop::Offline),
        Err(error) => HearingsRefresh::Failed(error.to_string()),
    };
    *reached = true;
    options.emit(SyncEvent::Hearings(report.hearings.clone()));

    let Some(timeout) = options.request_timeout(config) else {
        return Ok(SyncStop::Deadline);
    };
    let (trust, status, offline) = refresh_lists(store, client, roots, timeout).await?;
    report.trust_list = trust;
    report.status_list = status;
    options.emit(SyncEvent::TrustList(report.trust_list.clone()));
    options.emit(SyncEvent::StatusList(report.status_list.clone()));
    Ok(if offline {
        SyncStop::Offline
    } else {
        SyncStop::Done
    })
}

impl ItemOutcome {
    /// Whether the portal confirmed the item.
    pub fn is_sent(&self) -> bool {
        matches!(self, ItemOutcome::Sent(_))
    }
}
