//! Builders shared by the unit tests of this module.

use super::model::{Court, CourtTime, Hearing, HearingId, HearingKind, HearingStatus};
use jiff::Timestamp;

/// A scheduled master-calendar hearing `id` at `local` in `time_zone`.
pub(crate) fn hearing(id: &str, local: &str, time_zone: &str) -> Hearing {
    Hearing {
        id: HearingId::new(id).unwrap(),
        starts: CourtTime::parse(local, time_zone).unwrap(),
        court: Court::new(
            "Houston Immigration Court",
            "600 Jefferson St\nHouston, TX 77002",
        )
        .unwrap(),
        judge: None,
        kind: HearingKind::MasterCalendar,
        status: HearingStatus::Scheduled,
    }
}

/// An instant from RFC 3339 text.
pub(crate) fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}
