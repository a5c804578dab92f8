//! What travels over the subscriber's WebSocket, one binary message per request or answer:
//! a 4-byte big-endian length, that many bytes of head (id, method, path, query, header
//! pairs in order; or id, status, header pairs), then the body bytes exactly as they came.
//! A head is JSON or, when both ends said they read it, a compact binary form (see
//! [`HeadForm`]); a reader tells them apart by the head's first byte. Pure: no I/O.

use std::net::IpAddr;

use bytes::{BufMut, Bytes, BytesMut};
use http::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::http_headers::{append_header, value_bytes, AsPairs};

/// A request posted to a channel's public URL, as relayed to its subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestHead {
    pub id: u64,
    pub method: String,
    /// The path after `/c/<channel>`; `/` when there is none.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub headers: Headers,
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
    pub headers: Headers,
}

/// A head's header pairs, in order with repeats, as the map they are built from and go
/// into (no text copies on the way). A pair HTTP cannot carry (a peer's mistake) does not
/// make the frame unreadable: it is named in `invalid`, so the request or answer can be
/// refused with a reason at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    pub map: HeaderMap,
    pub invalid: Option<String>,
}

impl From<HeaderMap> for Headers {
    fn from(map: HeaderMap) -> Self {
        Headers { map, invalid: None }
    }
}

impl Headers {
    /// The first pair HTTP cannot carry is kept as the reason; the rest are skipped.
    fn push(&mut self, name: &[u8], value: Result<HeaderValue, http::header::InvalidHeaderValue>) {
        if self.invalid.is_none() {
            self.invalid = append_header(&mut self.map, name, value).err();
        }
    }
}

/// `(name, value)` text pairs, as tests and hand-made heads write them.
impl<'a> FromIterator<(&'a str, &'a str)> for Headers {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(pairs: I) -> Self {
        let mut headers = Headers::default();
        for (name, value) in pairs {
            headers.push(
                name.as_bytes(),
                HeaderValue::from_bytes(&value_bytes(value)),
            );
        }
        headers
    }
}

/// In JSON: `[[name, value], …]` ([`AsPairs`]).
impl Serialize for Headers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        AsPairs(&self.map).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pairs = Vec::<(String, String)>::deserialize(deserializer)?;
        Ok(pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect())
    }
}

/// How a link writes its heads. JSON is what every version reads; the binary form skips
/// the text round trip (a third of the relay's own work per request, measured). A
/// subscriber asks for it with [`FRAMES_HEADER`] and the relay's greeting says whether
/// it agreed; between relays over NATS, heads stay JSON so versions can mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadForm {
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

pub fn encode<T: Head>(head: &T, body: &[u8], form: HeadForm) -> Bytes {
    // The head is written in place after room for its length: one buffer, one copy.
    let mut out = BytesMut::with_capacity(4 + 256 + body.len());
    out.put_u32(0);
    match form {
        HeadForm::Json => {
            serde_json::to_writer((&mut out).writer(), head).expect("a frame head serialises")
        }
        HeadForm::Binary => {
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
        Some((&BINARY, _)) => {
            let mut input = Reader {
                frame,
                at: 5,
                end: 4 + len,
            };
            let head = T::read_binary(&mut input)?;
            if input.at != input.end {
                return Err(FrameError::Binary("bytes after the head"));
            }
            head
        }
        _ => serde_json::from_slice(head).map_err(|e| FrameError::Head(e.to_string()))?,
    };
    Ok((head, frame.slice(4 + len..)))
}

// The binary form: integers big-endian, each text a u32 length and its UTF-8 bytes, each
// header name and value a u32 length and its bytes as they came.
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

fn put_bytes(out: &mut BytesMut, bytes: &[u8]) {
    out.put_u32(bytes.len() as u32);
    out.put_slice(bytes);
}

fn put_text(out: &mut BytesMut, text: &str) {
    put_bytes(out, text.as_bytes());
}

fn put_headers(out: &mut BytesMut, headers: &Headers) {
    out.put_u32(headers.map.len() as u32);
    for (name, value) in &headers.map {
        put_bytes(out, name.as_str().as_bytes());
        put_bytes(out, value.as_bytes());
    }
}

/// The unread rest of a binary head, within the frame it came in (header values are
/// slices of it, not copies).
pub struct Reader<'a> {
    frame: &'a Bytes,
    at: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        let (at, end) = self.span(n)?;
        Ok(&self.frame[at..end])
    }

    /// Where the next `n` bytes are, taken.
    fn span(&mut self, n: usize) -> Result<(usize, usize), FrameError> {
        if self.end - self.at < n {
            return Err(FrameError::Binary("shorter than its fields"));
        }
        self.at += n;
        Ok((self.at - n, self.at))
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

    fn headers(&mut self) -> Result<Headers, FrameError> {
        let count = self.u32()? as usize;
        // Each pair takes at least 8 bytes: a count the head cannot hold reserves nothing,
        // and a long list grows as it is read (the map's own limit is 32,768).
        let mut headers = Headers {
            map: HeaderMap::with_capacity(count.min((self.end - self.at) / 8).min(64)),
            invalid: None,
        };
        for _ in 0..count {
            let len = self.u32()? as usize;
            let name = self.take(len)?;
            let len = self.u32()? as usize;
            let (at, end) = self.span(len)?;
            headers.push(
                name,
                HeaderValue::from_maybe_shared(self.frame.slice(at..end)),
            );
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
            let headers = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let head = RequestHead { id, method, path, query, headers, client, https };
            for form in [HeadForm::Json, HeadForm::Binary] {
                let frame = encode(&head, &body, form);
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
            let headers = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let head = AnswerHead { id, status, headers };
            for form in [HeadForm::Json, HeadForm::Binary] {
                let (again, bytes): (AnswerHead, Bytes) = decode(&encode(&head, &body, form)).unwrap();
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
                headers: [("x-a", "1"), ("x-b", "\0\u{ff}")].into_iter().collect(),
                client: Some(IpAddr::from([0u8; 16])),
                https: true,
            };
            let frame = encode(&head, b"", HeadForm::Binary);
            let head_len = frame.len() - 4;
            let cut = cut % head_len;
            let mut shorter = BytesMut::new();
            shorter.put_u32(cut as u32);
            shorter.put_slice(&frame[4..4 + cut]);
            prop_assert!(decode::<RequestHead>(&shorter.freeze()).is_err());
        }
    }

    /// A pair HTTP cannot carry leaves the frame readable and says which it was.
    #[test]
    fn an_invalid_header_is_named_not_a_broken_frame() {
        for form in [HeadForm::Json, HeadForm::Binary] {
            let head = AnswerHead {
                id: 3,
                status: 200,
                headers: [("x-ok", "1")].into_iter().collect(),
            };
            let frame = encode(&head, b"", form);
            // The same head with the name `x(y)` put in place of `x-ok` (same length).
            let at = frame.windows(4).position(|w| w == b"x-ok").unwrap();
            let mut bad = frame.to_vec();
            bad[at..at + 4].copy_from_slice(b"x(y)");
            let (again, _) = decode::<AnswerHead>(&Bytes::from(bad)).unwrap();
            assert_eq!(
                again.headers.invalid.as_deref(),
                Some("header name `x(y)` is not valid")
            );
        }
    }

    /// More headers than a map holds: named, not a panic, in both forms.
    #[test]
    fn forty_thousand_headers_are_refused_not_a_crash() {
        let mut json = br#"{"id":1,"status":200,"headers":["#.to_vec();
        let mut binary = BytesMut::new();
        binary.put_u8(BINARY);
        binary.put_u64(1);
        binary.put_u16(200);
        binary.put_u32(40_000);
        for i in 0..40_000 {
            let name = format!("x-{i}");
            json.extend_from_slice(format!(r#"["{name}","v"],"#).as_bytes());
            put_bytes(&mut binary, name.as_bytes());
            put_bytes(&mut binary, b"v");
        }
        json.pop();
        json.extend_from_slice(b"]}");
        for head in [&json[..], &binary[..]] {
            let mut frame = BytesMut::new();
            frame.put_u32(head.len() as u32);
            frame.put_slice(head);
            let (answer, _) = decode::<AnswerHead>(&frame.freeze()).unwrap();
            assert_eq!(
                answer.headers.invalid.as_deref(),
                Some("too many headers (at most 32768)")
            );
        }
    }

    #[test]
    fn a_binary_value_that_is_not_utf8_travels_as_its_bytes() {
        let mut map = HeaderMap::new();
        map.append("x-latin", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let head = AnswerHead {
            id: 1,
            status: 200,
            headers: map.into(),
        };
        for form in [HeadForm::Json, HeadForm::Binary] {
            let (again, _) = decode::<AnswerHead>(&encode(&head, b"", form)).unwrap();
            assert_eq!(again.headers.map["x-latin"].as_bytes(), b"caf\xe9");
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
