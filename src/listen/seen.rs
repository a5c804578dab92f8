//! Delivery ids seen in this run, so a repeat is marked as a duplicate. Bounded in count
//! and in size: each id is kept as a 128-bit digest (whatever its length), and the oldest
//! are forgotten past `capacity`.

use std::collections::{HashMap, VecDeque};

use sha2::{Digest, Sha256};

pub struct SeenIds {
    first_seen: HashMap<u128, Box<str>>,
    order: VecDeque<u128>,
    capacity: usize,
}

/// The first 128 bits of the id's SHA-256: a fixed size, and no practical collisions.
fn digest(id: &str) -> u128 {
    let hash = Sha256::digest(id.as_bytes());
    u128::from_be_bytes(hash[..16].try_into().expect("16 bytes"))
}

impl SeenIds {
    pub fn new(capacity: usize) -> Self {
        SeenIds {
            first_seen: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// Records `id` seen at `when`; returns when it was first seen if it is a repeat.
    pub fn check(&mut self, id: &str, when: &str) -> Option<String> {
        let key = digest(id);
        if let Some(first) = self.first_seen.get(&key) {
            return Some(first.to_string());
        }
        if self.order.len() >= self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.first_seen.remove(&oldest);
            }
        }
        self.first_seen.insert(key, when.into());
        self.order.push_back(key);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_reported_with_the_first_time_and_memory_is_bounded() {
        let mut seen = SeenIds::new(2);
        assert_eq!(seen.check("a", "t1"), None);
        assert_eq!(seen.check("a", "t2"), Some("t1".to_string()));
        assert_eq!(seen.check("b", "t3"), None);
        assert_eq!(seen.check("c", "t4"), None); // forgets "a"
        assert_eq!(seen.check("a", "t5"), None);
        assert_eq!(seen.first_seen.len(), 2);
    }

    #[test]
    fn a_long_id_costs_no_more_than_a_short_one() {
        let mut seen = SeenIds::new(10);
        let long = "x".repeat(1 << 20);
        assert_eq!(seen.check(&long, "t1"), None);
        assert_eq!(seen.check(&long, "t2"), Some("t1".to_string()));
        let kept: usize = seen.first_seen.values().map(|w| w.len()).sum();
        assert!(kept < 64);
    }
}
