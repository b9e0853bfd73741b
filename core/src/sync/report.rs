//! What a sync pass did, item by item and step by step, for the screen
//! and for the log (no personal data: ids, kinds, codes and times).

use crate::hearings::HearingChanges;
use crate::outbox::{ItemId, ItemKind, ParkReason, Receipt};
use crate::trust::TrustError;
use jiff::Timestamp;

/// What happened to one outbox item in this pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    /// The portal confirmed it.
    Sent(Receipt),
    /// The portal refused it; it needs the holder.
    Parked(ParkReason),
    /// It will be tried again at `due` (if the store gave a time).
    WillRetry {
        /// Why this attempt failed (a transport code or a problem code).
        failure: String,
        /// When it is due again.
        due: Option<Timestamp>,
    },
}

/// The hearing refresh.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HearingsRefresh {
    /// Not attempted in this pass (offline, or the deadline came first).
    #[default]
    NotAttempted,
    /// The portal confirmed the cached list (`304`).
    Unchanged,
    /// A new list arrived; what changed.
    Updated(HearingChanges),
    /// The refresh failed; the cached list is kept.
    Failed(String),
}

/// The refresh of one signed list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ListRefresh {
    /// Not attempted in this pass.
    #[default]
    NotAttempted,
    /// The portal's list is the one installed.
    AlreadyCurrent,
    /// A newer list was installed.
    Installed {
        /// Its sequence number.
        sequence: u64,
    },
    /// The list was refused (a lower sequence, a bad signature, expired):
    /// the installed one is kept.
    Refused(TrustError),
    /// The list could not be fetched.
    Failed(String),
}

/// Why a pass ended before doing everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStop {
    /// Everything due was done.
    Done,
    /// No connection: the pass stopped at the first attempt.
    Offline,
    /// The deadline came.
    Deadline,
}

/// One step, as it happens: for progress on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    /// An item is being sent.
    Sending {
        /// The item.
        id: ItemId,
        /// Its kind.
        kind: ItemKind,
        /// Which attempt this is.
        attempt: u32,
    },
    /// An item's attempt ended.
    Item {
        /// The item.
        id: ItemId,
        /// How.
        outcome: ItemOutcome,
    },
    /// Items are waiting out a backoff; the pass waits until `until`.
    Waiting {
        /// When the next item is due.
        until: Timestamp,
    },
    /// The hearing refresh ended.
    Hearings(HearingsRefresh),
    /// The trust list refresh ended.
    TrustList(ListRefresh),
    /// The status list refresh ended.
    StatusList(ListRefresh),
}

/// The result of a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Why the pass ended.
    pub stop: SyncStop,
    /// Each item attempted, in order, with its last outcome in this pass.
    pub items: Vec<(ItemId, ItemKind, ItemOutcome)>,
    /// The hearing refresh.
    pub hearings: HearingsRefresh,
    /// The trust list refresh.
    pub trust_list: ListRefresh,
    /// The status list refresh.
    pub status_list: ListRefresh,
    /// Items not yet sent after the pass (queued, sending or parked).
    pub still_pending: usize,
    /// When the next queued item is due, for scheduling background work.
    pub next_attempt_at: Option<Timestamp>,
}

impl SyncReport {
    /// How many items the portal confirmed in this pass.
    pub fn sent_count(&self) -> usize {
        self.items
            .iter()
            .filter(|(_, _, o)| matches!(o, ItemOutcome::Sent(_)))
            .count()
    }

    /// Whether every item is sent and nothing stopped the pass.
    pub fn all_sent(&self) -> bool {
        self.still_pending == 0
    }
}
