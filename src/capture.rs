//! The one capture format (README, Captures): captures, envelopes, dead letters and `--json` lines.
//!
//! A capture is a JSON object, one per `.json` file or one per line of a `.jsonl` file.
//! Body bytes survive exactly: `body` when they are UTF-8, `body_base64` otherwise.
//! Headers are ordered pairs, so order and repeats survive; a value that is not UTF-8 is a
//! triple `[name, base64, "base64"]`, kept byte for byte. Fields this version does not
//! know are kept in [`Capture::extra`] and written back, so a tool that rewrites a capture
//! never drops what another command recorded.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};
use std::marker::PhantomData;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::signing::Header;

/// The format version this hookline reads and writes.
pub const VERSION: u64 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub id: Option<String>,
    /// RFC 3339 with milliseconds, UTC: `2026-11-22T10:04:05.123Z`.
    pub received_at: Option<String>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
    pub verification: Option<VerificationRecord>,
    pub event: Option<String>,
    /// Fields written by other commands or later versions, kept as they were.
    pub extra: Map<String, Value>,
}

/// How a captured request was verified when it was received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationRecord {
    pub scheme: String,
    pub valid: bool,
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Capture {
    /// A capture of a request with just a body (an envelope's minimum).
    pub fn from_body(body: Vec<u8>) -> Self {
        Capture {
            id: None,
            received_at: None,
            method: "POST".to_string(),
            path: "/".to_string(),
            query: None,
            headers: Vec::new(),
            body,
            verification: None,
            event: None,
            extra: Map::new(),
        }
    }

    /// Parses one capture from JSON text.
    pub fn from_json(text: &[u8]) -> Result<Capture, ParseError> {
        let wire: Wire = serde_json::from_slice(text).map_err(ParseError::from)?;
        wire.into_capture().map_err(|message| ParseError {
            line: 0,
            column: 0,
            message,
        })
    }

    /// One line of JSON, no trailing newline. Written field by field rather than through
    /// serde's derive: `listen --json` writes one per request, and this is its hot path
    /// (strings with nothing to escape, like most bodies, are copied as they are).
    pub fn to_json(&self) -> String {
        self.to_json_with(|_| {})
    }

    /// [`Capture::to_json`], with more fields written after the capture's own by `more`
    /// (straight from typed values, without building a JSON map first).
    pub fn to_json_with(&self, more: impl FnOnce(&mut MoreFields<'_>)) -> String {
        let mut out = Vec::new();
        self.write_json_with(&mut out, more);
        String::from_utf8(out).expect("built from UTF-8 strings")
    }

    /// [`Capture::to_json_with`], appended to `out` (say, an output buffer, saving a copy).
    pub fn write_json_with(&self, out: &mut Vec<u8>, more: impl FnOnce(&mut MoreFields<'_>)) {
        let headers: usize = self
            .headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + 8)
            .sum();
        out.reserve(self.body.len() * 4 / 3 + headers + 512);
        out.extend_from_slice(b"{\"hookline\":1");
        // `,"name":` then the value; names are literals with nothing to escape.
        let text = |out: &mut Vec<u8>, name: &[u8], value: &str| {
            out.extend_from_slice(name);
            json_string(out, value);
        };
        if let Some(id) = &self.id {
            text(out, b",\"id\":", id);
        }
        if let Some(at) = &self.received_at {
            text(out, b",\"received_at\":", at);
        }
        text(out, b",\"method\":", &self.method);
        text(out, b",\"path\":", &self.path);
        if let Some(query) = &self.query {
            text(out, b",\"query\":", query);
        }
        out.extend_from_slice(b",\"headers\":");
        out.push(b'[');
        for (i, (name, value)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'[');
            json_string(out, name);
            out.push(b',');
            match raw_value(value) {
                // A value that is not UTF-8: `[name, base64, "base64"]`.
                Some(encoded) => {
                    json_string(out, &encoded);
                    out.extend_from_slice(b",\"base64\"");
                }
                None => json_string(out, value),
            }
            out.push(b']');
        }
        out.push(b']');
        match std::str::from_utf8(&self.body) {
            Ok(body) => text(out, b",\"body\":", body),
            Err(_) => text(out, b",\"body_base64\":", &BASE64.encode(&self.body)),
        }
        if let Some(v) = &self.verification {
            // By hand, as serde's derive writes it (the property test below holds the two together).
            out.extend_from_slice(b",\"verification\":{\"scheme\":");
            json_string(out, &v.scheme);
            out.extend_from_slice(if v.valid {
                b",\"valid\":true"
            } else {
                b",\"valid\":false"
            });
            match &v.reason {
                Some(reason) => text(out, b",\"reason\":", reason),
                None => out.extend_from_slice(b",\"reason\":null"),
            }
            if let Some(detail) = &v.detail {
                text(out, b",\"detail\":", detail);
            }
            out.push(b'}');
        }
        if let Some(event) = &self.event {
            text(out, b",\"event\":", event);
        }
        for (name, value) in &self.extra {
            key(out, name);
            serde_json::to_writer(&mut *out, value).expect("a JSON value always serialises");
        }
        more(&mut MoreFields { out });
        out.push(b'}');
    }

    /// Writes the capture as `path` atomically: a temporary file in the same directory,
    /// renamed into place, so a reader never sees a partial file. With `durable`, the file
    /// is fsynced before the rename.
    pub fn write_file(&self, path: &Path, durable: bool) -> io::Result<()> {
        crate::files::write_atomic(path, &self.to_json(), durable)
    }
}

/// A capture starts with `{` and names `"hookline"` near the start (hookline's writers
/// put it first). Anything else is a plain body.
pub fn looks_like_capture(head: &[u8]) -> bool {
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let window = &head[..head.len().min(4096)];
    start.is_some_and(|i| head[i] == b'{')
        && memchr::memmem::find(window, b"\"hookline\"").is_some()
}

/// Fields a command adds to a capture it writes (see [`Capture::to_json_with`]).
pub struct MoreFields<'a> {
    out: &'a mut Vec<u8>,
}

impl MoreFields<'_> {
    pub fn add<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        key(self.out, name);
        serde_json::to_writer(&mut *self.out, value).expect("the field serialises");
    }
}

/// `,"name":`
fn key(out: &mut Vec<u8>, name: &str) {
    out.push(b',');
    json_string(out, name);
    out.push(b':');
}

/// A JSON string, escaped as serde_json escapes it (property tests hold the two to the
/// same bytes). The text goes eight bytes at a time: a word with nothing to escape is
/// copied whole, one with something is copied up to it. Pretty-printed JSON bodies have a
/// quote or a newline every few bytes, so the cost per escape matters as much as the cost
/// per byte: the output is gathered in a small local buffer (plain stores, no `Vec`
/// bookkeeping per escape) and the common escapes are written in place.
fn json_string(out: &mut Vec<u8>, text: &str) {
    const FLUSH_AT: usize = 256;
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Names, ids, most header values have nothing to escape: copied whole. Otherwise
    // what comes before the first escape is.
    let Some(first) = first_escape(bytes) else {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    };
    out.extend_from_slice(&bytes[..first]);
    // Room for a full buffer plus one word and its escape.
    let mut buf = [0u8; FLUSH_AT + 16];
    let mut n = 0;
    let mut at = first;
    // Clean words in a row.
    let mut clean = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word: [u8; 8] = chunk.try_into().expect("eight bytes");
        let hits = escapes_in(u64::from_le_bytes(word));
        buf[n..n + 8].copy_from_slice(&word);
        if hits == 0 {
            n += 8;
            at += 8;
            clean += 1;
            if clean == 4 {
                // A long run (a long text, base64): its end found with memchr and one
                // vectorised pass for control characters, copied in one go. A window at
                // a time, so text with tabs but no quotes is not searched to its end
                // again and again.
                let rest = &bytes[at..bytes.len().min(at + 256)];
                let stop = memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
                let run = &rest[..stop];
                let control = run.iter().fold(false, |any, &b| any | (b < 0x20));
                let run = match control {
                    false => run,
                    // Rare: a control character (a tab, say) comes first.
                    true => &run[..first_escape(run).unwrap_or(run.len())],
                };
                out.extend_from_slice(&buf[..n]);
                out.extend_from_slice(run);
                n = 0;
                at += run.len();
                clean = 0;
            }
        } else {
            clean = 0;
            let keep = (hits.trailing_zeros() / 8) as usize;
            n += keep;
            at += keep + 1;
            let letter = ESCAPES[usize::from(word[keep])];
            if letter != b'u' {
                buf[n] = b'\\';
                buf[n + 1] = letter;
                n += 2;
            } else {
                out.extend_from_slice(&buf[..n]);
                n = 0;
                escape(out, word[keep]);
            }
        }
        if n >= FLUSH_AT {
            out.extend_from_slice(&buf[..n]);
            n = 0;
        }
    }
    out.extend_from_slice(&buf[..n]);
    for &byte in &bytes[at..] {
        if needs_escape(byte) {
            escape(out, byte);
        } else {
            out.push(byte);
        }
    }
    out.push(b'"');
}

/// Where the first byte JSON escapes is, eight bytes at a time.
fn first_escape(bytes: &[u8]) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    for (i, word) in words.by_ref().enumerate() {
        let hits = escapes_in(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        if hits != 0 {
            return Some(i * 8 + (hits.trailing_zeros() / 8) as usize);
        }
    }
    let tail = words.remainder();
    let at = tail.iter().position(|&b| needs_escape(b))?;
    Some(bytes.len() - tail.len() + at)
}

/// A quote, a backslash or a control character: what JSON escapes (byte by byte; see
/// [`escapes_in`] for a word at a time).
fn needs_escape(byte: u8) -> bool {
    ESCAPES[usize::from(byte)] != 0
}

/// Per byte, how serde_json escapes it: 0 not at all, `u` as `\u00XX`, else the letter
/// after the backslash.
const ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table
};

/// The high bit of each byte of `word` (little-endian) that JSON escapes: a quote, a
/// backslash, a control character; every one is marked. A borrow can also mark bytes
/// above a marked one, never below: the lowest mark is always real, and a word with no
/// escape has none, which is all [`json_string`] uses.
fn escapes_in(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = word.wrapping_sub(ONES * 0x20);
    let quote = (word ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (word ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    // `!word` stands for `!(word ^ pattern)` too: neither pattern has its high bit set.
    (control | quote | backslash) & !word & HIGH
}

/// One escaped byte, in serde_json's spelling.
fn escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match ESCAPES[usize::from(byte)] {
        b'u' => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0xf)],
        ]),
        short => out.extend_from_slice(&[b'\\', short]),
    }
}

/// A capture that does not parse, with the position serde_json reports (1-based;
/// 0 when the JSON is well-formed but the capture is not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl From<serde_json::Error> for ParseError {
    fn from(e: serde_json::Error) -> Self {
        // serde_json appends " at line L column C" to its message; keep only the message.
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) if e.line() > 0 => full[..i].to_string(),
            _ => full,
        };
        ParseError {
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => f.write_str(&self.message),
            (line, 0) => write!(f, "line {line}: {}", self.message),
            (line, column) => write!(f, "line {line}, column {column}: {}", self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// Streams captures from JSON lines, one at a time (bounded memory for any file size).
/// Blank lines are skipped. Each item carries its 1-based line number.
pub struct JsonLines<R> {
    reader: R,
    line: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonLines<R> {
    pub fn new(reader: R) -> Self {
        JsonLines {
            reader,
            line: 0,
            buf: Vec::new(),
        }
    }
}

impl<R: io::Read> JsonLines<io::BufReader<R>> {
    /// Whether the next line can be read without waiting for the input (some of it is
    /// already buffered).
    pub fn has_buffered_input(&self) -> bool {
        !self.reader.buffer().is_empty()
    }
}

/// Why a JSON-lines item could not be read. A parse error's `line` is the file's line.
#[derive(Debug)]
pub enum LineError {
    Io(io::Error),
    Parse(ParseError),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::Io(e) => write!(f, "{e}"),
            LineError::Parse(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LineError {}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<(usize, Capture), LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => self.line += 1,
                Err(e) => return Some(Err(LineError::Io(e))),
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = self.line;
            return Some(
                Capture::from_json(&self.buf)
                    .map(|c| (line, c))
                    .map_err(|error| LineError::Parse(ParseError { line, ..error })),
            );
        }
    }
}

/// The serialised shape. Reading is a hand-written visitor below; writing is
/// [`Capture::to_json`], and a test holds it to the bytes serde would write from this shape.
#[derive(Serialize)]
struct Wire<'a> {
    hookline: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    received_at: Option<Cow<'a, str>>,
    #[serde(default)]
    method: Option<Cow<'a, str>>,
    #[serde(default)]
    path: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    query: Option<Cow<'a, str>>,
    #[serde(default)]
    headers: WireHeaders<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verification: Option<Cow<'a, VerificationRecord>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    event: Option<Cow<'a, str>>,
    #[serde(flatten)]
    extra: Cow<'a, Map<String, Value>>,
}

/// Headers as written (ordered pairs), or, in a hand-written envelope, an object.
#[derive(Serialize)]
#[serde(untagged)]
enum WireHeaders<'a> {
    Pairs(Cow<'a, [WirePair]>),
    Object(Map<String, Value>),
}

impl Default for WireHeaders<'_> {
    fn default() -> Self {
        WireHeaders::Pairs(Cow::Owned(Vec::new()))
    }
}

/// The base64 of a header value that was not UTF-8 (see
/// [`crate::http_headers::value_text`]); `None` for a text value.
fn raw_value(value: &str) -> Option<String> {
    crate::http_headers::raw_bytes(value).map(|bytes| BASE64.encode(bytes))
}

/// One header: `[name, value]`, or `[name, base64, "base64"]` for a value that is not
/// UTF-8 (kept byte for byte, so replay sends it as it came).
#[derive(Clone)]
struct WirePair(Header);

impl Serialize for WirePair {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (name, value) = &self.0;
        match raw_value(value) {
            Some(encoded) => (name, encoded, "base64").serialize(s),
            None => (name, value).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for WirePair {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let parts = Vec::<String>::deserialize(d)?;
        match <[String; 2]>::try_from(parts) {
            Ok([name, value]) => Ok(WirePair((name, value))),
            Err(parts) => match <[String; 3]>::try_from(parts) {
                Ok([name, encoded, form]) if form == "base64" => {
                    let bytes = BASE64.decode(encoded.trim()).map_err(|e| {
                        de::Error::custom(format!("header {name}: not valid base64: {e}"))
                    })?;
                    Ok(WirePair((name, crate::http_headers::value_text(&bytes))))
                }
                _ => Err(de::Error::custom(
                    "a header is [name, value] or [name, base64, \"base64\"]",
                )),
            },
        }
    }
}

/// A string borrowed from the input when it has no escapes.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

// Read by hand, not derived: serde's `flatten` (for `extra`) and `untagged` (for
// `headers`) buffer every value, the body included, before reading it a second time, and
// `replay` reads one capture per request.
impl<'de: 'a, 'a> Deserialize<'de> for Wire<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Fields<'a> {
            type Value = Wire<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a capture object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Wire<'a>, A::Error> {
                let text = |t: Option<Text<'de>>| t.map(|t| t.0);
                let mut hookline = None;
                let mut wire = Wire {
                    hookline: 0,
                    id: None,
                    received_at: None,
                    method: None,
                    path: None,
                    query: None,
                    headers: WireHeaders::default(),
                    body: None,
                    body_base64: None,
                    verification: None,
                    event: None,
                    extra: Cow::Owned(Map::new()),
                };
                let mut extra = Map::new();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    match &*key {
                        "hookline" => hookline = Some(map.next_value::<u64>()?),
                        "id" => wire.id = text(map.next_value()?),
                        "received_at" => wire.received_at = text(map.next_value()?),
                        "method" => wire.method = text(map.next_value()?),
                        "path" => wire.path = text(map.next_value()?),
                        "query" => wire.query = text(map.next_value()?),
                        "headers" => wire.headers = map.next_value()?,
                        "body" => wire.body = text(map.next_value()?),
                        "body_base64" => wire.body_base64 = map.next_value()?,
                        "verification" => {
                            wire.verification = map.next_value::<Option<_>>()?.map(Cow::Owned)
                        }
                        "event" => wire.event = text(map.next_value()?),
                        _ => {
                            extra.insert(key.into_owned(), map.next_value()?);
                        }
                    }
                }
                wire.hookline = hookline.ok_or_else(|| de::Error::missing_field("hookline"))?;
                wire.extra = Cow::Owned(extra);
                Ok(wire)
            }
        }
        d.deserialize_map(Fields(PhantomData))
    }
}

impl<'de> Deserialize<'de> for WireHeaders<'_> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = WireHeaders<'static>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of [name, value] pairs, or an object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let pairs = Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(WireHeaders::Pairs(Cow::Owned(pairs)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let object = Map::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(WireHeaders::Object(object))
            }
        }
        d.deserialize_any(Either)
    }
}

impl<'a> Wire<'a> {
    #[cfg(test)]
    fn from_capture(c: &'a Capture) -> Self {
        let (body, body_base64) = match std::str::from_utf8(&c.body) {
            Ok(text) => (Some(Cow::Borrowed(text)), None),
            Err(_) => (None, Some(BASE64.encode(&c.body))),
        };
        Wire {
            hookline: VERSION,
            id: c.id.as_deref().map(Cow::Borrowed),
            received_at: c.received_at.as_deref().map(Cow::Borrowed),
            method: Some(Cow::Borrowed(&c.method)),
            path: Some(Cow::Borrowed(&c.path)),
            query: c.query.as_deref().map(Cow::Borrowed),
            headers: WireHeaders::Pairs(Cow::Owned(
                c.headers.iter().cloned().map(WirePair).collect(),
            )),
            body,
            body_base64,
            verification: c.verification.as_ref().map(Cow::Borrowed),
            event: c.event.as_deref().map(Cow::Borrowed),
            extra: Cow::Borrowed(&c.extra),
        }
    }

    fn into_capture(self) -> Result<Capture, String> {
        if self.hookline != VERSION {
            return Err(format!(
                "unsupported capture version {} (this hookline reads \"hookline\": {VERSION})",
                self.hookline
            ));
        }
        let body = match (self.body, self.body_base64) {
            (Some(text), None) => text.into_owned().into_bytes(),
            (None, Some(b64)) => BASE64
                .decode(b64.trim())
                .map_err(|e| format!("body_base64 is not valid base64: {e}"))?,
            (Some(_), Some(_)) => return Err("has both body and body_base64; keep one".to_string()),
            (None, None) => return Err("has no body (nor body_base64)".to_string()),
        };
        let headers = match self.headers {
            WireHeaders::Pairs(pairs) => pairs.into_owned().into_iter().map(|p| p.0).collect(),
            WireHeaders::Object(map) => map
                .into_iter()
                .map(|(name, value)| match value {
                    Value::String(s) => Ok((name, s)),
                    other => Err(format!("header {name} must be a string, not {other}")),
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Capture {
            id: self.id.map(Cow::into_owned),
            received_at: self.received_at.map(Cow::into_owned),
            method: self
                .method
                .map_or_else(|| "POST".to_string(), Cow::into_owned),
            path: self.path.map_or_else(|| "/".to_string(), Cow::into_owned),
            query: self.query.map(Cow::into_owned),
            headers,
            body,
            verification: self.verification.map(Cow::into_owned),
            event: self.event.map(Cow::into_owned),
            extra: self.extra.into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn escapes_in_marks_every_escape_and_the_lowest_mark_is_real(word in any::<u64>(), at in 0usize..8, byte in any::<u8>()) {
            // Any word, and one with a chosen byte at a chosen place (quotes and control
            // characters are rare in random words).
            let placed = (word & !(0xff << (at * 8))) | (u64::from(byte) << (at * 8));
            for w in [word, placed] {
                let real = w
                    .to_le_bytes()
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| needs_escape(b))
                    .fold(0u64, |m, (i, _)| m | 0x80 << (i * 8));
                let marked = escapes_in(w);
                prop_assert_eq!(marked & real, real, "{:016x}", w);
                prop_assert_eq!(marked & marked.wrapping_neg(), real & real.wrapping_neg(), "{:016x}", w);
            }
        }

        #[test]
        fn strings_escape_as_serde_does(
            text in "\\PC{0,100}|[\\x00-\\x7f]{0,100}|([a-z \"\\\\\\x00-\\x1f]{0,9}é?){0,15}|([a-z \"\\\\\\n]{0,9}é?){0,15}|([a-z]{0,80}[\"\\x01]){0,4}|([a-z]{0,300}[\\t\"]){0,3}[a-z]{250,700}",
        ) {
            let mut ours = Vec::new();
            json_string(&mut ours, &text);
            prop_assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&text).unwrap());
        }

        /// The hand-written writer gives exactly the bytes serde gives for the wire shape.
        #[test]
        fn to_json_matches_serde(
            body in proptest::collection::vec(any::<u8>(), 0..64),
            text_body in "(\\PC|\n|\t|\"){0,40}",
            use_text in any::<bool>(),
            names in proptest::collection::vec("[a-z-]{1,10}", 0..4),
            values in proptest::collection::vec("\\PC{0,12}|[\\x00-\\x1f\"\\\\]{0,4}", 0..4),
            query in proptest::option::of("\\PC{0,10}"),
            extra_value in proptest::option::of("\\PC{0,10}"),
            valid in any::<bool>(),
            reason in proptest::option::of("[a-z_\"]{0,10}"),
            detail in proptest::option::of("\\PC{0,12}|[\\x00-\\x1f\"\\\\]{0,4}"),
        ) {
            let mut c = Capture::from_body(if use_text { text_body.into_bytes() } else { body });
            c.headers = names.into_iter().zip(values).collect();
            c.query = query;
            c.id = Some("evt_1".into());
            c.event = Some("a\"b\u{1}c".into());
            c.verification = Some(VerificationRecord {
                scheme: "github".into(),
                valid,
                reason,
                detail,
            });
            if let Some(v) = extra_value {
                c.extra.insert("answer".into(), serde_json::json!({"status": 202, "note": v}));
            }
            let serde = serde_json::to_string(&Wire::from_capture(&c)).unwrap();
            prop_assert_eq!(c.to_json(), serde);
        }
    }

    #[test]
    fn minimal_envelope_reads_with_defaults() {
        let c = Capture::from_json(br#"{"hookline": 1, "body": "{\"a\":1}"}"#).unwrap();
        assert_eq!(c.method, "POST");
        assert_eq!(c.path, "/");
        assert_eq!(c.body, br#"{"a":1}"#);
    }

    #[test]
    fn headers_may_be_an_object_in_hand_written_envelopes() {
        let c =
            Capture::from_json(br#"{"hookline":1,"body":"","headers":{"B":"2","A":"1"}}"#).unwrap();
        assert_eq!(
            c.headers,
            vec![("B".into(), "2".into()), ("A".into(), "1".into())]
        );
    }

    #[test]
    fn binary_bodies_use_body_base64() {
        let c = Capture::from_body(vec![0xff, 0x00, 0x80]);
        let json = c.to_json();
        assert!(json.contains(r#""body_base64":"/wCA""#), "{json}");
        assert!(!json.contains(r#""body":"#));
        assert_eq!(Capture::from_json(json.as_bytes()).unwrap(), c);
    }

    #[test]
    fn unknown_fields_survive_a_rewrite() {
        let c = Capture::from_json(br#"{"hookline":1,"body":"x","attempts":[{"status":503}]}"#)
            .unwrap();
        assert!(c.to_json().contains(r#""attempts":[{"status":503}]"#));
    }

    #[test]
    fn errors_say_line_and_column() {
        let e =
            Capture::from_json(b"{\"hookline\": 1,\n \"body\": \"x\"\n \"event\": 1}").unwrap_err();
        assert_eq!((e.line, e.column), (3, 2));
        assert_eq!(e.to_string(), "line 3, column 2: expected `,` or `}`");
    }

    #[test]
    fn wrong_version_and_missing_body_are_errors() {
        assert!(Capture::from_json(br#"{"hookline":2,"body":""}"#)
            .unwrap_err()
            .message
            .contains("version 2"));
        assert!(Capture::from_json(br#"{"hookline":1}"#)
            .unwrap_err()
            .message
            .contains("no body"));
        assert!(Capture::from_json(br#"{"hookline":1,"body":"","body_base64":""}"#).is_err());
    }

    #[test]
    fn json_lines_stream_with_line_numbers() {
        let input = "{\"hookline\":1,\"body\":\"a\"}\n\n{\"hookline\":1,\"body\":\"b\"}\n{bad\n{\"hookline\":1}\n";
        let items: Vec<_> = JsonLines::new(input.as_bytes()).collect();
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].as_ref().unwrap().0, 1);
        assert_eq!(items[1].as_ref().unwrap().0, 3);
        match &items[2] {
            Err(LineError::Parse(e)) => assert_eq!(e.line, 4),
            other => panic!("{other:?}"),
        }
        // A well-formed line that is not a capture names the line, without a column.
        let last = items[3].as_ref().unwrap_err().to_string();
        assert_eq!(last, "line 5: has no body (nor body_base64)");
    }
}
