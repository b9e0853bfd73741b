//! The verifier's time rules, with the defaults docs/sc1-format.md states.

use jiff::SignedDuration;

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
