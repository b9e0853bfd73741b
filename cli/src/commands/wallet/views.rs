//! What the wallet commands print: JSON for machines (stable field names,
//! documented in `docket wallet --help`), a few plain lines for people.

use docket_core::hearings::{Hearing, HearingChanges, Staleness, upcoming};
use docket_core::outbox::{ItemKind, ItemState, OutboxItem, Submission};
use docket_core::portal_api::SubmissionReceipt;
use docket_core::sync::{HearingsRefresh, ItemOutcome, ListRefresh, SyncReport, SyncStop};
use jiff::Timestamp;
use serde::Serialize;

/// An outbox item.
#[derive(Serialize)]
pub struct ItemJson {
    pub id: i64,
    pub kind: &'static str,
    pub state: &'static str,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonJson>,
    pub idempotency_key: String,
    pub summary: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// Sent, but its stored receipt could not be read back.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub receipt_unreadable: bool,
}

/// Why an item needs the holder.
#[derive(Serialize)]
pub struct ReasonJson {
    pub code: String,
    pub message: String,
}

impl ItemJson {
    pub fn of(item: &OutboxItem) -> Self {
        let reason = match &item.state {
            ItemState::NeedsAttention(reason) => Some(ReasonJson {
                code: reason.code().to_owned(),
                message: reason.message(),
            }),
            _ => None,
        };
        ItemJson {
            id: item.id.0,
            kind: item.kind().code(),
            state: item.state.code(),
            attempts: item.attempts,
            reason,
            idempotency_key: item.idempotency_key.clone(),
            summary: summary(&item.submission),
            created_at: item.created_at.to_string(),
            next_attempt_at: item.next_attempt_at.map(|t| t.to_string()),
            last_failure: item.last_failure.clone(),
            blocked_by: item.blocked_by.map(|id| id.0),
            sent_at: item.sent_at.map(|t| t.to_string()),
            // Checked again here: a receipt stored by an older version
            // was not, and nothing from the network is printed raw.
            reference: item
                .receipt
                .as_ref()
                .and_then(|r| r.reference.clone())
                .filter(|r| SubmissionReceipt::is_valid_reference(item.kind(), r)),
            received_at: item.receipt.as_ref().map(|r| r.received_at.to_string()),
            receipt_unreadable: item.receipt_unreadable,
        }
    }

    pub fn line(&self) -> String {
        let mut line = format!("#{:<4} {:<22} {:<15}", self.id, self.summary, self.state);
        if let Some(reference) = &self.reference {
            line.push_str(&format!(" receipt {reference}"));
        }
        if self.receipt_unreadable {
            line.push_str(" (receipt unreadable)");
        }
        if self.attempts > 0 && self.state != "sent" {
            line.push_str(&format!(" ({} attempts", self.attempts));
            if let Some(failure) = &self.last_failure {
                line.push_str(&format!(", last: {failure}"));
            }
            line.push(')');
        }
        if let Some(blocked) = self.blocked_by {
            line.push_str(&format!(" waits for #{blocked}"));
        }
        if let Some(reason) = &self.reason {
            line.push_str(&format!("\n      {}", reason.message));
        }
        line
    }
}

fn summary(submission: &Submission) -> String {
    match submission {
        Submission::CheckIn { .. } => "check-in".to_owned(),
        Submission::AddressChange(change) => format!(
            "move to {}, {}",
            change.address().city(),
            change.address().state().code()
        ),
        Submission::Unreadable { kind } => match kind {
            ItemKind::CheckIn => "unreadable check-in".to_owned(),
            ItemKind::AddressChange => "unreadable move".to_owned(),
        },
    }
}

/// A hearing for display.
#[derive(Serialize)]
pub struct HearingJson<'a> {
    #[serde(flatten)]
    pub hearing: &'a Hearing,
    pub local_time: String,
}

impl<'a> HearingJson<'a> {
    pub fn of(hearing: &'a Hearing) -> Self {
        let local_time = hearing
            .starts
            .zoned()
            .map(|z| z.strftime("%a %b %-d, %Y %-I:%M %p %Z").to_string())
            .unwrap_or_else(|_| hearing.starts.local().to_string());
        HearingJson {
            hearing,
            local_time,
        }
    }

    pub fn line(&self) -> String {
        let h = self.hearing;
        let judge = h
            .judge
            .as_ref()
            .map(|j| format!(", {}", j.as_str()))
            .unwrap_or_default();
        format!(
            "{}  {} ({}){judge}  [{}]",
            self.local_time,
            h.court.name(),
            h.kind.code(),
            h.status.code()
        )
    }
}

/// Upcoming hearings and how fresh the cache is.
pub fn upcoming_hearings(hearings: &[Hearing], now: Timestamp) -> Vec<HearingJson<'_>> {
    upcoming(hearings, now)
        .into_iter()
        .map(HearingJson::of)
        .collect()
}

/// The staleness in words.
pub fn staleness_line(staleness: &Staleness) -> String {
    let age = staleness
        .age
        .map(|a| format!("{:.0} minutes ago", a.as_secs_f64() / 60.0))
        .unwrap_or_else(|| "at an unknown time".to_owned());
    format!("{:?}, fetched {age}", staleness.level).to_lowercase()
}

/// What changed in a hearing refresh, one line each.
pub fn change_lines(changes: &HearingChanges) -> Vec<String> {
    let mut lines = Vec::new();
    for h in &changes.added {
        lines.push(format!(
            "new hearing {}: {}",
            h.id,
            HearingJson::of(h).local_time
        ));
    }
    for c in &changes.moved {
        lines.push(format!(
            "hearing {} MOVED: {} -> {}",
            c.after.id,
            HearingJson::of(&c.before).local_time,
            HearingJson::of(&c.after).local_time
        ));
    }
    for c in &changes.cancelled {
        lines.push(format!("hearing {} CANCELLED", c.after.id));
    }
    for h in &changes.removed {
        lines.push(format!("hearing {} removed from the court's list", h.id));
    }
    for c in &changes.updated {
        lines.push(format!("hearing {} details changed", c.after.id));
    }
    lines
}

/// The JSON of a sync report.
#[derive(Serialize)]
pub struct SyncJson {
    pub stop: &'static str,
    pub sent: usize,
    pub parked: usize,
    pub retrying: usize,
    pub still_pending: usize,
    pub next_attempt_at: Option<String>,
    pub hearings: String,
    pub hearing_changes: Vec<String>,
    pub trust_list: String,
    pub status_list: String,
}

impl SyncJson {
    pub fn of(report: &SyncReport) -> Self {
        let count =
            |f: fn(&ItemOutcome) -> bool| report.items.iter().filter(|(_, _, o)| f(o)).count();
        let (hearings, hearing_changes) = match &report.hearings {
            HearingsRefresh::NotAttempted => ("not_attempted".to_owned(), Vec::new()),
            HearingsRefresh::Unchanged => ("unchanged".to_owned(), Vec::new()),
            HearingsRefresh::Updated(changes) => ("updated".to_owned(), change_lines(changes)),
            HearingsRefresh::Failed(why) => (format!("failed: {why}"), Vec::new()),
        };
        SyncJson {
            stop: match report.stop {
                SyncStop::Done => "done",
                SyncStop::Offline => "offline",
                SyncStop::Deadline => "deadline",
            },
            sent: count(|o| matches!(o, ItemOutcome::Sent(_))),
            parked: count(|o| matches!(o, ItemOutcome::Parked(_))),
            retrying: count(|o| matches!(o, ItemOutcome::WillRetry { .. })),
            still_pending: report.still_pending,
            next_attempt_at: report.next_attempt_at.map(|t| t.to_string()),
            hearings,
            hearing_changes,
            trust_list: list_text(&report.trust_list),
            status_list: list_text(&report.status_list),
        }
    }
}

fn list_text(refresh: &ListRefresh) -> String {
    match refresh {
        ListRefresh::NotAttempted => "not_attempted".to_owned(),
        ListRefresh::AlreadyCurrent => "current".to_owned(),
        ListRefresh::Installed { sequence } => format!("installed sequence {sequence}"),
        ListRefresh::Refused(error) => format!("refused: {error}"),
        ListRefresh::Failed(why) => format!("failed: {why}"),
    }
}
