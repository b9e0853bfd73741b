//! The holder's court hearings as the wallet caches them: the model, the
//! diff a refresh reports, the reminders the platform schedules, and how
//! stale the cache is.
//!
//! All of it is pure: no clock is read (callers pass `now`) and no
//! storage is touched. One concern per module:
//!
//! - [`model`] — a hearing and its validated parts, and their JSON;
//! - [`json`] — parsing a whole list, with size and count bounds;
//! - [`order`] — the upcoming hearings, soonest first;
//! - [`diff`](mod@diff) — what a refresh changed;
//! - [`reminders`](mod@reminders) — when to notify the holder;
//! - [`staleness`](mod@staleness) — how old the cache is;
//! - [`error`] — why data was refused, with stable codes.

pub mod diff;
pub mod error;
pub mod json;
pub mod model;
pub mod order;
pub mod reminders;
pub mod staleness;

#[cfg(test)]
mod test_support;

pub use diff::{Change, HearingChanges, diff};
pub use error::{HearingError, HearingField};
pub use json::{MAX_HEARINGS, MAX_HEARINGS_JSON_BYTES, parse_hearings_json};
pub use model::{
    Court, CourtTime, FIRST_YEAR, Hearing, HearingId, HearingKind, HearingStatus, Judge, LAST_YEAR,
    MAX_COURT_ADDRESS_BYTES, MAX_COURT_NAME_BYTES, MAX_ID_LEN, MAX_JUDGE_BYTES,
};
pub use order::{IN_PROGRESS_GRACE, upcoming};
pub use reminders::{
    DAY_BEFORE_AT, MORNING_OF_AT, MORNING_OF_LEAD, Reminder, ReminderKind, WEEK_BEFORE_AT,
    WEEK_BEFORE_DAYS, all_reminders, reminders,
};
pub use staleness::{FRESH_FOR, STALE_AFTER, Staleness, StalenessLevel, staleness};
