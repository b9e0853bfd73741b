//! Sync: the wallet's conversation with the portal (`reqwest` with
//! rustls, on `tokio`), following docs/portal-api.yaml.
//!
//! - [`client`] — signed requests, timeouts, size limits, clock skew;
//! - `enroll` — printed card + activation code + device key -> bound card;
//! - `drain` — the outbox, one item at a time, each send and its commit in
//!   a spawned task so a cancelled caller cannot lose a commit;
//! - `hearings` — the hearing list with `ETag` / `If-None-Match`;
//! - `lists` — trust and status lists, never backwards;
//! - `pass` — one sync pass: outbox first (legal records), then hearings,
//!   then lists; stops at a deadline; fails fast when offline.
//!
//! All database work goes through [`crate::store::StoreThread`].

pub mod client;
mod drain;
mod enroll;
mod error;
mod hearings;
mod lists;
mod pass;
mod report;

pub use client::{CallError, PortalClient, PortalUrl, PortalUrlError, Transport};
pub use enroll::Enrolled;
pub(crate) use enroll::enroll;
pub use error::{EnrollError, SyncError};
pub(crate) use hearings::refresh_hearings;
pub use lists::ListDownload;
pub(crate) use lists::download_list;
pub use pass::{ProgressSink, SyncOptions, run_pass};
pub use report::{HearingsRefresh, ItemOutcome, ListRefresh, SyncEvent, SyncReport, SyncStop};

use crate::outbox::RetryPolicy;
use std::time::Duration;

/// Limits and timings of sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncConfig {
    /// Longest wait for a connection. Short, so that "no network" is
    /// known quickly.
    pub connect_timeout: Duration,
    /// Longest wait for a complete answer to one request.
    pub request_timeout: Duration,
    /// Backoff between attempts of one outbox item.
    pub retry_policy: RetryPolicy,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            retry_policy: RetryPolicy::default(),
        }
    }
}

/// Largest enrollment answer accepted: a card, a photo of up to 1 MiB in
/// Base64, and the hearing list.
pub(crate) const MAX_ENROLLMENT_ANSWER: usize = 2 * 1024 * 1024;
/// Largest submission receipt or error accepted.
pub(crate) const MAX_SMALL_ANSWER: usize = 16 * 1024;
