//! What travels over the subscriber's WebSocket, one binary message per request or answer:
//! a 4-byte big-endian length, that many bytes of head (id, method, path, query, header
//! pairs in order; or id, status, header pairs), then the body bytes exactly as they came.
//! A head is JSON or, when both ends said they read it, a compact binary form (see
//! [`Frames`]); a reader tells them apart by the head's first byte. Pure: no I/O.

use std::net::IpAddr;

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
    pub client: Option<IpAddr>,
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

/// How a link writes its heads. JSON is what every version reads; the binary form skips
/// the text round trip (a third of the relay's own work per request, measured). A
/// subscriber asks for it with [`FRAMES_HEADER`] and the relay's greeting says whether
/// it agreed; between relays over NATS, heads stay JSON so versions can mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frames {
    Json,
    Binary,
}

/// The subscribe request's header asking for binary heads (value `binary`).
pub const FRAMES_HEADER: &str = "hookline-frames";

/// The first byte of a binary head; a JSON head starts with `{`.
const BINARY: u8 = 0x01;

/// Why a message is not a frame.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("frame shorter than its length prefix")]
    Truncated,
    #[error("frame head is not valid JSON: {0}")]
    Head(String),
    #[error("binary frame head is malformed: {0}")]
    Binary(&'static str),
}

/// A head in either form.
pub trait Head: Serialize + for<'de> Deserialize<'de> + Sized {
    fn write_binary(&self, out: &mut BytesMut);
    fn read_binary(input: &mut Reader<'_>) -> Result<Self, FrameError>;
}

pub fn encode<T: Head>(head: &T, body: &[u8], frames: Frames) -> Bytes {
    // The head is written in place after room for its length: one buffer, one copy.
    let mut out = BytesMut::with_capacity(4 + 256 + body.len());
    out.put_u32(0);
    match frames {
        Frames::Json => {
            serde_json::to_writer((&mut out).writer(), head).expect("a frame head serialises")
        }
        Frames::Binary => {
            out.put_u8(BINARY);
            head.write_binary(&mut out);
        }
    }
    let len = (out.len() - 4) as u32;
    out[..4].copy_from_slice(&len.to_be_bytes());
    out.put_slice(body);
    out.freeze()
}

/// The head (in whichever form it came) and the body (a slice of `frame`, not a copy).
pub fn decode<T: Head>(frame: &Bytes) -> Result<(T, Bytes), FrameError> {
    let len = frame
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .ok_or(FrameError::Truncated)?;
    let head = frame.get(4..4 + len).ok_or(FrameError::Truncated)?;
    let head = match head.split_first() {
        Some((&BINARY, rest)) => {
            let mut input = Reader(rest);
            let head = T::read_binary(&mut input)?;
            if !input.0.is_empty() {
                return Err(FrameError::Binary("bytes after the head"));
            }
            head
        }
        _ => serde_json::from_slice(head).map_err(|e| FrameError::Head(e.to_string()))?,
    };
    Ok((head, frame.slice(4 + len..)))
}

// The binary form: integers big-endian, each text a u32 length and its UTF-8 bytes.
//   request: id u64 · flags u8 (1 = https, 2 = has query) · client: u8 0 (none), 4 or 6
//            then its 4 or 16 bytes · method · path · [query] · u32 count · name, value …
//   answer:  id u64 · status u16 · u32 count · name, value …

impl Head for RequestHead {
    fn write_binary(&self, out: &mut BytesMut) {
        out.put_u64(self.id);
        out.put_u8(u8::from(self.https) | if self.query.is_some() { 2 } else { 0 });
        match self.client {
            None => out.put_u8(0),
            Some(IpAddr::V4(ip)) => {
                out.put_u8(4);
                out.put_slice(&ip.octets());
            }
            Some(IpAddr::V6(ip)) => {
                out.put_u8(6);
                out.put_slice(&ip.octets());
            }
        }
        put_text(out, &self.method);
        put_text(out, &self.path);
        if let Some(query) = &self.query {
            put_text(out, query);
        }
        put_headers(out, &self.headers);
    }

    fn read_binary(input: &mut Reader<'_>) -> Result<Self, FrameError> {
        let id = input.u64()?;
        let flags = input.u8()?;
        let client = match input.u8()? {
            0 => None,
            4 => Some(IpAddr::from(
                <[u8; 4]>::try_from(input.take(4)?).expect("4"),
            )),
            6 => Some(IpAddr::from(
                <[u8; 16]>::try_from(input.take(16)?).expect("16"),
            )),
            _ => return Err(FrameError::Binary("unknown address kind")),
        };
        let method = input.text()?;
        let path = input.text()?;
        let query = if flags & 2 != 0 {
            Some(input.text()?)
        } else {
            None
        };
        Ok(RequestHead {
            id,
            method,
            path,
            query,
            headers: input.headers()?,
            client,
            https: flags & 1 != 0,
        })
    }
}

impl Head for AnswerHead {
    fn write_binary(&self, out: &mut BytesMut) {
        out.put_u64(self.id);
        out.put_u16(self.status);
        put_headers(out, &self.headers);
    }

    fn read_binary(input: &mut Reader<'_>) -> Result<Self, FrameError> {
        Ok(AnswerHead {
            id: input.u64()?,
            status: input.u16()?,
            headers: input.headers()?,
        })
    }
}

fn put_text(out: &mut BytesMut, text: &str) {
    out.put_u32(text.len() as u32);
    out.put_slice(text.as_bytes());
}

fn put_headers(out: &mut BytesMut, headers: &[Header]) {
    out.put_u32(headers.len() as u32);
    for (name, value) in headers {
        put_text(out, name);
        put_text(out, value);
    }
}

/// The unread rest of a binary head.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        if self.0.len() < n {
            return Err(FrameError::Binary("shorter than its fields"));
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(taken)
    }

    fn u8(&mut self) -> Result<u8, FrameError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, FrameError> {
        Ok(u16::from_be_bytes(self.take(2)?.try_into().expect("2")))
    }

    fn u32(&mut self) -> Result<u32, FrameError> {
        Ok(u32::from_be_bytes(self.take(4)?.try_into().expect("4")))
    }

    fn u64(&mut self) -> Result<u64, FrameError> {
        Ok(u64::from_be_bytes(self.take(8)?.try_into().expect("8")))
    }

    fn text(&mut self) -> Result<String, FrameError> {
        let len = self.u32()? as usize;
        let bytes = self.take(len)?;
        let text =
            std::str::from_utf8(bytes).map_err(|_| FrameError::Binary("text is not UTF-8"))?;
        Ok(text.to_string())
    }

    fn headers(&mut self) -> Result<Vec<Header>, FrameError> {
        let count = self.u32()? as usize;
        // Each pair takes at least 8 bytes: a count the head cannot hold reserves nothing.
        let mut headers = Vec::with_capacity(count.min(self.0.len() / 8));
        for _ in 0..count {
            headers.push((self.text()?, self.text()?));
        }
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip() -> impl Strategy<Value = Option<IpAddr>> {
        prop_oneof![
            Just(None),
            any::<[u8; 4]>().prop_map(|b| Some(IpAddr::from(b))),
            any::<[u8; 16]>().prop_map(|b| Some(IpAddr::from(b))),
        ]
    }

    proptest! {
        #[test]
        fn request_frames_round_trip_in_both_forms(
            body in proptest::collection::vec(any::<u8>(), 0..256),
            headers in proptest::collection::vec(("[a-z-]{1,8}", "\\PC{0,12}"), 0..6),
            method in "[A-Z]{1,7}",
            path in "/\\PC{0,20}",
            query in proptest::option::of("\\PC{0,10}"),
            client in ip(),
            https in any::<bool>(),
            id in any::<u64>(),
        ) {
            let head = RequestHead { id, method, path, query, headers, client, https };
            for frames in [Frames::Json, Frames::Binary] {
                let frame = encode(&head, &body, frames);
                let (again, bytes): (RequestHead, Bytes) = decode(&frame).unwrap();
                prop_assert_eq!(&again, &head);
                prop_assert_eq!(&bytes[..], &body[..]);
            }
        }

        #[test]
        fn answer_frames_round_trip_in_both_forms(
            body in proptest::collection::vec(any::<u8>(), 0..256),
            headers in proptest::collection::vec(("[a-z-]{1,8}", "\\PC{0,12}"), 0..6),
            status in any::<u16>(),
            id in any::<u64>(),
        ) {
            let head = AnswerHead { id, status, headers };
            for frames in [Frames::Json, Frames::Binary] {
                let (again, bytes): (AnswerHead, Bytes) = decode(&encode(&head, &body, frames)).unwrap();
                prop_assert_eq!(&again, &head);
                prop_assert_eq!(&bytes[..], &body[..]);
            }
        }

        #[test]
        fn decoding_never_panics(frame in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode::<AnswerHead>(&Bytes::from(frame.clone()));
            let _ = decode::<RequestHead>(&Bytes::from(frame));
        }

        /// Every cut of a binary head is refused, never read as a shorter head.
        #[test]
        fn a_cut_binary_head_is_refused(cut in 0usize..200) {
            let head = RequestHead {
                id: 9,
                method: "POST".into(),
                path: "/h".into(),
                query: Some("a=1".into()),
                headers: vec![("x-a".into(), "1".into()), ("x-b".into(), "\0\u{ff}".into())],
                client: Some(IpAddr::from([0u8; 16])),
                https: true,
            };
            let frame = encode(&head, b"", Frames::Binary);
            let head_len = frame.len() - 4;
            let cut = cut % head_len;
            let mut shorter = BytesMut::new();
            shorter.put_u32(cut as u32);
            shorter.put_slice(&frame[4..4 + cut]);
            prop_assert!(decode::<RequestHead>(&shorter.freeze()).is_err());
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

    #[test]
    fn a_header_count_larger_than_the_head_reserves_nothing_and_fails() {
        let mut head = BytesMut::new();
        head.put_u8(BINARY);
        head.put_u64(1);
        head.put_u16(200);
        head.put_u32(u32::MAX);
        let mut frame = BytesMut::new();
        frame.put_u32(head.len() as u32);
        frame.put_slice(&head);
        assert_eq!(
            decode::<AnswerHead>(&frame.freeze()).unwrap_err(),
            FrameError::Binary("shorter than its fields")
        );
    }
}
