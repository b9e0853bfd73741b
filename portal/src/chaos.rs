//! Deterministic fault injection, so that clients (the wallet's sync
//! engine, the outbox) can be tested against every way a real network and
//! a real server fail.
//!
//! `--chaos rate=0.3,seed=7[,hang=SECS]`: request number `n` (counted from
//! 0 since the spec was set, every route alike) misbehaves with
//! probability `rate`, decided by a generator seeded from `(seed, n)`
//! alone, so the same seed gives the same sequence of outcomes whatever
//! the timing. A misbehaving request is, uniformly, one of the kinds of
//! [`ChaosOutcome`] other than [`ChaosOutcome::Passed`].

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Duration;
use thiserror::Error;

/// How long a hanging request sleeps when `hang` is not given, in seconds.
pub const DEFAULT_HANG_SECS: u64 = 30;
/// Longest `hang` accepted: a day is already far beyond any client timeout.
const MAX_HANG_SECS: u64 = 86_400;

/// A chaos setting: how often requests misbehave, the seed that decides
/// which, and how long a hanging request hangs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChaosSpec {
    rate: f64,
    seed: u64,
    hang: Duration,
}

/// Why a chaos setting was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChaosSpecError {
    /// A `key=value` item has no `=`.
    #[error("chaos item {0:?} is not key=value")]
    NotKeyValue(String),
    /// A key other than `rate`, `seed` and `hang`.
    #[error("unknown chaos key {0:?}; the keys are rate, seed and hang")]
    UnknownKey(String),
    /// A key given twice.
    #[error("chaos key {0} is given twice")]
    Repeated(&'static str),
    /// `rate` or `seed` is missing.
    #[error("chaos needs {0}=...")]
    Missing(&'static str),
    /// `rate` is not a number in [0, 1].
    #[error("chaos rate {0:?} is not a number from 0 to 1")]
    Rate(String),
    /// `seed` is not an unsigned 64-bit integer.
    #[error("chaos seed {0:?} is not a whole number from 0 to 18446744073709551615")]
    Seed(String),
    /// `hang` is not a whole number of seconds up to a day.
    #[error("chaos hang {0:?} is not a whole number of seconds from 0 to 86400")]
    Hang(String),
}

impl ChaosSpec {
    /// A spec from its parts; `rate` must be in [0, 1].
    pub fn new(rate: f64, seed: u64, hang: Duration) -> Result<Self, ChaosSpecError> {
        if !(0.0..=1.0).contains(&rate) {
            return Err(ChaosSpecError::Rate(rate.to_string()));
        }
        if hang > Duration::from_secs(MAX_HANG_SECS) {
            return Err(ChaosSpecError::Hang(hang.as_secs().to_string()));
        }
        Ok(ChaosSpec { rate, seed, hang })
    }

    /// Parses `rate=R,seed=S[,hang=SECS]` (items in any order, each once).
    pub fn parse(text: &str) -> Result<Self, ChaosSpecError> {
        let mut rate = None;
        let mut seed = None;
        let mut hang = None;
        for item in text.split(',') {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| ChaosSpecError::NotKeyValue(item.to_owned()))?;
            let (name, slot): (&'static str, &mut Option<&str>) = match key.trim() {
                "rate" => ("rate", &mut rate),
                "seed" => ("seed", &mut seed),
                "hang" => ("hang", &mut hang),
                other => return Err(ChaosSpecError::UnknownKey(other.to_owned())),
            };
            if slot.replace(value.trim()).is_some() {
                return Err(ChaosSpecError::Repeated(name));
            }
        }
        let rate_text = rate.ok_or(ChaosSpecError::Missing("rate"))?;
        // Only plain decimals: Rust's float parser also takes "NaN", "inf"
        // and exponents, none of which is a sensible rate.
        if rate_text.is_empty() || !rate_text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(ChaosSpecError::Rate(rate_text.to_owned()));
        }
        let rate_value = rate_text
            .parse::<f64>()
            .map_err(|_| ChaosSpecError::Rate(rate_text.to_owned()))?;
        let seed_text = seed.ok_or(ChaosSpecError::Missing("seed"))?;
        let seed_value =
            parse_digits(seed_text).ok_or(ChaosSpecError::Seed(seed_text.to_owned()))?;
        let hang_secs = match hang {
            None => DEFAULT_HANG_SECS,
            Some(text) => parse_digits(text)
                .filter(|&secs| secs <= MAX_HANG_SECS)
                .ok_or(ChaosSpecError::Hang(text.to_owned()))?,
        };
        if !(0.0..=1.0).contains(&rate_value) {
            return Err(ChaosSpecError::Rate(rate_text.to_owned()));
        }
        ChaosSpec::new(rate_value, seed_value, Duration::from_secs(hang_secs))
    }

    /// The probability that a request misbehaves.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How long a hanging request sleeps before its connection is dropped.
    pub fn hang(&self) -> Duration {
        self.hang
    }

    /// What request number `n` (from 0) does: a pure function of the seed
    /// and `n`, so a test can predict every outcome.
    pub fn outcome(&self, n: u64) -> ChaosOutcome {
        let mut state = self.seed ^ splitmix64(&mut n.wrapping_add(0x5EED));
        let draw = splitmix64(&mut state);
        // 53 random bits as a uniform float in [0, 1).
        let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
        if unit >= self.rate {
            return ChaosOutcome::Passed;
        }
        let faults = ChaosOutcome::FAULTS;
        let pick = splitmix64(&mut state) % faults.len() as u64;
        faults
            .get(usize::try_from(pick).unwrap_or(0))
            .copied()
            .unwrap_or(ChaosOutcome::Passed)
    }
}

impl FromStr for ChaosSpec {
    type Err = ChaosSpecError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ChaosSpec::parse(text)
    }
}

impl fmt::Display for ChaosSpec {
    /// The form [`ChaosSpec::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rate={},seed={},hang={}",
            self.rate,
            self.seed,
            self.hang.as_secs()
        )
    }
}

/// Digits only (no sign, no spaces), as a `u64`.
fn parse_digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// SplitMix64 (Steele, Lea and Flood): tiny, well mixed, and fixed here,
/// so a seed means the same sequence in every version of every dependency.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What chaos did to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChaosOutcome {
    /// Served normally.
    Passed,
    /// Answered `500` (`internal_error`) without being processed.
    InternalError,
    /// Answered `503` (`unavailable`) with `Retry-After: 1`, unprocessed.
    Unavailable,
    /// Answered `429` (`rate_limited`) with `Retry-After: 1`, unprocessed.
    RateLimited,
    /// Not processed; the connection is held for `hang` seconds, then
    /// closed without an answer.
    Hang,
    /// Not processed; the connection is closed at once without an answer.
    Drop,
    /// Processed and committed; the status line, headers and the first
    /// half of the body are sent, then the connection is closed. (With an
    /// empty body, as on `304`, the connection is closed before the
    /// answer, as for [`ChaosOutcome::Lost`].)
    Truncated,
    /// Processed and committed, then the connection is closed without an
    /// answer: the client cannot tell whether it worked.
    Lost,
}

impl ChaosOutcome {
    /// The misbehaviours, in the order the generator picks from.
    pub const FAULTS: [ChaosOutcome; 7] = [
        ChaosOutcome::InternalError,
        ChaosOutcome::Unavailable,
        ChaosOutcome::RateLimited,
        ChaosOutcome::Hang,
        ChaosOutcome::Drop,
        ChaosOutcome::Truncated,
        ChaosOutcome::Lost,
    ];

    /// A stable name for logs: `passed`, `500`, `503`, `429`, `hang`,
    /// `drop`, `truncated`, `lost`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChaosOutcome::Passed => "passed",
            ChaosOutcome::InternalError => "500",
            ChaosOutcome::Unavailable => "503",
            ChaosOutcome::RateLimited => "429",
            ChaosOutcome::Hang => "hang",
            ChaosOutcome::Drop => "drop",
            ChaosOutcome::Truncated => "truncated",
            ChaosOutcome::Lost => "lost",
        }
    }
}

/// How many requests met each outcome since chaos was last set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChaosCounts {
    /// Served normally.
    pub passed: u64,
    /// Answered 500.
    pub internal_error: u64,
    /// Answered 503.
    pub unavailable: u64,
    /// Answered 429.
    pub rate_limited: u64,
    /// Hung, then dropped.
    pub hang: u64,
    /// Dropped before processing.
    pub drop: u64,
    /// Processed, answer cut short.
    pub truncated: u64,
    /// Processed, answer never sent.
    pub lost: u64,
}

impl ChaosCounts {
    /// The count for one outcome.
    pub fn get(&self, outcome: ChaosOutcome) -> u64 {
        match outcome {
            ChaosOutcome::Passed => self.passed,
            ChaosOutcome::InternalError => self.internal_error,
            ChaosOutcome::Unavailable => self.unavailable,
            ChaosOutcome::RateLimited => self.rate_limited,
            ChaosOutcome::Hang => self.hang,
            ChaosOutcome::Drop => self.drop,
            ChaosOutcome::Truncated => self.truncated,
            ChaosOutcome::Lost => self.lost,
        }
    }

    /// Every request counted.
    pub fn total(&self) -> u64 {
        self.passed + self.faults()
    }

    /// The requests that misbehaved.
    pub fn faults(&self) -> u64 {
        ChaosOutcome::FAULTS.iter().map(|&o| self.get(o)).sum()
    }

    fn slot(&mut self, outcome: ChaosOutcome) -> &mut u64 {
        match outcome {
            ChaosOutcome::Passed => &mut self.passed,
            ChaosOutcome::InternalError => &mut self.internal_error,
            ChaosOutcome::Unavailable => &mut self.unavailable,
            ChaosOutcome::RateLimited => &mut self.rate_limited,
            ChaosOutcome::Hang => &mut self.hang,
            ChaosOutcome::Drop => &mut self.drop,
            ChaosOutcome::Truncated => &mut self.truncated,
            ChaosOutcome::Lost => &mut self.lost,
        }
    }
}

impl fmt::Display for ChaosCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "passed={}", self.passed)?;
        for outcome in ChaosOutcome::FAULTS {
            write!(f, " {}={}", outcome.as_str(), self.get(outcome))?;
        }
        Ok(())
    }
}

/// The running server's chaos: the current spec, the request counter and
/// the counts, changeable while requests are in flight.
#[derive(Debug, Default)]
pub(crate) struct ChaosControl {
    spec: RwLock<Option<ChaosSpec>>,
    next: AtomicU64,
    counts: Mutex<ChaosCounts>,
}

impl ChaosControl {
    pub(crate) fn new(spec: Option<ChaosSpec>) -> Self {
        ChaosControl {
            spec: RwLock::new(spec),
            next: AtomicU64::new(0),
            counts: Mutex::new(ChaosCounts::default()),
        }
    }

    /// Replaces the spec and starts counting requests (and outcomes) from
    /// 0 again, so the new seed's sequence starts at its beginning.
    pub(crate) fn set(&self, spec: Option<ChaosSpec>) {
        let mut current = self.spec.write().unwrap_or_else(PoisonError::into_inner);
        *current = spec;
        self.next.store(0, Ordering::SeqCst);
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner) = ChaosCounts::default();
    }

    /// Decides the next request's outcome and counts it.
    pub(crate) fn next(&self) -> (ChaosOutcome, Duration) {
        // The read lock is held while numbering, so a concurrent `set`
        // cannot slip between reading the spec and taking a number.
        let spec = self.spec.read().unwrap_or_else(PoisonError::into_inner);
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let (outcome, hang) = match *spec {
            Some(spec) => (spec.outcome(n), spec.hang),
            None => (ChaosOutcome::Passed, Duration::ZERO),
        };
        *self
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .slot(outcome) += 1;
        (outcome, hang)
    }

    pub(crate) fn counts(&self) -> ChaosCounts {
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn spec(&self) -> Option<ChaosSpec> {
        *self.spec.read().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form() {
        let spec = ChaosSpec::parse("rate=0.3,seed=7").unwrap();
        assert_eq!(spec.rate(), 0.3);
        assert_eq!(spec.seed(), 7);
        assert_eq!(spec.hang(), Duration::from_secs(DEFAULT_HANG_SECS));
        let spec: ChaosSpec = "hang=2, seed=18446744073709551615 ,rate=1".parse().unwrap();
        assert_eq!(spec.hang(), Duration::from_secs(2));
        assert_eq!(spec.seed(), u64::MAX);
        assert_eq!(ChaosSpec::parse(&spec.to_string()).unwrap(), spec);
    }

    #[test]
    fn refuses_everything_else() {
        use ChaosSpecError as E;
        let cases: [(&str, ChaosSpecError); 12] = [
            ("", E::NotKeyValue(String::new())),
            ("rate=0.3", E::Missing("seed")),
            ("seed=1", E::Missing("rate")),
            ("rate=0.3,seed=1,rate=0.2", E::Repeated("rate")),
            ("rate=0.3,seed=1,speed=2", E::UnknownKey("speed".into())),
            ("rate=1.5,seed=1", E::Rate("1.5".into())),
            ("rate=-0.1,seed=1", E::Rate("-0.1".into())),
            ("rate=NaN,seed=1", E::Rate("NaN".into())),
            ("rate=1e-1,seed=1", E::Rate("1e-1".into())),
            ("rate=0.3,seed=-1", E::Seed("-1".into())),
            (
                "rate=0.3,seed=18446744073709551616",
                E::Seed("18446744073709551616".into()),
            ),
            ("rate=0.3,seed=1,hang=86401", E::Hang("86401".into())),
        ];
        for (text, error) in cases {
            assert_eq!(ChaosSpec::parse(text), Err(error), "{text}");
        }
    }

    #[test]
    fn outcomes_are_a_function_of_seed_and_number() {
        let spec = ChaosSpec::parse("rate=0.5,seed=7").unwrap();
        let first: Vec<_> = (0..200).map(|n| spec.outcome(n)).collect();
        let again: Vec<_> = (0..200).map(|n| spec.outcome(n)).collect();
        assert_eq!(first, again);
        let other = ChaosSpec::parse("rate=0.5,seed=8").unwrap();
        assert_ne!(
            first,
            (0..200).map(|n| other.outcome(n)).collect::<Vec<_>>()
        );
        // Every kind occurs, at about the rate asked for.
        let many: Vec<_> = (0..20_000).map(|n| spec.outcome(n)).collect();
        let faults = many.iter().filter(|&&o| o != ChaosOutcome::Passed).count();
        assert!((9_500..10_500).contains(&faults), "{faults}");
        for kind in ChaosOutcome::FAULTS {
            let count = many.iter().filter(|&&o| o == kind).count();
            assert!((1_200..1_650).contains(&count), "{kind:?}: {count}");
        }
    }

    #[test]
    fn rate_zero_and_one_are_exact() {
        let never = ChaosSpec::parse("rate=0,seed=1").unwrap();
        let always = ChaosSpec::parse("rate=1,seed=1").unwrap();
        for n in 0..1000 {
            assert_eq!(never.outcome(n), ChaosOutcome::Passed);
            assert_ne!(always.outcome(n), ChaosOutcome::Passed);
        }
    }

    #[test]
    fn control_counts_and_restarts_the_sequence() {
        let spec = ChaosSpec::parse("rate=0.5,seed=3").unwrap();
        let control = ChaosControl::new(Some(spec));
        let seen: Vec<_> = (0..50).map(|_| control.next().0).collect();
        let expected: Vec<_> = (0..50).map(|n| spec.outcome(n)).collect();
        assert_eq!(seen, expected);
        assert_eq!(control.counts().total(), 50);
        control.set(Some(spec));
        assert_eq!(control.counts().total(), 0);
        assert_eq!(control.next().0, spec.outcome(0));
        control.set(None);
        assert_eq!(control.next().0, ChaosOutcome::Passed);
        assert_eq!(control.counts().passed, 1);
    }
}
