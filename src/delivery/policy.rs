//! The retry policy, pure: which outcomes are retried, and how long to wait before the
//! next attempt (exponential backoff with full jitter, or the server's Retry-After).

use std::time::{Duration, SystemTime};

/// How a delivery is retried. `send`'s flags map onto it one to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Retries after the first attempt (so `retries + 1` attempts at most).
    pub retries: u32,
    /// The backoff base: attempt n waits up to `base × 2^n`.
    pub backoff: Duration,
    /// The longest wait, for backoff and for Retry-After alike.
    pub max_backoff: Duration,
    /// Per attempt, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// Statuses retried besides 408, 425, 429 and 5xx.
    pub retry_on: Vec<u16>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            retries: 3,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
            retry_on: Vec::new(),
        }
    }
}

impl Policy {
    /// Whether an answer with this status is worth another attempt.
    pub fn retries_status(&self, status: u16) -> bool {
        matches!(status, 408 | 425 | 429 | 500..=599) || self.retry_on.contains(&status)
    }

    /// The wait before retry number `retry` (0 for the first retry): uniform in
    /// `0..=min(max_backoff, backoff × 2^retry)` ("full jitter"), where `unit` is a random
    /// number in `0..1`. A Retry-After from the server wins, capped by `max_backoff`.
    pub fn delay(&self, retry: u32, unit: f64, retry_after: Option<Duration>) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.max_backoff);
        }
        let ceiling = self
            .backoff
            .saturating_mul(2u32.saturating_pow(retry.min(31)))
            .min(self.max_backoff);
        ceiling.mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// A Retry-After value: delay-seconds or an HTTP date (RFC 9110 §10.2.3), as a wait from
/// `now`. A date in the past means no wait; anything unparsable is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_stays_under_the_doubling_ceiling_and_the_cap() {
        let policy = Policy::default();
        assert_eq!(policy.delay(0, 1.0, None), Duration::from_millis(500));
        assert_eq!(policy.delay(3, 1.0, None), Duration::from_secs(4));
        assert_eq!(policy.delay(3, 0.5, None), Duration::from_secs(2));
        assert_eq!(policy.delay(10, 1.0, None), Duration::from_secs(30));
        assert_eq!(policy.delay(40, 1.0, None), Duration::from_secs(30));
        assert_eq!(policy.delay(2, 0.0, None), Duration::ZERO);
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let policy = Policy::default();
        let asked = Some(Duration::from_secs(7));
        assert_eq!(policy.delay(0, 0.1, asked), Duration::from_secs(7));
        let long = Some(Duration::from_secs(3600));
        assert_eq!(policy.delay(0, 0.1, long), Duration::from_secs(30));
    }

    #[test]
    fn retried_statuses() {
        let policy = Policy {
            retry_on: vec![404],
            ..Policy::default()
        };
        for status in [408, 425, 429, 500, 503, 599, 404] {
            assert!(policy.retries_status(status), "{status}");
        }
        for status in [200, 202, 400, 401, 409, 410] {
            assert!(!policy.retries_status(status), "{status}");
        }
    }

    #[test]
    fn retry_after_as_seconds_or_http_date() {
        let now = httpdate::parse_http_date("Sun, 22 Nov 2026 10:04:05 GMT").unwrap();
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 22 Nov 2026 10:05:00 GMT", now),
            Some(Duration::from_secs(55))
        );
        assert_eq!(
            parse_retry_after("Sun, 22 Nov 2026 10:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
