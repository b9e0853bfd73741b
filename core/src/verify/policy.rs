//! The verifier's time rules, with the defaults docs/sc1-format.md states.

use super::later;
use crate::trust::{ListKind, ListMeta};
use jiff::{SignedDuration, Timestamp};

/// How strict a verifier is about time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifierPolicy {
    /// Oldest live code accepted. Covers the wallet's rotation period, the
    /// time to scan, and ordinary clock differences between two phones.
    pub live_max_age: SignedDuration,
    /// How far in the future a live code's time may be (the holder's clock
    /// running ahead of the officer's).
    pub live_max_future: SignedDuration,
    /// Oldest trust list (by issue time) a verifier works with offline.
    pub trust_list_max_age: SignedDuration,
    /// Oldest status list (by issue time) a verifier works with offline:
    /// a revocation reaches every verifier within this time.
    pub status_list_max_age: SignedDuration,
    /// Live codes remembered to refuse a second scan of the same code.
    pub replay_memory: usize,
}

impl Default for VerifierPolicy {
    fn default() -> Self {
        VerifierPolicy {
            live_max_age: SignedDuration::from_secs(30),
            live_max_future: SignedDuration::from_secs(30),
            trust_list_max_age: SignedDuration::from_hours(30 * 24),
            status_list_max_age: SignedDuration::from_hours(72),
            replay_memory: 10_000,
        }
    }
}

/// Where an installed list stands against its own expiry and the policy's
/// age limit (docs/sc1-format.md 12.1, steps 3 and 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAge {
    /// Usable: not expired, and no older than the policy allows.
    Current,
    /// Older (by issue time) than the policy allows offline.
    Stale,
    /// Past its own expiry time.
    Expired,
}

impl VerifierPolicy {
    /// The oldest (by issue time) a list of `kind` may be to be used
    /// offline.
    pub fn max_age(&self, kind: ListKind) -> SignedDuration {
        match kind {
            ListKind::TrustList => self.trust_list_max_age,
            ListKind::StatusList => self.status_list_max_age,
        }
    }

    /// How a list of `kind` stands at `now`: expiry first, then age.
    pub fn list_age(&self, kind: ListKind, meta: &ListMeta, now: Timestamp) -> ListAge {
        if now >= meta.expires_at {
            ListAge::Expired
        } else if now > later(meta.issued_at, self.max_age(kind)) {
            ListAge::Stale
        } else {
            ListAge::Current
        }
    }
}
