//! Small helpers every API surface shares (admin and each provider): reading a header
//! as text, taking a request's headers out without copying them, JSON into a buffer
//! sized for an answer, and naming a JSON value's type in error messages. Nothing provider-specific
//! lives here, so providers can use it without importing each other.

use axum::http::HeaderMap;
use serde_json::Value;

/// A header's value, trimmed; `None` when absent, empty or not text.
pub(crate) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The request's headers, and the request without them: an extractor that reads the
/// headers and then the body (which needs none of them) pays no copy of the map.
pub(crate) fn take_headers(mut req: axum::extract::Request) -> (HeaderMap, axum::extract::Request) {
    let headers = std::mem::take(req.headers_mut());
    (headers, req)
}

/// The room an answer's buffer starts with: a page of records (3 to 4 KiB) is written
/// without growing it; `serde_json::to_vec` starts at 128 bytes and grows five times.
pub(crate) const ANSWER_CAPACITY: usize = 4096;

/// `value` as JSON bytes, the same as `serde_json::to_vec`, written into a buffer sized
/// for a page of records and then fitted to its length ([`fitted`]).
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(ANSWER_CAPACITY);
    serde_json::to_writer(&mut out, value)?;
    Ok(fitted(out))
}

/// `out` without its spare room: the journal keeps answers as they are, so a short
/// answer must not hold a 4 KiB buffer (glibc shrinks in place, without a copy).
pub(crate) fn fitted(mut out: Vec<u8>) -> Vec<u8> {
    out.shrink_to_fit();
    out
}

/// What kind of JSON value this is, for messages such as "must be a string, got a number".
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
