//! What a refresh changed, so the app can tell the holder "your hearing
//! moved" or "your hearing was cancelled" instead of silently replacing
//! the list.
//!
//! Hearings are matched by [`HearingId`]. Each id lands
//! in at most one list, chosen by the first rule that applies:
//!
//! 1. not in `before` → **added** — including a hearing that arrives
//!    already cancelled (it is listed, with its status, so the cache and
//!    the report agree; a screen can choose not to announce it), and
//!    including one that was cancelled and is now back on (see rule 3);
//! 2. not in `after` → **removed**, whatever its status. The server
//!    dropping a live hearing without cancelling it is not the same as a
//!    cancellation, and the holder should check with the court;
//! 3. cancelled before, not cancelled after → **added**: a reinstated
//!    hearing is a new obligation, whether or not its time changed, and
//!    "moved" would wrongly suggest it had been on all along;
//! 4. not cancelled before, cancelled after → **cancelled**, even if its
//!    time changed too (there is nothing to go to at the new time);
//! 5. the start instant changed → **moved** (the pair shows any court or
//!    judge change with it). A change in how the time is written that
//!    keeps the instant is not a move;
//! 6. anything else differs → **updated** (court, judge, kind, status
//!    between scheduled and rescheduled, a cancelled hearing's details).
//!
//! Each list is sorted by id, so the report does not depend on the order
//! the server sent.

use super::model::{Hearing, HearingId};
use serde::Serialize;
use std::collections::BTreeMap;

/// One hearing as it was and as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The cached version.
    pub before: Hearing,
    /// The refreshed version.
    pub after: Hearing,
}

/// Everything a refresh changed. See the [module docs](self) for which
/// list a hearing lands in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HearingChanges {
    /// New hearings, and cancelled ones that are back on.
    pub added: Vec<Hearing>,
    /// Hearings whose start instant changed.
    pub moved: Vec<Change>,
    /// Hearings the court cancelled since the last refresh.
    pub cancelled: Vec<Change>,
    /// Hearings no longer in the list at all.
    pub removed: Vec<Hearing>,
    /// Hearings with other changes at the same start instant.
    pub updated: Vec<Change>,
}

impl HearingChanges {
    /// Whether the refresh changed nothing.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.moved.is_empty()
            && self.cancelled.is_empty()
            && self.removed.is_empty()
            && self.updated.is_empty()
    }
}

/// Compares the cached list with a refreshed one.
///
/// Lists from [`parse_hearings_json`](super::parse_hearings_json) have
/// unique ids; if a slice repeats an id anyway, its last occurrence is the
/// one compared.
pub fn diff(before: &[Hearing], after: &[Hearing]) -> HearingChanges {
    let before = by_id(before);
    let after = by_id(after);
    let mut changes = HearingChanges::default();
    for (id, old) in &before {
        if !after.contains_key(id) {
            changes.removed.push((*old).clone());
        }
    }
    for (id, new) in &after {
        let Some(old) = before.get(id) else {
            changes.added.push((*new).clone());
            continue;
        };
        if old == new {
            continue;
        }
        let change = || Change {
            before: (*old).clone(),
            after: (*new).clone(),
        };
        match (old.is_cancelled(), new.is_cancelled()) {
            (true, false) => changes.added.push((*new).clone()),
            (false, true) => changes.cancelled.push(change()),
            _ if !same_start(old, new) && !new.is_cancelled() => changes.moved.push(change()),
            _ => changes.updated.push(change()),
        }
    }
    changes
}

fn by_id(hearings: &[Hearing]) -> BTreeMap<&HearingId, &Hearing> {
    hearings
        .iter()
        .map(|hearing| (&hearing.id, hearing))
        .collect()
}

/// Whether both start at the same instant. If either instant cannot be
/// resolved (not possible for a built [`Hearing`]), the written times are
/// compared instead, so a change is still reported.
fn same_start(a: &Hearing, b: &Hearing) -> bool {
    match (a.instant(), b.instant()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.starts == b.starts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hearings::model::{Court, HearingKind, HearingStatus, Judge};
    use crate::hearings::test_support::hearing;

    fn base() -> Hearing {
        hearing("h1", "2027-05-03T09:00", "America/Chicago")
    }

    fn cancelled(mut hearing: Hearing) -> Hearing {
        hearing.status = HearingStatus::Cancelled;
        hearing
    }

    #[test]
    fn identical_lists_have_no_changes() {
        let list = [base(), hearing("h2", "2027-06-01T10:00", "UTC")];
        assert!(diff(&list, &list).is_empty());
        assert!(diff(&[], &[]).is_empty());
    }

    #[test]
    fn order_of_the_lists_does_not_matter() {
        let a = base();
        let b = hearing("h2", "2027-06-01T10:00", "UTC");
        assert!(diff(&[a.clone(), b.clone()], &[b, a]).is_empty());
    }

    #[test]
    fn new_ids_are_added_and_missing_ids_removed() {
        let kept = base();
        let gone = hearing("gone", "2027-06-01T10:00", "UTC");
        let new = hearing("new", "2027-07-01T10:00", "UTC");
        let changes = diff(&[kept.clone(), gone.clone()], &[kept, new.clone()]);
        assert_eq!(changes.added, [new]);
        assert_eq!(changes.removed, [gone]);
        assert!(changes.moved.is_empty() && changes.cancelled.is_empty());
        assert!(!changes.is_empty());
    }

    #[test]
    fn a_new_hearing_already_cancelled_is_added() {
        let new = cancelled(base());
        let changes = diff(&[], std::slice::from_ref(&new));
        assert_eq!(changes.added, [new]);
        assert!(changes.cancelled.is_empty());
    }

    #[test]
    fn a_new_start_is_a_move() {
        let old = base();
        let mut new = base();
        new.starts =
            crate::hearings::CourtTime::parse("2027-05-10T09:00", "America/Chicago").unwrap();
        new.status = HearingStatus::Rescheduled;
        let changes = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        assert_eq!(
            changes.moved,
            [Change {
                before: old,
                after: new
            }]
        );
        assert!(changes.updated.is_empty());
    }

    #[test]
    fn the_same_instant_written_differently_is_not_a_move() {
        let old = base();
        let mut new = base();
        new.starts =
            crate::hearings::CourtTime::parse("2027-05-03T10:00", "America/New_York").unwrap();
        let changes = diff(&[old], std::slice::from_ref(&new));
        assert!(changes.moved.is_empty());
        assert_eq!(changes.updated.len(), 1);
        assert_eq!(changes.updated[0].after, new);
    }

    #[test]
    fn court_judge_kind_or_status_changes_are_updates() {
        let old = base();
        let mut court = base();
        court.court = Court::new("Atlanta Immigration Court", "180 Ted Turner Dr").unwrap();
        let mut judge = base();
        judge.judge = Some(Judge::new("J. Doe").unwrap());
        let mut kind = base();
        kind.kind = HearingKind::Individual;
        let mut status = base();
        status.status = HearingStatus::Rescheduled;
        for new in [court, judge, kind, status] {
            let changes = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
            assert_eq!(changes.updated.len(), 1, "{new:?}");
            assert!(changes.moved.is_empty());
        }
    }

    #[test]
    fn cancellation_wins_over_a_move() {
        let old = base();
        let mut new = cancelled(base());
        new.starts = crate::hearings::CourtTime::parse("2027-05-10T09:00", "UTC").unwrap();
        let changes = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        assert_eq!(changes.cancelled.len(), 1);
        assert_eq!(changes.cancelled[0].before, old);
        assert!(changes.moved.is_empty());
    }

    #[test]
    fn a_reinstated_hearing_is_added_even_at_a_new_time() {
        let old = cancelled(base());
        let mut new = base();
        new.starts = crate::hearings::CourtTime::parse("2027-05-10T09:00", "UTC").unwrap();
        let changes = diff(&[old], std::slice::from_ref(&new));
        assert_eq!(changes.added, [new]);
        assert!(changes.moved.is_empty() && changes.updated.is_empty());
    }

    #[test]
    fn a_cancelled_hearing_changing_time_is_an_update_not_a_move() {
        let old = cancelled(base());
        let mut new = cancelled(base());
        new.starts = crate::hearings::CourtTime::parse("2027-05-10T09:00", "UTC").unwrap();
        let changes = diff(&[old], &[new]);
        assert!(changes.moved.is_empty());
        assert_eq!(changes.updated.len(), 1);
    }

    #[test]
    fn a_cancelled_hearing_that_disappears_is_removed() {
        let old = cancelled(base());
        let changes = diff(std::slice::from_ref(&old), &[]);
        assert_eq!(changes.removed, [old]);
    }

    #[test]
    fn lists_are_sorted_by_id() {
        let after = [
            hearing("c", "2027-05-03T09:00", "UTC"),
            hearing("a", "2027-05-04T09:00", "UTC"),
            hearing("b", "2027-05-02T09:00", "UTC"),
        ];
        let changes = diff(&[], &after);
        let added: Vec<&str> = changes.added.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(added, ["a", "b", "c"]);
    }

    #[test]
    fn a_repeated_id_compares_its_last_occurrence() {
        let old = base();
        let mut moved = base();
        moved.starts = crate::hearings::CourtTime::parse("2027-05-10T09:00", "UTC").unwrap();
        let changes = diff(std::slice::from_ref(&old), &[moved.clone(), old.clone()]);
        assert!(changes.is_empty());
        let changes = diff(std::slice::from_ref(&old), &[old.clone(), moved]);
        assert_eq!(changes.moved.len(), 1);
    }
}
