//! The closed sets the records carry, as enums: the apps switch over them
//! exhaustively (a Kotlin `when`, a Swift `switch`) instead of comparing
//! strings, so a new state is a compile error in the app, not a silent
//! fall-through. Each mirrors a core type one to one.

use docket_core::files::StorageProblem;
use docket_core::hearings::{
    HearingKind as CoreHearingKind, HearingStatus as CoreHearingStatus, StalenessLevel,
};
use docket_core::officer::{ListOutcome as CoreListOutcome, ListState as CoreListState};
use docket_core::outbox::{ItemKind, ItemState};
use docket_core::sync::{ListRefresh, SyncStop as CoreSyncStop};
use docket_core::verify::PresentationForm;
use docket_core::wallet::DeviceKeyState;

/// Which kind of QR code was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CodeForm {
    /// A live code from the holder's phone (signed by its key seconds ago).
    Live,
    /// A static code: the printed card, or a still of a phone's card.
    Static,
}

impl From<PresentationForm> for CodeForm {
    fn from(form: PresentationForm) -> Self {
        match form {
            PresentationForm::Live => CodeForm::Live,
            PresentationForm::Static => CodeForm::Static,
        }
    }
}

/// The type of a court hearing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HearingKind {
    /// A short preliminary hearing, often with many people in the room.
    MasterCalendar,
    /// The merits hearing where the case is decided.
    Individual,
    /// A hearing about release on bond.
    Bond,
    /// Any other type, including ones this version does not know.
    Other,
}

impl From<CoreHearingKind> for HearingKind {
    fn from(kind: CoreHearingKind) -> Self {
        match kind {
            CoreHearingKind::MasterCalendar => HearingKind::MasterCalendar,
            CoreHearingKind::Individual => HearingKind::Individual,
            CoreHearingKind::Bond => HearingKind::Bond,
            CoreHearingKind::Other => HearingKind::Other,
        }
    }
}

/// Where a hearing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HearingStatus {
    /// On the calendar as first set.
    Scheduled,
    /// On the calendar, at a time the court changed.
    Rescheduled,
    /// Off the calendar: the holder need not attend.
    Cancelled,
}

impl From<CoreHearingStatus> for HearingStatus {
    fn from(status: CoreHearingStatus) -> Self {
        match status {
            CoreHearingStatus::Scheduled => HearingStatus::Scheduled,
            CoreHearingStatus::Rescheduled => HearingStatus::Rescheduled,
            CoreHearingStatus::Cancelled => HearingStatus::Cancelled,
        }
    }
}

/// How far the cached hearing list can be trusted to be current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Freshness {
    /// Confirmed recently.
    Fresh,
    /// Not confirmed for a while (or fetched "in the future"): show when.
    Aging,
    /// Too old to rely on: tell the holder to connect.
    Stale,
    /// Never downloaded on this phone.
    NeverFetched,
}

impl From<StalenessLevel> for Freshness {
    fn from(level: StalenessLevel) -> Self {
        match level {
            StalenessLevel::Fresh => Freshness::Fresh,
            StalenessLevel::Aging => Freshness::Aging,
            StalenessLevel::Stale => Freshness::Stale,
            StalenessLevel::NeverFetched => Freshness::NeverFetched,
        }
    }
}

/// What an outbox item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OutboxKind {
    /// A check-in.
    CheckIn,
    /// A change of address.
    AddressChange,
}

impl From<ItemKind> for OutboxKind {
    fn from(kind: ItemKind) -> Self {
        match kind {
            ItemKind::CheckIn => OutboxKind::CheckIn,
            ItemKind::AddressChange => OutboxKind::AddressChange,
        }
    }
}

/// Where an outbox item is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OutboxState {
    /// Waiting to be sent (now, or after a backoff).
    Queued,
    /// A send is in flight.
    Sending,
    /// The portal confirmed it (the item's `reference` is the proof).
    Sent,
    /// The portal refused it: the holder must edit, resend or discard it
    /// (the item's `reason_code` and `reason_message` say why).
    NeedsAttention,
}

impl From<&ItemState> for OutboxState {
    fn from(state: &ItemState) -> Self {
        match state {
            ItemState::Queued => OutboxState::Queued,
            ItemState::Sending => OutboxState::Sending,
            ItemState::Sent => OutboxState::Sent,
            ItemState::NeedsAttention(_) => OutboxState::NeedsAttention,
        }
    }
}

/// Why a sync pass ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncStop {
    /// Everything due was done.
    Done,
    /// No connection: nothing was sent, every item is still queued.
    Offline,
    /// The deadline came; what is left waits for the next pass.
    Deadline,
}

impl From<CoreSyncStop> for SyncStop {
    fn from(stop: CoreSyncStop) -> Self {
        match stop {
            CoreSyncStop::Done => SyncStop::Done,
            CoreSyncStop::Offline => SyncStop::Offline,
            CoreSyncStop::Deadline => SyncStop::Deadline,
        }
    }
}

/// What a sync pass did to one signed list (trust or status).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ListUpdate {
    /// Not attempted in this pass.
    NotAttempted,
    /// The portal's list is the one installed.
    Current,
    /// A newer list was installed.
    Installed {
        /// Its sequence number.
        sequence: u64,
    },
    /// The portal's list was refused (older, badly signed, expired); the
    /// installed one is kept.
    Refused {
        /// Stable code, e.g. `list_rollback`.
        code: String,
        /// Why, in English.
        reason: String,
    },
    /// The list could not be fetched; the installed one is kept.
    Failed {
        /// Why, in English.
        reason: String,
    },
}

impl From<&ListRefresh> for ListUpdate {
    fn from(refresh: &ListRefresh) -> Self {
        match refresh {
            ListRefresh::NotAttempted => ListUpdate::NotAttempted,
            ListRefresh::AlreadyCurrent => ListUpdate::Current,
            ListRefresh::Installed { sequence } => ListUpdate::Installed {
                sequence: *sequence,
            },
            ListRefresh::Refused(error) => ListUpdate::Refused {
                code: error.code().to_owned(),
                reason: error.to_string(),
            },
            ListRefresh::Failed(why) => ListUpdate::Failed {
                reason: why.clone(),
            },
        }
    }
}

/// The phone's key store against the enrolled card: whether this phone
/// can still show a live code and send anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DeviceKeyStatus {
    /// No card yet.
    NotEnrolled,
    /// The key store holds the card's key.
    Bound,
    /// The key store holds no key: enroll again with a new activation
    /// code (the card and the queue are kept).
    Missing,
    /// The key store holds another key than the card's (the card's key
    /// was lost and a new one made): enroll again with a new activation
    /// code (the card and the queue are kept).
    Mismatch,
    /// The key store could not be asked (locked until the phone is
    /// unlocked, or failing); checked again at the next use.
    Unavailable,
}

impl From<&DeviceKeyState> for DeviceKeyStatus {
    fn from(state: &DeviceKeyState) -> Self {
        match state {
            DeviceKeyState::NotEnrolled => DeviceKeyStatus::NotEnrolled,
            DeviceKeyState::Bound => DeviceKeyStatus::Bound,
            DeviceKeyState::Missing => DeviceKeyStatus::Missing,
            DeviceKeyState::Mismatch => DeviceKeyStatus::Mismatch,
            DeviceKeyState::Unavailable(_) | DeviceKeyState::Unchecked => {
                DeviceKeyStatus::Unavailable
            }
        }
    }
}

/// Whether the wallet's storage takes writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StorageStatus {
    /// Reads and writes work.
    Writable,
    /// The phone is out of storage: the card and the queue are shown,
    /// nothing new can be saved until space is freed.
    Full,
    /// The storage is read-only: the card and the queue are shown, nothing
    /// new can be saved.
    ReadOnly,
}

impl From<Option<StorageProblem>> for StorageStatus {
    fn from(problem: Option<StorageProblem>) -> Self {
        match problem {
            None => StorageStatus::Writable,
            Some(StorageProblem::Full) => StorageStatus::Full,
            Some(StorageProblem::ReadOnly) => StorageStatus::ReadOnly,
        }
    }
}

/// Where one of the officer's lists stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ListState {
    /// Installed, not expired, and young enough to check cards offline.
    Fresh,
    /// Installed but older than allowed offline (30 days for the trust
    /// list, 72 hours for the status list): update before checking.
    Stale,
    /// Installed but past its expiry.
    Expired,
    /// Not installed: never downloaded, or refused.
    Missing,
}

impl From<CoreListState> for ListState {
    fn from(state: CoreListState) -> Self {
        match state {
            CoreListState::Fresh => ListState::Fresh,
            CoreListState::Stale => ListState::Stale,
            CoreListState::Expired => ListState::Expired,
            CoreListState::Missing => ListState::Missing,
        }
    }
}

/// What the officer's update did to one list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ListOutcome {
    /// A newer list was installed.
    Installed {
        /// Its sequence number.
        sequence: u64,
    },
    /// The list installed is the newest (the portal answered 304, or sent
    /// the same list).
    AlreadyCurrent,
    /// The list was refused (older, badly signed, expired, ...); the
    /// installed one is kept.
    Refused {
        /// Stable code, e.g. `status_list_rolled_back`.
        code: String,
        /// Why, in English.
        message: String,
    },
    /// The list could not be downloaded; the installed one is kept.
    Failed {
        /// Stable code, e.g. `offline`, `timed_out`.
        code: String,
        /// Why, in English.
        message: String,
    },
}

impl From<&CoreListOutcome> for ListOutcome {
    fn from(outcome: &CoreListOutcome) -> Self {
        match outcome {
            CoreListOutcome::Installed { sequence } => ListOutcome::Installed {
                sequence: *sequence,
            },
            CoreListOutcome::AlreadyCurrent => ListOutcome::AlreadyCurrent,
            CoreListOutcome::Refused(error) => ListOutcome::Refused {
                code: error.code().to_owned(),
                message: error.to_string(),
            },
            CoreListOutcome::Failed(error) => ListOutcome::Failed {
                code: error.code().to_owned(),
                message: error.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use docket_core::trust::{ListKind, TrustError};

    #[test]
    fn each_list_refresh_keeps_its_detail() {
        assert_eq!(
            ListUpdate::from(&ListRefresh::Installed { sequence: 7 }),
            ListUpdate::Installed { sequence: 7 }
        );
        let refused = ListUpdate::from(&ListRefresh::Refused(TrustError::RolledBack {
            kind: ListKind::TrustList,
            installed: 5,
            offered: 4,
        }));
        assert!(
            matches!(&refused, ListUpdate::Refused { code, reason } if !code.is_empty() && !reason.is_empty()),
            "{refused:?}"
        );
        assert_eq!(
            ListUpdate::from(&ListRefresh::Failed("no connection".to_owned())),
            ListUpdate::Failed {
                reason: "no connection".to_owned()
            }
        );
    }

    #[test]
    fn each_officer_list_outcome_keeps_its_code() {
        use docket_core::sync::{CallError, Transport};
        let refused = ListOutcome::from(&CoreListOutcome::Refused(TrustError::RolledBack {
            kind: ListKind::StatusList,
            installed: 8,
            offered: 7,
        }));
        assert!(
            matches!(&refused, ListOutcome::Refused { code, message } if code == "status_list_rolled_back" && message.contains("older")),
            "{refused:?}"
        );
        let failed = ListOutcome::from(&CoreListOutcome::Failed(CallError::Transport(
            Transport::TimedOut,
        )));
        assert!(
            matches!(&failed, ListOutcome::Failed { code, .. } if code == "timed_out"),
            "{failed:?}"
        );
    }
}
