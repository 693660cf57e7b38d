//! Small helpers every API surface shares (admin and each provider): reading a header
//! as text, and naming a JSON value's type in error messages. Nothing provider-specific
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
