//! How fresh the officer's lists are, for a screen that says whether the
//! phone is ready to check cards offline. Decided by the same rules the
//! verification applies ([`VerifierPolicy::list_age`],
//! [`Verifier::clock_behind`]), so "ready" means exactly that a card
//! checked now meets no list problem.

use super::ListProblems;
use crate::trust::{ListKind, ListMeta};
use crate::verify::{ListAge, Reason, Verifier, VerifierPolicy};
use jiff::{SignedDuration, Timestamp};

/// Where one list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListState {
    /// Installed, not expired, and younger than the policy's maximum age.
    Fresh,
    /// Installed but older than the policy allows offline (30 days for the
    /// trust list, 72 hours for the status list by default).
    Stale,
    /// Installed but past its own expiry.
    Expired,
    /// Not installed (never downloaded, or refused).
    Missing,
}

/// One list's freshness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFreshness {
    /// Which list.
    pub kind: ListKind,
    /// Where it stands.
    pub state: ListState,
    /// Its sequence and dates, when installed.
    pub meta: Option<ListMeta>,
    /// How long ago it was issued, when installed (negative if this
    /// phone's clock is behind the issuer's).
    pub age: Option<SignedDuration>,
}

/// The officer's lists at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    /// The trust list.
    pub trust_list: ListFreshness,
    /// The status list.
    pub status_list: ListFreshness,
    /// When an update last left both lists current.
    pub last_update: Option<Timestamp>,
    /// This phone's clock reads before an installed list's issue time.
    pub clock_behind: bool,
    /// Why a card checked now could not be valid because of the lists or
    /// the clock, in the order the verification meets them; empty when
    /// ready.
    pub reasons: Vec<Reason>,
}

impl Freshness {
    /// Ready to check cards offline: both lists installed, neither stale
    /// nor expired, and the clock not behind them.
    pub fn is_ready(&self) -> bool {
        self.reasons.is_empty()
    }

    pub(super) fn of(
        verifier: &Verifier,
        problems: &ListProblems,
        last_update: Option<Timestamp>,
        now: Timestamp,
    ) -> Freshness {
        let policy = verifier.policy();
        let store = verifier.store();
        let trust = store.trust_list().map(|l| l.meta);
        let (trust_list, trust_reason) = list(policy, ListKind::TrustList, trust, problems, now);
        let status = store.status_list().map(|l| l.meta);
        let (status_list, status_reason) =
            list(policy, ListKind::StatusList, status, problems, now);
        let clock_behind = verifier.clock_behind(now);
        // The verification's order: a missing trust list, the clock, the
        // trust list's age, then the status list.
        let mut reasons = Vec::new();
        if trust_list.state == ListState::Missing {
            reasons.extend(trust_reason);
        } else {
            if clock_behind {
                reasons.push(Reason::VerifierClockBehind);
            }
            reasons.extend(trust_reason);
        }
        reasons.extend(status_reason);
        Freshness {
            trust_list,
            status_list,
            last_update,
            clock_behind,
            reasons,
        }
    }
}

/// One list's freshness, and why it cannot be relied on if it cannot:
/// missing (explained by its refusal, if it was refused), stale or
/// expired.
fn list(
    policy: &VerifierPolicy,
    kind: ListKind,
    meta: Option<ListMeta>,
    problems: &ListProblems,
    now: Timestamp,
) -> (ListFreshness, Option<Reason>) {
    let age = meta.map(|meta| policy.list_age(kind, &meta, now));
    let (state, reason) = match age {
        None => (
            ListState::Missing,
            Some(problems.explain(Reason::list_missing(kind))),
        ),
        Some(age) => (
            match age {
                ListAge::Current => ListState::Fresh,
                ListAge::Stale => ListState::Stale,
                ListAge::Expired => ListState::Expired,
            },
            Reason::list_age(kind, age),
        ),
    };
    let freshness = ListFreshness {
        kind,
        state,
        meta,
        age: meta.map(|meta| now.duration_since(meta.issued_at)),
    };
    (freshness, reason)
}
