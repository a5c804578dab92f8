//! Random ids for messages and deliveries.

/// `prefix` + 32 hex digits (128 random bits), e.g. `msg_5f0c…`.
pub fn new_id(prefix: &str) -> String {
    let mut digits = [0u8; 32];
    hex::encode_to_slice(rand::random::<[u8; 16]>(), &mut digits).expect("32 digits for 16 bytes");
    let mut id = String::with_capacity(prefix.len() + digits.len());
    id.push_str(prefix);
    id.push_str(std::str::from_utf8(&digits).expect("hex digits are ASCII"));
    id
}
