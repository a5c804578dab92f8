//! Time as hookline records it, below every engine.

use std::time::Duration;

/// Seconds since the Unix epoch: the one clock read that signing and verifying make.
pub fn unix_now() -> i64 {
    unix_seconds(std::time::SystemTime::now())
}

/// `at` in seconds since the Unix epoch (0 before it).
pub fn unix_seconds(at: std::time::SystemTime) -> i64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A duration in milliseconds, rounded to the microsecond: `0.027`, not
/// `0.026699999999999998` (what a capture or a JSON line holds).
pub fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn milliseconds_round_to_the_microsecond() {
        assert_eq!(
            super::millis(std::time::Duration::from_nanos(26_699)),
            0.027
        );
        assert_eq!(
            super::millis(std::time::Duration::from_millis(1500)),
            1500.0
        );
    }
}
