//! When to remind the holder of a hearing. The platform schedules the
//! notifications; this module decides the instants.
//!
//! Reminders are set on the court's wall clock with calendar arithmetic
//! ("09:00 the day before"), not by subtracting 24 or 168 hours: across a
//! DST change a fixed duration lands an hour off, and a reminder at 08:00
//! or 10:00 is not the one the holder was promised. The court's zone is
//! used, not the phone's, because the reminder is about the court's day.

use super::model::{Hearing, HearingId};
use jiff::civil::{Date, DateTime, Time, time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;

/// Court-local time of the week-before reminder.
pub const WEEK_BEFORE_AT: Time = time(9, 0, 0, 0);
/// Calendar days between the week-before reminder and the hearing date.
pub const WEEK_BEFORE_DAYS: i8 = 7;
/// Court-local time of the day-before reminder.
pub const DAY_BEFORE_AT: Time = time(9, 0, 0, 0);
/// Court-local time of the morning-of reminder.
pub const MORNING_OF_AT: Time = time(7, 0, 0, 0);
/// The morning-of reminder comes at least this long before the start, so
/// the holder of an early hearing still has time to travel.
pub const MORNING_OF_LEAD: SignedDuration = SignedDuration::from_hours(2);

/// Which reminder. Ordered as they fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// 09:00 court time, seven calendar days before the hearing date.
    WeekBefore,
    /// 09:00 court time, the day before.
    DayBefore,
    /// 07:00 court time on the day, or [`MORNING_OF_LEAD`] before the
    /// start if that is earlier.
    MorningOf,
}

/// One notification to schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// The hearing it is about.
    pub hearing_id: HearingId,
    /// Which reminder.
    pub kind: ReminderKind,
    /// When to show it.
    pub at: Timestamp,
}

/// The reminders still to come for `hearing`: those strictly after `now`,
/// in the order they fire. None for a cancelled hearing or one that has
/// started.
///
/// A local reminder time that falls in a DST gap moves forward out of it
/// (jiff's "compatible" resolution), one in a fold takes the earlier
/// instant. The hearing's date is its date in the court's zone after the
/// same resolution. Should any time be impossible to compute (it cannot
/// be for a built [`Hearing`]), that reminder is skipped: an alarm at a
/// made-up time is worse than none, and the hearing still shows in the
/// list.
pub fn reminders(hearing: &Hearing, now: Timestamp) -> Vec<Reminder> {
    if hearing.is_cancelled() {
        return Vec::new();
    }
    let Ok(start) = hearing.starts.zoned() else {
        return Vec::new();
    };
    if start.timestamp() <= now {
        return Vec::new();
    }
    let tz = hearing.starts.tz();
    let day = start.date();
    let week_before = day
        .checked_sub(i64::from(WEEK_BEFORE_DAYS).days())
        .ok()
        .and_then(|date| at_local(tz, date, WEEK_BEFORE_AT));
    let day_before = day
        .yesterday()
        .ok()
        .and_then(|date| at_local(tz, date, DAY_BEFORE_AT));
    let latest_morning = start.timestamp().checked_sub(MORNING_OF_LEAD).ok();
    let morning_of = match (at_local(tz, day, MORNING_OF_AT), latest_morning) {
        (Some(seven), Some(latest)) => Some(seven.min(latest)),
        (seven, latest) => seven.or(latest),
    };
    [
        (ReminderKind::WeekBefore, week_before),
        (ReminderKind::DayBefore, day_before),
        (ReminderKind::MorningOf, morning_of),
    ]
    .into_iter()
    .filter_map(|(kind, at)| {
        at.filter(|at| *at > now).map(|at| Reminder {
            hearing_id: hearing.id.clone(),
            kind,
            at,
        })
    })
    .collect()
}

/// Every hearing's reminders after `now`, soonest first; at the same
/// instant, by hearing id and then kind, so the order is stable.
pub fn all_reminders(hearings: &[Hearing], now: Timestamp) -> Vec<Reminder> {
    let mut all: Vec<Reminder> = hearings
        .iter()
        .flat_map(|hearing| reminders(hearing, now))
        .collect();
    all.sort_by(|a, b| (a.at, &a.hearing_id, a.kind).cmp(&(b.at, &b.hearing_id, b.kind)));
    all
}

/// `date` at `time` on the wall clock of `tz`, resolved compatibly.
fn at_local(tz: &TimeZone, date: Date, time: Time) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(DateTime::from_parts(date, time))
        .compatible()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hearings::model::HearingStatus;
    use crate::hearings::test_support::{hearing, ts};

    fn times(reminders: &[Reminder]) -> Vec<(ReminderKind, Timestamp)> {
        reminders.iter().map(|r| (r.kind, r.at)).collect()
    }

    const LONG_BEFORE: &str = "2027-01-01T00:00:00Z";

    #[test]
    fn the_day_after_spring_forward() {
        // DST begins 2027-03-14 02:00 in New York. The day-before reminder
        // is in EDT, the week-before one in EST: 23 hours and 167 hours
        // before the start, not 24 and 168.
        let h = hearing("h", "2027-03-15T09:00", "America/New_York");
        assert_eq!(
            times(&reminders(&h, ts(LONG_BEFORE))),
            [
                (ReminderKind::WeekBefore, ts("2027-03-08T14:00:00Z")),
                (ReminderKind::DayBefore, ts("2027-03-14T13:00:00Z")),
                (ReminderKind::MorningOf, ts("2027-03-15T11:00:00Z")),
            ]
        );
    }

    #[test]
    fn early_hearing_gets_its_morning_reminder_two_hours_ahead() {
        let h = hearing("h", "2027-05-03T08:00", "UTC");
        let list = reminders(&h, ts(LONG_BEFORE));
        assert_eq!(list[2].at, ts("2027-05-03T06:00:00Z"));
        let h = hearing("h", "2027-05-03T09:00", "UTC");
        assert_eq!(
            reminders(&h, ts(LONG_BEFORE))[2].at,
            ts("2027-05-03T07:00:00Z")
        );
    }

    #[test]
    fn only_reminders_strictly_after_now() {
        let h = hearing("h", "2027-05-03T09:00", "UTC");
        let day_before = ts("2027-05-02T09:00:00Z");
        let kinds: Vec<ReminderKind> = reminders(&h, day_before).iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [ReminderKind::MorningOf]);
        let just_before = ts("2027-05-02T08:59:59Z");
        assert_eq!(reminders(&h, just_before).len(), 2);
    }

    #[test]
    fn none_for_cancelled_or_started_hearings() {
        let mut h = hearing("h", "2027-05-03T09:00", "UTC");
        assert_eq!(reminders(&h, ts("2027-05-03T08:59:00Z")).len(), 0);
        assert_eq!(reminders(&h, ts("2027-05-03T09:00:00Z")).len(), 0);
        assert_eq!(reminders(&h, ts(LONG_BEFORE)).len(), 3);
        h.status = HearingStatus::Cancelled;
        assert!(reminders(&h, ts(LONG_BEFORE)).is_empty());
        h.status = HearingStatus::Rescheduled;
        assert_eq!(reminders(&h, ts(LONG_BEFORE)).len(), 3);
    }

    #[test]
    fn all_reminders_interleave_hearings_by_time() {
        let list = [
            hearing("b", "2027-05-04T09:00", "UTC"),
            hearing("a", "2027-05-03T09:00", "UTC"),
        ];
        let all = all_reminders(&list, ts(LONG_BEFORE));
        let order: Vec<(&str, ReminderKind)> = all
            .iter()
            .map(|r| (r.hearing_id.as_str(), r.kind))
            .collect();
        assert_eq!(
            order,
            [
                ("a", ReminderKind::WeekBefore),
                ("b", ReminderKind::WeekBefore),
                ("a", ReminderKind::DayBefore),
                ("a", ReminderKind::MorningOf),
                ("b", ReminderKind::DayBefore),
                ("b", ReminderKind::MorningOf),
            ]
        );
    }

    #[test]
    fn same_instant_reminders_are_ordered_by_hearing_id() {
        let list = [
            hearing("z", "2027-05-03T09:00", "UTC"),
            hearing("a", "2027-05-03T09:00", "UTC"),
        ];
        let all = all_reminders(&list, ts(LONG_BEFORE));
        assert_eq!(all[0].hearing_id.as_str(), "a");
        assert_eq!(all[1].hearing_id.as_str(), "z");
    }
}
