//! The records and enums the facades answer with: what a screen shows,
//! already decided by core, as plain fields. Times are Unix seconds
//! (`*_unix`) or ISO 8601 text where the zone matters (hearings).

use crate::enums::{
    CodeForm, DeviceKeyStatus, Freshness, HearingKind, HearingStatus, ListOutcome, ListState,
    ListUpdate, OutboxKind, OutboxState, StorageStatus, SyncStop,
};
use docket_core::hearings::{Hearing, HearingChanges};
use docket_core::officer::{
    Freshness as CoreFreshness, ListFreshness as CoreListFreshness, UpdateReport,
};
use docket_core::outbox::{ItemState, OutboxItem};
use docket_core::verify::{HolderView, Reason, Verdict};
use jiff::Timestamp;

/// The holder fields of a card, as an officer's screen or the wallet's
/// card screen shows them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HolderFields {
    /// Family name as signed.
    pub family_name: String,
    /// Given names as signed.
    pub given_names: String,
    /// Whether a name was shortened to fit the card.
    pub name_shortened: bool,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// `M`, `F` or `X`.
    pub sex: String,
    /// Three-letter nationality code.
    pub nationality: String,
    /// The nationality in English.
    pub nationality_name: String,
    /// Card number, `XXXX-XXXX`.
    pub card_number: String,
    /// Issue date.
    pub issued: String,
    /// Expiry date (valid through this day).
    pub expires: String,
    /// Opaque case reference.
    pub case_reference: String,
    /// Whether the card is bound to a phone.
    pub bound_to_phone: bool,
}

impl From<&HolderView> for HolderFields {
    fn from(view: &HolderView) -> Self {
        HolderFields {
            family_name: view.family_name.clone(),
            given_names: view.given_names.clone(),
            name_shortened: view.name_shortened,
            date_of_birth: view.date_of_birth.clone(),
            sex: view.sex.clone(),
            nationality: view.nationality.clone(),
            nationality_name: view.nationality_name.clone(),
            card_number: view.card_number.clone(),
            issued: view.issued.clone(),
            expires: view.expires.clone(),
            case_reference: view.case_reference.clone(),
            bound_to_phone: view.bound_to_phone,
        }
    }
}

/// One reason a card is not valid.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReasonView {
    /// Stable code, e.g. `card_revoked`, `live_code_replayed`.
    pub code: String,
    /// The sentence to show (English; apps translate by code).
    pub message: String,
}

impl From<&Reason> for ReasonView {
    fn from(reason: &Reason) -> Self {
        ReasonView {
            code: reason.code().to_owned(),
            message: reason.to_string(),
        }
    }
}

/// A verification's answer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerdictView {
    /// Genuine, current, not revoked and (for a phone) live.
    pub valid: bool,
    /// Why not, in order; empty when valid.
    pub reasons: Vec<ReasonView>,
    /// The holder, once the issuer's signature verified.
    pub holder: Option<HolderFields>,
    /// Live or static, once the code parsed.
    pub form: Option<CodeForm>,
    /// When it was checked.
    pub checked_at_unix: i64,
}

impl From<&Verdict> for VerdictView {
    fn from(verdict: &Verdict) -> Self {
        VerdictView {
            valid: verdict.is_valid(),
            reasons: verdict.reasons.iter().map(ReasonView::from).collect(),
            holder: verdict.holder.as_ref().map(HolderFields::from),
            form: verdict.form.map(CodeForm::from),
            checked_at_unix: verdict.checked_at.as_second(),
        }
    }
}

/// The wallet's card, re-verified now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardView {
    /// The card checked against the stored trust data (`binding_revoked`
    /// among its reasons: this card now lives on another phone).
    pub verdict: VerdictView,
    /// The holder's photo (the bytes the card's digest names).
    pub photo: Vec<u8>,
    /// Whether this phone still holds the card's key.
    pub device_key: DeviceKeyStatus,
    /// Whether the wallet's storage takes writes.
    pub storage: StorageStatus,
}

/// A QR code as a module matrix, for the app to draw natively and crisply.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrCode {
    /// The encoded text.
    pub text: String,
    /// QR version (1 to 40).
    pub version: u8,
    /// Modules per side (no quiet zone; draw 4 light modules around).
    pub size: u32,
    /// `size * size` bytes, row by row from the top-left: 1 dark, 0 light.
    pub modules: Vec<u8>,
    /// When a live code was made; show a new one every few seconds.
    pub made_at_unix: i64,
}

/// A court hearing.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HearingView {
    /// The court's id for it.
    pub id: String,
    /// Start, court-local civil time, `YYYY-MM-DDTHH:MM:SS`.
    pub starts_local: String,
    /// The court's IANA time zone.
    pub time_zone: String,
    /// Start as an instant (for countdowns and reminders).
    pub starts_unix: Option<i64>,
    /// Court name.
    pub court_name: String,
    /// Court address, lines separated by `\n`.
    pub court_address: String,
    /// Judge, if known.
    pub judge: Option<String>,
    /// The type of hearing.
    pub kind: HearingKind,
    /// Scheduled, rescheduled or cancelled.
    pub status: HearingStatus,
}

impl From<&Hearing> for HearingView {
    fn from(hearing: &Hearing) -> Self {
        HearingView {
            id: hearing.id.to_string(),
            starts_local: hearing.starts.local().to_string(),
            time_zone: hearing.starts.time_zone().to_owned(),
            starts_unix: hearing.instant().ok().map(|t| t.as_second()),
            court_name: hearing.court.name().to_owned(),
            court_address: hearing.court.address().to_owned(),
            judge: hearing.judge.as_ref().map(|j| j.as_str().to_owned()),
            kind: hearing.kind.into(),
            status: hearing.status.into(),
        }
    }
}

/// The hearings screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HearingsView {
    /// Upcoming hearings, soonest first (one in progress stays 4 hours).
    pub upcoming: Vec<HearingView>,
    /// How far the list can be trusted to be current.
    pub freshness: Freshness,
    /// When the list was last confirmed current.
    pub fetched_at_unix: Option<i64>,
}

/// What a hearing refresh changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct HearingChangesView {
    /// New hearings.
    pub added: Vec<HearingView>,
    /// Hearings that moved (as they are now).
    pub moved: Vec<HearingView>,
    /// Hearings the court cancelled.
    pub cancelled: Vec<HearingView>,
    /// Hearings no longer listed.
    pub removed: Vec<HearingView>,
    /// Hearings with other changes.
    pub updated: Vec<HearingView>,
}

impl From<&HearingChanges> for HearingChangesView {
    fn from(changes: &HearingChanges) -> Self {
        let after = |list: &[docket_core::hearings::Change]| {
            list.iter().map(|c| HearingView::from(&c.after)).collect()
        };
        HearingChangesView {
            added: changes.added.iter().map(HearingView::from).collect(),
            moved: after(&changes.moved),
            cancelled: after(&changes.cancelled),
            removed: changes.removed.iter().map(HearingView::from).collect(),
            updated: after(&changes.updated),
        }
    }
}

/// A check-in or address change in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OutboxItemView {
    /// The wallet's number for it.
    pub id: i64,
    /// Check-in or address change.
    pub kind: OutboxKind,
    /// Where it is in its delivery.
    pub state: OutboxState,
    /// Attempts that may have reached the portal.
    pub attempts: u32,
    /// The key the portal deduplicates by.
    pub idempotency_key: String,
    /// When the holder made it.
    pub created_at_unix: i64,
    /// When it is due again, if queued.
    pub next_attempt_at_unix: Option<i64>,
    /// The earlier address change it waits for.
    pub blocked_by: Option<i64>,
    /// When parked: the reason's code.
    pub reason_code: Option<String>,
    /// When parked: what the holder should read and do.
    pub reason_message: Option<String>,
    /// When sent: the portal's reference (the holder's proof).
    pub reference: Option<String>,
    /// When sent: when the portal confirmed it.
    pub sent_at_unix: Option<i64>,
}

impl From<&OutboxItem> for OutboxItemView {
    fn from(item: &OutboxItem) -> Self {
        let reason = match &item.state {
            ItemState::NeedsAttention(reason) => Some(reason),
            _ => None,
        };
        OutboxItemView {
            id: item.id.0,
            kind: item.kind().into(),
            state: OutboxState::from(&item.state),
            attempts: item.attempts,
            idempotency_key: item.idempotency_key.clone(),
            created_at_unix: item.created_at.as_second(),
            next_attempt_at_unix: item.next_attempt_at.map(Timestamp::as_second),
            blocked_by: item.blocked_by.map(|id| id.0),
            reason_code: reason.map(|r| r.code().to_owned()),
            reason_message: reason.map(|r| r.message()),
            reference: item.receipt.as_ref().and_then(|r| r.reference.clone()),
            sent_at_unix: item.sent_at.map(Timestamp::as_second),
        }
    }
}

/// A US address as typed into the form.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressInput {
    /// Street, first line.
    pub street1: String,
    /// Street, second line.
    pub street2: Option<String>,
    /// City.
    pub city: String,
    /// Two-letter state code.
    pub state: String,
    /// ZIP or ZIP+4.
    pub zip: String,
}

/// What enrollment saved.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EnrollmentSummary {
    /// The card, checked.
    pub verdict: VerdictView,
    /// How many hearings came with it.
    pub hearings: u32,
}

/// What a sync pass did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncSummary {
    /// Why the pass ended.
    pub stop: SyncStop,
    /// Items the portal confirmed in this pass.
    pub sent: u32,
    /// Items refused in this pass (they need the holder).
    pub parked: u32,
    /// Items that will be tried again.
    pub retrying: u32,
    /// Items not yet confirmed after the pass.
    pub still_pending: u32,
    /// When background work should run next.
    pub next_attempt_at_unix: Option<i64>,
    /// What changed in the hearings, if the list was refreshed.
    pub hearing_changes: Option<HearingChangesView>,
    /// What the pass did to the trust list.
    pub trust_list: ListUpdate,
    /// What the pass did to the status list.
    pub status_list: ListUpdate,
}

/// One of the officer's lists, for its freshness screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ListFreshness {
    /// Fresh, stale, expired or missing.
    pub state: ListState,
    /// Its sequence number, when installed.
    pub sequence: Option<u64>,
    /// When it was issued, when installed.
    pub issued_at_unix: Option<i64>,
    /// When it expires, when installed.
    pub expires_at_unix: Option<i64>,
    /// Seconds since it was issued, when installed (negative if this
    /// phone's clock is behind).
    pub age_seconds: Option<i64>,
}

impl From<&CoreListFreshness> for ListFreshness {
    fn from(list: &CoreListFreshness) -> Self {
        ListFreshness {
            state: list.state.into(),
            sequence: list.meta.map(|m| m.sequence),
            issued_at_unix: list.meta.map(|m| m.issued_at.as_second()),
            expires_at_unix: list.meta.map(|m| m.expires_at.as_second()),
            age_seconds: list.age.map(|age| age.as_secs()),
        }
    }
}

/// Whether the officer's phone is ready to check cards offline, and why
/// not.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OfficerFreshness {
    /// Both lists installed, neither stale nor expired, the clock not
    /// behind them: a card checked now meets no list problem.
    pub ready: bool,
    /// Why not ready, in order (empty when ready): the sentences to show.
    pub reasons: Vec<ReasonView>,
    /// The trust list.
    pub trust_list: ListFreshness,
    /// The status (revocation) list.
    pub status_list: ListFreshness,
    /// When an update last left both lists current.
    pub last_update_unix: Option<i64>,
    /// This phone's clock is behind the lists' issue time.
    pub clock_behind: bool,
}

impl From<&CoreFreshness> for OfficerFreshness {
    fn from(freshness: &CoreFreshness) -> Self {
        OfficerFreshness {
            ready: freshness.is_ready(),
            reasons: freshness.reasons.iter().map(ReasonView::from).collect(),
            trust_list: ListFreshness::from(&freshness.trust_list),
            status_list: ListFreshness::from(&freshness.status_list),
            last_update_unix: freshness.last_update.map(|t| t.as_second()),
            clock_behind: freshness.clock_behind,
        }
    }
}

/// What an update of the officer's lists did, and where they stand now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ListsUpdate {
    /// The trust list.
    pub trust_list: ListOutcome,
    /// The status list.
    pub status_list: ListOutcome,
    /// Freshness after the update.
    pub freshness: OfficerFreshness,
}

impl ListsUpdate {
    pub(crate) fn new(report: &UpdateReport, freshness: &CoreFreshness) -> Self {
        ListsUpdate {
            trust_list: ListOutcome::from(&report.trust_list),
            status_list: ListOutcome::from(&report.status_list),
            freshness: OfficerFreshness::from(freshness),
        }
    }
}
