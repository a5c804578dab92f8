//! Delivery ids seen in this run, so a repeat is marked as a duplicate. Bounded: the
//! oldest ids are forgotten past `capacity`.

use std::collections::{HashMap, VecDeque};

pub struct SeenIds {
    first_seen: HashMap<String, String>,
    order: VecDeque<String>,
    capacity: usize,
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
        if let Some(first) = self.first_seen.get(id) {
            return Some(first.clone());
        }
        if self.order.len() >= self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.first_seen.remove(&oldest);
            }
        }
        self.first_seen.insert(id.to_string(), when.to_string());
        self.order.push_back(id.to_string());
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
}
