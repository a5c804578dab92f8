//! Random ids for messages and deliveries.

/// `prefix` + 32 hex digits (128 random bits), e.g. `msg_5f0c…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", hex::encode(rand::random::<[u8; 16]>()))
}
