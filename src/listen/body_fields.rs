//! What a JSON body says about its event: the event type (its first top-level string
//! `type` or `event` field: Stripe, Standard Webhooks, Slack and most custom senders put
//! it there) and, for providers that send no delivery-id header, the field that
//! identifies the event (Stripe's `id`, Slack's `event_id`). Parsing stops once both are
//! found, so a large body is not read to its end.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct BodyFields {
    pub event_type: Option<String>,
    pub event_id: Option<String>,
}

/// Scans a JSON object body. `id_field` names the event-id field to look for, if any.
pub fn scan(body: &[u8], id_field: Option<&str>) -> BodyFields {
    let mut found = BodyFields::default();
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return found;
    }
    let mut json = serde_json::Deserializer::from_slice(body);
    // Stopping early leaves the object unfinished, which serde_json reports as an error
    // (one value, no message to format: the visitor itself just stops); what was found
    // before that is the answer.
    let _ = json.deserialize_map(Find {
        found: &mut found,
        id_field,
    });
    found
}

struct Find<'a> {
    found: &'a mut BodyFields,
    id_field: Option<&'a str>,
}

impl<'de> Visitor<'de> for Find<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let slot = if self.found.event_type.is_none() && (key == "type" || key == "event") {
                &mut self.found.event_type
            } else if self.found.event_id.is_none() && self.id_field == Some(&*key) {
                &mut self.found.event_id
            } else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            *slot = map.next_value_seed(StringOrSkip)?;
            if self.found.event_type.is_some()
                && (self.id_field.is_none() || self.found.event_id.is_some())
            {
                return Ok(());
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
    use super::scan;

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
            assert_eq!(
                scan(body.as_bytes(), None).event_type.as_deref(),
                want,
                "{body}"
            );
        }
        assert_eq!(scan(b"\xff\xfe", None).event_type, None);
    }

    #[test]
    fn the_event_id_field_when_asked() {
        let stripe = br#"{"id":"evt_3QGx","object":"event","type":"charge.succeeded"}"#;
        let found = scan(stripe, Some("id"));
        assert_eq!(found.event_id.as_deref(), Some("evt_3QGx"));
        assert_eq!(found.event_type.as_deref(), Some("charge.succeeded"));
        assert_eq!(scan(stripe, None).event_id, None);
        let slack =
            br#"{"event":{"type":"message","id":"x"},"type":"event_callback","event_id":"Ev08"}"#;
        assert_eq!(
            scan(slack, Some("event_id")).event_id.as_deref(),
            Some("Ev08")
        );
    }
}
