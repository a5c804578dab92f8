//! What travels over the subscriber's WebSocket, one binary message per request or answer:
//! a 4-byte big-endian length, that many bytes of JSON head (id, method, path, query,
//! header pairs in order; or id, status, header pairs), then the body bytes exactly as they
//! came. Pure: no I/O.

use bytes::{BufMut, Bytes, BytesMut};
use serde::{Deserialize, Serialize};

use crate::signing::Header;

/// A request posted to a channel's public URL, as relayed to its subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestHead {
    pub id: u64,
    pub method: String,
    /// The path after `/c/<channel>`; `/` when there is none.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub headers: Vec<Header>,
    /// The sender's address as the relay saw it (never a header the sender wrote).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<std::net::IpAddr>,
    /// Whether the sender reached the relay over TLS.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub https: bool,
}

/// The subscriber's answer to request `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerHead {
    pub id: u64,
    pub status: u16,
    pub headers: Vec<Header>,
}

/// Why a message is not a frame.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("frame shorter than its length prefix")]
    Truncated,
    #[error("frame head is not valid JSON: {0}")]
    Head(String),
}

pub fn encode<T: Serialize>(head: &T, body: &[u8]) -> Bytes {
    // The head is written in place after room for its length: one buffer, one copy.
    let mut out = BytesMut::with_capacity(4 + 256 + body.len());
    out.put_u32(0);
    serde_json::to_writer((&mut out).writer(), head).expect("a frame head serialises");
    let len = (out.len() - 4) as u32;
    out[..4].copy_from_slice(&len.to_be_bytes());
    out.put_slice(body);
    out.freeze()
}

/// The head and the body (a slice of `frame`, not a copy).
pub fn decode<T: for<'de> Deserialize<'de>>(frame: &Bytes) -> Result<(T, Bytes), FrameError> {
    let len = frame
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or(FrameError::Truncated)?;
    let head = frame.get(4..4 + len).ok_or(FrameError::Truncated)?;
    let head = serde_json::from_slice(head).map_err(|e| FrameError::Head(e.to_string()))?;
    Ok((head, frame.slice(4 + len..)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn request_frames_round_trip(
            body in proptest::collection::vec(any::<u8>(), 0..256),
            names in proptest::collection::vec("[a-z-]{1,8}", 0..4),
            query in proptest::option::of("\\PC{0,10}"),
        ) {
            let head = RequestHead {
                id: 7,
                method: "POST".into(),
                path: "/hooks".into(),
                query,
                headers: names.into_iter().map(|n| (n, "v".to_string())).collect(),
                client: Some(std::net::Ipv4Addr::LOCALHOST.into()),
                https: true,
            };
            let frame = encode(&head, &body);
            let (again, bytes): (RequestHead, Bytes) = decode(&frame).unwrap();
            prop_assert_eq!(again, head);
            prop_assert_eq!(&bytes[..], &body[..]);
        }

        #[test]
        fn decoding_never_panics(frame in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode::<AnswerHead>(&Bytes::from(frame));
        }
    }

    #[test]
    fn a_short_frame_is_refused() {
        let frame = Bytes::from_static(&[0, 0, 0, 9, b'{']);
        assert_eq!(
            decode::<AnswerHead>(&frame).unwrap_err(),
            FrameError::Truncated
        );
    }
}
