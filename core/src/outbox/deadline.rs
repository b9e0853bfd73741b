//! A change of address and its deadline.
//!
//! A person in removal proceedings must tell the immigration court of a new
//! address within 5 days of moving (8 CFR 1003.15(d)(2)); a hearing notice
//! mailed to the old address can end in an order issued in their absence.
//! The wallet therefore shows, for every queued or sent change, the day it
//! is due and how many days are left.
//!
//! Days are calendar days, not business days: the regulation does not
//! exclude weekends, and counting them keeps the reminder on the safe side.
//!
//! # Which "today"
//!
//! Every `today` in this module is the holder's local calendar date, as the
//! platform supplies it (the phone's current time zone, e.g.
//! `jiff::Zoned::now().date()`), never a UTC date: the deadline is a date
//! where the holder lives, and a UTC "today" would move to tomorrow every
//! evening in the Americas, showing one day less than the holder has.

use super::address::UsAddress;
use jiff::civil::Date;
use jiff::{SignedDuration, Span};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Days after the move by which the court must have the new address. The
/// due day itself still counts as on time.
pub const ADDRESS_CHANGE_DAYS: i64 = 5;
/// How many days before the due day (inclusive) a pending change is shown
/// as [`DeadlineState::DueSoon`].
pub const DUE_SOON_DAYS: i32 = 1;
/// How far ahead a move may be dated: a holder may report a planned move.
pub const MAX_MOVE_DAYS_AHEAD: i64 = 30;
/// How far back (in calendar years) a move may be dated.
pub const MAX_MOVE_YEARS_AGO: i64 = 1;

/// Why a change of address cannot be made with this moving date. Each
/// variant has a stable snake_case [`code`](ChangeError::code).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChangeError {
    /// The moving date is more than [`MAX_MOVE_DAYS_AHEAD`] days after
    /// today.
    #[error(
        "the moving date {moved_on} is more than {MAX_MOVE_DAYS_AHEAD} days after today ({today}); check the date and the year (you can report a move up to {MAX_MOVE_DAYS_AHEAD} days before it happens)"
    )]
    MoveTooFarAhead {
        /// The date given.
        moved_on: Date,
        /// The holder's local date.
        today: Date,
    },
    /// The moving date is more than [`MAX_MOVE_YEARS_AGO`] year before
    /// today.
    #[error(
        "the moving date {moved_on} is more than a year before today ({today}); check the date and the year"
    )]
    MoveTooLongAgo {
        /// The date given.
        moved_on: Date,
        /// The holder's local date.
        today: Date,
    },
}

impl ChangeError {
    /// A stable snake_case code for machines (JSON, tests).
    pub fn code(&self) -> &'static str {
        match self {
            ChangeError::MoveTooFarAhead { .. } => "move_too_far_ahead",
            ChangeError::MoveTooLongAgo { .. } => "move_too_long_ago",
        }
    }
}

/// A new address and the day the holder moved (or will move) there.
///
/// JSON: `{"address":{...},"moved_on":"2025-03-01"}`. Deserialization
/// re-validates the address but not the moving date's window: the window is
/// relative to the day the change was made, and a stored change stays a
/// legal record after that day has passed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressChange {
    address: UsAddress,
    moved_on: Date,
}

impl AddressChange {
    /// Makes a change of address, refusing a moving date more than
    /// [`MAX_MOVE_DAYS_AHEAD`] days after `today` or more than
    /// [`MAX_MOVE_YEARS_AGO`] year before it (both bounds inclusive).
    ///
    /// Those dates are almost always typos (2062 for 2026, last year's
    /// year in January), and they would set a deadline nobody can act on:
    /// decades away, so no reminder ever fires, or long past, so the change
    /// shows as overdue from the start. Asking the holder to check the date
    /// is the useful answer. `today` is the holder's local date (see the
    /// module documentation).
    pub fn new(address: UsAddress, moved_on: Date, today: Date) -> Result<Self, ChangeError> {
        // A bound that falls outside jiff's calendar cannot be crossed.
        let too_far_ahead = today
            .checked_add(Span::new().days(MAX_MOVE_DAYS_AHEAD))
            .is_ok_and(|limit| moved_on > limit);
        if too_far_ahead {
            return Err(ChangeError::MoveTooFarAhead { moved_on, today });
        }
        let too_long_ago = today
            .checked_sub(Span::new().years(MAX_MOVE_YEARS_AGO))
            .is_ok_and(|limit| moved_on < limit);
        if too_long_ago {
            return Err(ChangeError::MoveTooLongAgo { moved_on, today });
        }
        Ok(AddressChange { address, moved_on })
    }

    /// The new address.
    pub fn address(&self) -> &UsAddress {
        &self.address
    }

    /// The day of the move.
    pub fn moved_on(&self) -> Date {
        self.moved_on
    }

    /// The last day the court must have the change by: the moving date
    /// plus [`ADDRESS_CHANGE_DAYS`].
    pub fn due_on(&self) -> Date {
        due_on(self.moved_on)
    }

    /// Where this change stands against its deadline; see
    /// [`deadline_status`].
    pub fn status(&self, today: Date, sent_on: Option<Date>) -> DeadlineStatus {
        deadline_status(self.moved_on, today, sent_on)
    }
}

/// Where a change of address stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Not sent, more than [`DUE_SOON_DAYS`] days left.
    OnTime,
    /// Not sent, the due day is today or within [`DUE_SOON_DAYS`] days.
    DueSoon,
    /// Not sent, and the due day has passed.
    Overdue,
    /// Sent on or before the due day.
    Met,
    /// Sent after the due day.
    MetLate,
}

/// A change of address's deadline as a screen shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeadlineStatus {
    /// The last day the change is on time.
    pub due_on: Date,
    /// Days from today (or, once sent, from the day it was sent) to the due
    /// day: 0 on the due day, negative when late. Freezing it at the
    /// sending day keeps a sent change's record ("sent 2 days early",
    /// "sent 3 days late") from drifting as time passes.
    pub days_left: i32,
    /// Which of the five situations it is in.
    pub state: DeadlineState,
}

/// Where a change of address for a move on `moved_on` stands on `today`
/// (the holder's local date), given the day it was sent, if it was.
pub fn deadline_status(moved_on: Date, today: Date, sent_on: Option<Date>) -> DeadlineStatus {
    let due_on = due_on(moved_on);
    let (days_left, state) = match sent_on {
        Some(sent) => {
            let days = days_between(sent, due_on);
            let state = if days >= 0 {
                DeadlineState::Met
            } else {
                DeadlineState::MetLate
            };
            (days, state)
        }
        None => {
            let days = days_between(today, due_on);
            let state = if days < 0 {
                DeadlineState::Overdue
            } else if days <= DUE_SOON_DAYS {
                DeadlineState::DueSoon
            } else {
                DeadlineState::OnTime
            };
            (days, state)
        }
    };
    DeadlineStatus {
        due_on,
        days_left,
        state,
    }
}

/// Saturates at the end of jiff's calendar (year 9999), which only a
/// tampered stored record can reach: construction keeps moves near today.
fn due_on(moved_on: Date) -> Date {
    moved_on.saturating_add(Span::new().days(ADDRESS_CHANGE_DAYS))
}

/// Whole days from `from` to `to`. Civil dates have no time zone, so every
/// day is exactly 24 hours here; jiff's whole calendar spans about 7.3
/// million days, so the saturation never happens in practice.
fn days_between(from: Date, to: Date) -> i32 {
    let days = from.duration_until(to).as_secs() / SignedDuration::from_hours(24).as_secs();
    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn address() -> UsAddress {
        UsAddress::new("1 Main St", None, "Austin", "TX", "78701").unwrap()
    }

    fn status(moved: Date, today: Date) -> (Date, i32, DeadlineState) {
        let s = deadline_status(moved, today, None);
        (s.due_on, s.days_left, s.state)
    }

    #[test]
    fn due_five_calendar_days_after_the_move() {
        let change = AddressChange::new(address(), date(2025, 3, 3), date(2025, 3, 3)).unwrap();
        assert_eq!(change.due_on(), date(2025, 3, 8));
    }

    #[test]
    fn pending_states_by_day() {
        let moved = date(2025, 3, 3);
        let due = date(2025, 3, 8);
        assert_eq!(status(moved, moved), (due, 5, DeadlineState::OnTime));
        assert_eq!(
            status(moved, date(2025, 3, 6)),
            (due, 2, DeadlineState::OnTime)
        );
        assert_eq!(
            status(moved, date(2025, 3, 7)),
            (due, 1, DeadlineState::DueSoon)
        );
        assert_eq!(status(moved, due), (due, 0, DeadlineState::DueSoon));
        assert_eq!(
            status(moved, date(2025, 3, 9)),
            (due, -1, DeadlineState::Overdue)
        );
        // Reported before moving: more than five days to go.
        assert_eq!(
            status(moved, date(2025, 2, 20)),
            (due, 16, DeadlineState::OnTime)
        );
    }

    #[test]
    fn sent_changes_freeze_at_the_sending_day() {
        let moved = date(2025, 3, 3);
        let on_due_day = deadline_status(moved, date(2025, 6, 1), Some(date(2025, 3, 8)));
        assert_eq!(
            (on_due_day.days_left, on_due_day.state),
            (0, DeadlineState::Met)
        );
        let early = deadline_status(moved, date(2025, 6, 1), Some(date(2025, 3, 4)));
        assert_eq!((early.days_left, early.state), (4, DeadlineState::Met));
        let late = deadline_status(moved, date(2025, 3, 10), Some(date(2025, 3, 9)));
        assert_eq!((late.days_left, late.state), (-1, DeadlineState::MetLate));
    }

    #[test]
    fn moving_date_window_is_inclusive() {
        let today = date(2025, 3, 3);
        assert!(AddressChange::new(address(), date(2025, 4, 2), today).is_ok());
        assert_eq!(
            AddressChange::new(address(), date(2025, 4, 3), today).unwrap_err(),
            ChangeError::MoveTooFarAhead {
                moved_on: date(2025, 4, 3),
                today
            }
        );
        assert!(AddressChange::new(address(), date(2024, 3, 3), today).is_ok());
        assert_eq!(
            AddressChange::new(address(), date(2024, 3, 2), today)
                .unwrap_err()
                .code(),
            "move_too_long_ago"
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        assert!(AddressChange::new(address(), Date::MAX, Date::MAX).is_ok());
        assert!(AddressChange::new(address(), Date::MIN, Date::MIN).is_ok());
        let s = deadline_status(Date::MAX, Date::MIN, None);
        assert_eq!((s.due_on, s.state), (Date::MAX, DeadlineState::OnTime));
        assert!(s.days_left > 3_000_000);
    }
}
