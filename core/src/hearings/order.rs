//! Which hearings the holder still has to attend, in the order they come.

use super::model::Hearing;
use jiff::{SignedDuration, Timestamp};

/// How long after its start a hearing still shows as upcoming. Hearings
/// run late and the holder may be sitting in the waiting room; the
/// address and courtroom must stay on screen until it is surely over.
pub const IN_PROGRESS_GRACE: SignedDuration = SignedDuration::from_hours(4);

/// The hearings that are not cancelled and started no earlier than
/// [`IN_PROGRESS_GRACE`] before `now`, earliest first; hearings at the
/// same instant are ordered by id, so the order never depends on how the
/// server listed them.
///
/// A hearing whose start cannot be resolved to an instant is kept, after
/// all the others: dropping it could hide a hearing the holder must
/// attend. (It cannot happen to a [`Hearing`] as built — its zone was
/// looked up and its year bounded at construction — but the fallback is
/// defined rather than left to a panic.)
pub fn upcoming(hearings: &[Hearing], now: Timestamp) -> Vec<&Hearing> {
    let mut shown: Vec<(Option<Timestamp>, &Hearing)> = hearings
        .iter()
        .filter(|hearing| !hearing.is_cancelled())
        .map(|hearing| (hearing.instant().ok(), hearing))
        .filter(|(start, _)| match start {
            Some(start) => start.duration_since(now) >= -IN_PROGRESS_GRACE,
            None => true,
        })
        .collect();
    shown.sort_by(|(a_start, a), (b_start, b)| {
        // `None` sorts after every time: unresolved hearings go last.
        (a_start.is_none(), a_start, &a.id).cmp(&(b_start.is_none(), b_start, &b.id))
    });
    shown.into_iter().map(|(_, hearing)| hearing).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hearings::model::HearingStatus;
    use crate::hearings::test_support::{hearing, ts};

    fn ids(hearings: &[&Hearing]) -> Vec<String> {
        hearings.iter().map(|h| h.id.to_string()).collect()
    }

    #[test]
    fn ordered_by_instant_not_by_local_time() {
        // 09:00 in New York (13:00Z) is earlier than 08:30 in Chicago
        // (13:30Z).
        let list = [
            hearing("chicago", "2027-05-03T08:30", "America/Chicago"),
            hearing("new-york", "2027-05-03T09:00", "America/New_York"),
            hearing("later", "2027-05-04T08:00", "America/Chicago"),
        ];
        let now = ts("2027-05-01T00:00:00Z");
        assert_eq!(ids(&upcoming(&list, now)), ["new-york", "chicago", "later"]);
    }

    #[test]
    fn ties_are_ordered_by_id() {
        // The same instant, stated in two zones.
        let list = [
            hearing("b", "2027-05-03T10:00", "America/New_York"),
            hearing("a", "2027-05-03T09:00", "America/Chicago"),
        ];
        assert_eq!(
            ids(&upcoming(&list, ts("2027-05-01T00:00:00Z"))),
            ["a", "b"]
        );
    }

    #[test]
    fn cancelled_hearings_are_left_out() {
        let mut cancelled = hearing("c", "2027-05-03T09:00", "UTC");
        cancelled.status = HearingStatus::Cancelled;
        let mut rescheduled = hearing("r", "2027-05-03T10:00", "UTC");
        rescheduled.status = HearingStatus::Rescheduled;
        let list = [cancelled, rescheduled];
        assert_eq!(ids(&upcoming(&list, ts("2027-05-01T00:00:00Z"))), ["r"]);
    }

    #[test]
    fn a_hearing_shows_for_four_hours_after_its_start() {
        let list = [hearing("h", "2027-05-03T09:00", "UTC")];
        assert_eq!(upcoming(&list, ts("2027-05-03T13:00:00Z")).len(), 1);
        assert!(upcoming(&list, ts("2027-05-03T13:00:01Z")).is_empty());
    }
}
