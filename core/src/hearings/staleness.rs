//! How old the cached hearings are, so the home screen can warn before
//! the holder relies on a list the court may have changed since.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// Below this age the cache is [`StalenessLevel::Fresh`].
pub const FRESH_FOR: SignedDuration = SignedDuration::from_hours(24);
/// From this age on the cache is [`StalenessLevel::Stale`]; between
/// [`FRESH_FOR`] and this it is [`StalenessLevel::Aging`].
pub const STALE_AFTER: SignedDuration = SignedDuration::from_hours(72);

/// How much to trust the cached list, from least to most worrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StalenessLevel {
    /// Younger than [`FRESH_FOR`].
    Fresh,
    /// Older than [`FRESH_FOR`] but younger than [`STALE_AFTER`], or of
    /// unknown age (fetched "in the future").
    Aging,
    /// [`STALE_AFTER`] or older.
    Stale,
    /// Hearings were never downloaded on this phone.
    NeverFetched,
}

/// The cache's level and age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Staleness {
    /// How much to trust it.
    pub level: StalenessLevel,
    /// How long ago it was fetched; `None` when never fetched, or when
    /// the fetch time is after `now` and the age is therefore unknown.
    pub age: Option<SignedDuration>,
}

/// The staleness of a cache fetched at `fetched_at`, seen at `now`.
///
/// A `fetched_at` after `now` means one of the two clock readings is
/// wrong (the phone's clock was moved back, or was ahead when the list
/// was fetched). The list's real age cannot be known, so it is not
/// called fresh; it is [`StalenessLevel::Aging`], which prompts a refresh
/// without the alarm of "stale", and the age is `None` rather than a
/// negative number a screen would print as nonsense.
pub fn staleness(fetched_at: Option<Timestamp>, now: Timestamp) -> Staleness {
    let Some(fetched_at) = fetched_at else {
        return Staleness {
            level: StalenessLevel::NeverFetched,
            age: None,
        };
    };
    let age = now.duration_since(fetched_at);
    let (level, age) = if age.is_negative() {
        (StalenessLevel::Aging, None)
    } else if age < FRESH_FOR {
        (StalenessLevel::Fresh, Some(age))
    } else if age < STALE_AFTER {
        (StalenessLevel::Aging, Some(age))
    } else {
        (StalenessLevel::Stale, Some(age))
    };
    Staleness { level, age }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hearings::test_support::ts;

    fn level_after(age: SignedDuration) -> StalenessLevel {
        let now = ts("2027-05-03T12:00:00Z");
        let fetched = now.checked_sub(age).unwrap();
        let result = staleness(Some(fetched), now);
        assert_eq!(result.age, Some(age));
        result.level
    }

    #[test]
    fn never_fetched_has_no_age() {
        let result = staleness(None, ts("2027-05-03T12:00:00Z"));
        assert_eq!(result.level, StalenessLevel::NeverFetched);
        assert_eq!(result.age, None);
    }

    #[test]
    fn thresholds_are_exclusive_below_and_inclusive_above() {
        let second = SignedDuration::from_secs(1);
        assert_eq!(level_after(SignedDuration::ZERO), StalenessLevel::Fresh);
        assert_eq!(level_after(FRESH_FOR - second), StalenessLevel::Fresh);
        assert_eq!(level_after(FRESH_FOR), StalenessLevel::Aging);
        assert_eq!(level_after(STALE_AFTER - second), StalenessLevel::Aging);
        assert_eq!(level_after(STALE_AFTER), StalenessLevel::Stale);
        assert_eq!(
            level_after(SignedDuration::from_hours(24 * 365)),
            StalenessLevel::Stale
        );
    }

    #[test]
    fn a_fetch_in_the_future_is_aging_with_unknown_age() {
        let now = ts("2027-05-03T12:00:00Z");
        let result = staleness(Some(ts("2027-05-03T12:00:01Z")), now);
        assert_eq!(
            result,
            Staleness {
                level: StalenessLevel::Aging,
                age: None
            }
        );
    }
}
