//! The event type a JSON body names: its first top-level `type` or `event` field whose
//! value is a string (Stripe, Standard Webhooks, Slack and most custom senders put it
//! there). Parsing stops at that field, so a large body is not read to its end.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

pub fn from_json_body(body: &[u8]) -> Option<String> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    let mut found = None;
    let mut json = serde_json::Deserializer::from_slice(body);
    // Stopping early leaves the object unfinished, which serde_json reports as an error;
    // what was found before that is the answer.
    let _ = json.deserialize_map(FindType(&mut found));
    found
}

struct FindType<'a>(&'a mut Option<String>);

impl<'de> Visitor<'de> for FindType<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "type" || key == "event" {
                if let Some(name) = map.next_value_seed(StringOrSkip)? {
                    *self.0 = Some(name);
                    return Err(de::Error::custom("found"));
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// A string value, or `None` for any other value (which is skipped over).
struct StringOrSkip;

impl<'de> DeserializeSeed<'de> for StringOrSkip {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringOrSkip {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::from_json_body;

    #[test]
    fn first_string_type_or_event_field() {
        let cases: [(&str, Option<&str>); 8] = [
            (
                r#"{"event":"job.completed","data":{"type":"x"}}"#,
                Some("job.completed"),
            ),
            (
                r#"{"id":"evt_1","type":"invoice.paid"}"#,
                Some("invoice.paid"),
            ),
            // Slack: `event` is an object, the type comes later.
            (
                r#"{"event":{"type":"message"},"type":"event_callback"}"#,
                Some("event_callback"),
            ),
            (r#"{"type":null,"event":["a"],"x":1}"#, None),
            (r#"{"ty\u0070e":"escaped.key"}"#, Some("escaped.key")),
            (r#"  {"type":"spaced"} "#, Some("spaced")),
            (r#"[{"type":"in.array"}]"#, None),
            (r#"{"type":"#, None),
        ];
        for (body, want) in cases {
            assert_eq!(from_json_body(body.as_bytes()).as_deref(), want, "{body}");
        }
        assert_eq!(from_json_body(b"\xff\xfe"), None);
    }
}
