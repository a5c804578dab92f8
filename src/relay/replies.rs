//! The relay's own answers: refusals, the subscriber's answer as the sender gets it.

use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, SET_COOKIE, WWW_AUTHENTICATE};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;

use super::frame::AnswerHead;
use super::hub::DispatchError;
use crate::http_headers::strip_hop_by_hop;
use crate::server::{error_reply, with_retry_after};

pub type Reply = Response<Full<Bytes>>;

/// The answer for a request the subscriber did not answer. `unread`: its body was not
/// read, so the connection cannot carry another request.
pub fn dispatch_error_reply(error: DispatchError, wait: Duration, unread: bool) -> Reply {
    let (status, why, retry_after) = match error {
        DispatchError::NoSubscriber => (
            503,
            "no subscriber on this channel right now".to_string(),
            Some(10),
        ),
        DispatchError::Busy => (
            503,
            "too many requests in flight on this channel".to_string(),
            Some(1),
        ),
        DispatchError::Gone => (
            502,
            "the subscriber went away before answering".to_string(),
            None,
        ),
        DispatchError::Unavailable => (
            503,
            "the relay cannot reach its other instances right now".to_string(),
            Some(5),
        ),
        DispatchError::AnswerTooLarge => (
            502,
            "the subscriber's answer is larger than the relays pass on".to_string(),
            None,
        ),
        DispatchError::TimedOut => (
            504,
            format!(
                "no answer from the subscriber within {}",
                humantime::format_duration(wait)
            ),
            None,
        ),
    };
    let reply = error_reply(status, &why, unread);
    match retry_after {
        Some(seconds) => with_retry_after(reply, seconds),
        None => reply,
    }
}

/// 401 with `WWW-Authenticate: Bearer`: the same for an unknown channel and a wrong token.
pub fn unauthorized(why: &str) -> Reply {
    let mut reply = error_reply(401, why, false);
    reply
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    reply
}

/// The subscriber's answer as the sender gets it. The relay is the sender's only hop, so
/// it keeps the connection's own headers (hop-by-hop ones, those `Connection` names, the
/// length) and answers 502 for a status that is not a final one (200–599). `Set-Cookie`
/// is dropped: every channel shares the relay's origin, so a cookie set by one subscriber
/// would reach the senders of all.
pub fn answer_reply(answer: AnswerHead, body: Bytes) -> Reply {
    if !(200..=599).contains(&answer.status) {
        return error_reply(
            502,
            &format!("the subscriber answered with status {}", answer.status),
            false,
        );
    }
    if answer.headers.invalid.is_some() {
        return error_reply(502, "the subscriber's answer has a malformed header", false);
    }
    let mut reply = Response::new(Full::new(body));
    *reply.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    *reply.headers_mut() = answer.headers.map;
    let headers = reply.headers_mut();
    strip_hop_by_hop(headers);
    headers.remove(CONTENT_LENGTH);
    headers.remove(SET_COOKIE);
    reply
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer<B>(req: &Request<B>) -> Option<&str> {
    req.headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}
