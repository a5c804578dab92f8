//! Ids for messages, deliveries and events.

use std::sync::atomic::{AtomicU64, Ordering};

/// `prefix` + 32 hex digits (128 random bits), e.g. `msg_5f0c…`.
pub fn new_id(prefix: &str) -> String {
    with_prefix(prefix, rand::random::<[u8; 16]>())
}

/// `prefix` + 32 hex digits that sort by creation in this process: 64 bits of the clock in
/// nanoseconds (never repeating or going back here), then 64 random bits. Saved captures
/// are named by their millisecond and this id, so their names sort by arrival even when
/// several arrive within one millisecond.
pub fn new_ordered_id(prefix: &str) -> String {
    ordered_id_at(prefix, std::time::SystemTime::now())
}

/// [`new_ordered_id`] for something that happened `at` (a clock the caller already read).
pub fn ordered_id_at(prefix: &str, at: std::time::SystemTime) -> String {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let previous = LAST.fetch_max(now, Ordering::AcqRel);
    let ordered = if now > previous {
        now
    } else {
        // Same nanosecond, or the clock stepped back: one past the last one given.
        LAST.fetch_add(1, Ordering::AcqRel) + 1
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&ordered.to_be_bytes());
    bytes[8..].copy_from_slice(&rand::random::<[u8; 8]>());
    with_prefix(prefix, bytes)
}

fn with_prefix(prefix: &str, bytes: [u8; 16]) -> String {
    let mut digits = [0u8; 32];
    hex::encode_to_slice(bytes, &mut digits).expect("32 digits for 16 bytes");
    let mut id = String::with_capacity(prefix.len() + digits.len());
    id.push_str(prefix);
    id.push_str(std::str::from_utf8(&digits).expect("hex digits are ASCII"));
    id
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordered_ids_sort_by_creation() {
        let ids: Vec<String> = (0..10_000).map(|_| super::new_ordered_id("evt_")).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert!(ids
            .iter()
            .all(|id| id.len() == 36 && id.starts_with("evt_")));
    }
}
