//! When to try a failed send again: exponential backoff with full jitter,
//! capped, and never sooner than the portal asked.
//!
//! Full jitter (a uniform delay between zero and the exponential ceiling)
//! spreads the retries of thousands of phones that lost the network at the
//! same moment, so they do not return in one wave when it comes back.

use jiff::SignedDuration;

/// The retry schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The ceiling after the first failed attempt; it doubles per attempt.
    pub base: SignedDuration,
    /// The highest ceiling: a phone that has been offline for a day still
    /// tries at least this often.
    pub cap: SignedDuration,
    /// The longest `Retry-After` honoured; a longer one (or a hostile one)
    /// is cut to this so an item is never put off for weeks.
    pub max_retry_after: SignedDuration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: SignedDuration::from_secs(10),
            cap: SignedDuration::from_mins(30),
            max_retry_after: SignedDuration::from_hours(6),
        }
    }
}

impl RetryPolicy {
    /// The ceiling of the delay after `attempts` failed attempts:
    /// `min(cap, base · 2^(attempts − 1))`.
    pub fn ceiling(&self, attempts: u32) -> SignedDuration {
        let doublings = attempts.saturating_sub(1).min(40);
        let base_ms = self.base.as_millis().max(0);
        let cap_ms = self.cap.as_millis().max(0);
        let ceiling_ms = base_ms.saturating_mul(1i128 << doublings).min(cap_ms);
        SignedDuration::from_millis(i64::try_from(ceiling_ms).unwrap_or(i64::MAX))
    }

    /// The delay before the next attempt, after `attempts` failed
    /// attempts: uniform in `[0, ceiling]` from `random`, but at least the
    /// portal's `Retry-After` (itself capped).
    pub fn delay(
        &self,
        attempts: u32,
        retry_after: Option<SignedDuration>,
        random: u64,
    ) -> SignedDuration {
        let ceiling_ms = u64::try_from(self.ceiling(attempts).as_millis()).unwrap_or(0);
        let jittered = SignedDuration::from_millis(
            i64::try_from(random % ceiling_ms.saturating_add(1)).unwrap_or(i64::MAX),
        );
        let asked = retry_after
            .map(|asked| asked.clamp(SignedDuration::ZERO, self.max_retry_after))
            .unwrap_or(SignedDuration::ZERO);
        jittered.max(asked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_then_caps() {
        let policy = RetryPolicy::default();
        let secs: Vec<i64> = (1..=10).map(|n| policy.ceiling(n).as_secs()).collect();
        assert_eq!(secs, [10, 20, 40, 80, 160, 320, 640, 1280, 1800, 1800]);
        assert_eq!(policy.ceiling(0).as_secs(), 10);
        assert_eq!(policy.ceiling(u32::MAX).as_secs(), 1800);
    }

    #[test]
    fn delay_is_uniform_within_the_ceiling() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(3, None, 0), SignedDuration::ZERO);
        assert_eq!(policy.delay(3, None, 40_000), SignedDuration::from_secs(40));
        assert_eq!(policy.delay(3, None, 40_001), SignedDuration::ZERO);
        let mut seen_low = false;
        let mut seen_high = false;
        for random in (0..1_000_000u64).step_by(7919) {
            let d = policy.delay(3, None, random.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            assert!(d >= SignedDuration::ZERO && d <= SignedDuration::from_secs(40));
            seen_low |= d < SignedDuration::from_secs(10);
            seen_high |= d > SignedDuration::from_secs(30);
        }
        assert!(seen_low && seen_high, "jitter does not spread");
    }

    #[test]
    fn retry_after_is_a_floor_and_is_capped() {
        let policy = RetryPolicy::default();
        let asked = Some(SignedDuration::from_secs(120));
        assert_eq!(policy.delay(1, asked, 0), SignedDuration::from_secs(120));
        let hostile = Some(SignedDuration::from_hours(24 * 30));
        assert_eq!(policy.delay(1, hostile, 0), SignedDuration::from_hours(6));
        let negative = Some(SignedDuration::from_secs(-5));
        assert_eq!(policy.delay(1, negative, 0), SignedDuration::ZERO);
    }
}
