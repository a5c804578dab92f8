//! Misbehaving on purpose, so a sender's retry logic can be tested: delays, random
//! failures, or a script of statuses. With a seed, the random choices repeat exactly.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

#[derive(Debug, Default)]
pub struct ChaosSettings {
    /// Fixed (low == high) or uniform in low..=high.
    pub delay: Option<(Duration, Duration)>,
    /// Probability and status of a random failure.
    pub fail: Option<(f64, u16)>,
    /// Statuses answered in turn, cycled.
    pub script: Vec<u16>,
    pub retry_after: Option<u64>,
    pub seed: Option<u64>,
}

pub struct Chaos {
    settings: ChaosSettings,
    next_in_script: AtomicUsize,
    rng: Mutex<StdRng>,
}

/// What chaos does to one request; recorded in its capture under `"chaos"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// A status chaos answers with instead of the normal answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Which rule chose the status: `fail-rate`, or `script 2/3`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.delay_ms.is_none() && self.rule.is_none()
    }

    /// The status to fail with instead of handling the event. A 2xx from the script is
    /// not a failure: the event goes through (forwarded, if forwarding) with that status.
    pub fn failure(&self) -> Option<u16> {
        self.status.filter(|s| !(200..300).contains(s))
    }

    pub fn delay(&self) -> Option<Duration> {
        self.delay_ms.map(Duration::from_millis)
    }
}

impl Chaos {
    pub fn new(settings: ChaosSettings) -> Self {
        let rng = match settings.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => rand::make_rng(),
        };
        Chaos {
            settings,
            next_in_script: AtomicUsize::new(0),
            rng: Mutex::new(rng),
        }
    }

    pub fn is_active(&self) -> bool {
        let s = &self.settings;
        s.delay.is_some() || s.fail.is_some() || !s.script.is_empty()
    }

    /// The plan for the next request. `accepted` is false for a rejected signature: it is
    /// delayed like any other, but always answered 401, so it takes no failure or script turn.
    pub fn plan(&self, accepted: bool) -> Plan {
        if !self.is_active() {
            return Plan::default();
        }
        let s = &self.settings;
        let mut plan = Plan::default();
        let mut rng = crate::lock(&self.rng);
        if let Some((low, high)) = s.delay {
            let ms = if low == high {
                low.as_millis()
            } else {
                rng.random_range(low.as_millis()..=high.as_millis())
            };
            plan.delay_ms = Some(ms as u64);
        }
        if !accepted {
            return plan;
        }
        if !s.script.is_empty() {
            let turn = self.next_in_script.fetch_add(1, Ordering::Relaxed) % s.script.len();
            plan.status = Some(s.script[turn]);
            plan.rule = Some(format!("script {}/{}", turn + 1, s.script.len()));
        } else if let Some((rate, status)) = s.fail {
            if rng.random::<f64>() < rate {
                plan.status = Some(status);
                plan.rule = Some("fail-rate".to_string());
            }
        }
        if plan.failure().is_some() {
            plan.retry_after = s.retry_after;
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_cycles_and_lets_2xx_through() {
        let chaos = Chaos::new(ChaosSettings {
            script: vec![503, 503, 202],
            ..Default::default()
        });
        let plans: Vec<_> = (0..6).map(|_| chaos.plan(true)).collect();
        let statuses: Vec<_> = plans.iter().map(|p| p.status).collect();
        assert_eq!(
            statuses,
            [
                Some(503),
                Some(503),
                Some(202),
                Some(503),
                Some(503),
                Some(202)
            ]
        );
        assert_eq!(plans[2].failure(), None);
        assert_eq!(plans[2].rule.as_deref(), Some("script 3/3"));
    }

    #[test]
    fn a_seed_repeats_the_random_choices() {
        let run = || {
            let chaos = Chaos::new(ChaosSettings {
                delay: Some((Duration::from_millis(1), Duration::from_millis(900))),
                fail: Some((0.5, 500)),
                seed: Some(7),
                ..Default::default()
            });
            (0..50).map(|_| chaos.plan(true)).collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let failures = first.iter().filter(|p| p.status == Some(500)).count();
        assert!((10..=40).contains(&failures), "{failures} of 50 failed");
    }

    #[test]
    fn rejected_requests_take_no_script_turn() {
        let chaos = Chaos::new(ChaosSettings {
            script: vec![500, 202],
            ..Default::default()
        });
        assert_eq!(chaos.plan(false).status, None);
        assert_eq!(chaos.plan(true).failure(), Some(500));
    }
}
