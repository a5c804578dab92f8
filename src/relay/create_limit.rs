//! Who may create channels, and how fast: a token bucket per client address (an IPv6 /64
//! counts as one address, since one host gets a whole /64), so one client cannot fill the
//! relay for everyone; the buckets themselves are bounded.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Client addresses remembered at once; past this, full buckets are forgotten first.
const MAX_CLIENTS: usize = 100_000;

pub struct CreateLimit {
    per_hour: f64,
    buckets: Mutex<HashMap<u128, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl CreateLimit {
    pub fn new(per_hour: u32) -> Self {
        CreateLimit {
            per_hour: f64::from(per_hour.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one creation for `client`, or says how long until it may create again.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let rate = self.per_hour / 3600.0;
        let mut buckets = crate::lock(&self.buckets);
        if buckets.len() >= MAX_CLIENTS {
            let full = self.per_hour;
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < full);
            if buckets.len() >= MAX_CLIENTS {
                // Every remembered client is mid-burst: a flood from many addresses.
                return Err(Duration::from_secs(60));
            }
        }
        let bucket = buckets.entry(key(client)).or_insert(Bucket {
            tokens: self.per_hour,
            at: now,
        });
        let refilled = now.duration_since(bucket.at).as_secs_f64() * rate;
        bucket.tokens = (bucket.tokens + refilled).min(self.per_hour);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate).max(Duration::from_secs(1)))
        }
    }
}

/// IPv4 addresses as they are (mapped ones too); IPv6 by their /64.
fn key(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => u128::from(u32::from(v4)),
            None => u128::from(v6) & !((1u128 << 64) - 1),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_not_affected() {
        let limit = CreateLimit::new(3);
        let t0 = Instant::now();
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..3 {
            assert!(limit.take(a, t0).is_ok());
        }
        let wait = limit.take(a, t0).unwrap_err();
        assert!(
            wait > Duration::from_secs(1100) && wait <= Duration::from_secs(1200),
            "{wait:?}"
        );
        assert!(limit.take("203.0.113.8".parse().unwrap(), t0).is_ok());
        // Twenty minutes later, one more.
        assert!(limit.take(a, t0 + Duration::from_secs(1200)).is_ok());
        // One /64 is one client.
        let b1: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b2: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        for _ in 0..3 {
            assert!(limit.take(b1, t0).is_ok());
        }
        assert!(limit.take(b2, t0).is_err());
    }
}
