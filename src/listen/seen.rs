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

    /// When `id` was first delivered, if it was.
    pub fn first_seen(&self, id: &str) -> Option<String> {
        self.first_seen.get(&digest(id)).map(|w| w.to_string())
    }

    /// Records `id` as delivered at `when` (kept if it was already).
    pub fn remember(&mut self, id: &str, when: &str) {
        let key = digest(id);
        if self.first_seen.contains_key(&key) {
            return;
        }
        if self.order.len() >= self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.first_seen.remove(&oldest);
            }
        }
        self.first_seen.insert(key, when.into());
        self.order.push_back(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_reported_with_the_first_time_and_memory_is_bounded() {
        let mut seen = SeenIds::new(2);
        assert_eq!(seen.first_seen("a"), None);
        seen.remember("a", "t1");
        seen.remember("a", "t2");
        assert_eq!(seen.first_seen("a"), Some("t1".to_string()));
        seen.remember("b", "t3");
        seen.remember("c", "t4"); // forgets "a"
        assert_eq!(seen.first_seen("a"), None);
        assert_eq!(seen.first_seen.len(), 2);
    }

    #[test]
    fn a_long_id_costs_no_more_than_a_short_one() {
        let mut seen = SeenIds::new(10);
        let long = "x".repeat(1 << 20);
        seen.remember(&long, "t1");
        assert_eq!(seen.first_seen(&long), Some("t1".to_string()));
        let kept: usize = seen.first_seen.values().map(|w| w.len()).sum();
        assert!(kept < 64);
    }
}
