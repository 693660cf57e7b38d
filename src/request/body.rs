//! The JSON body reader every provider shares: the size limit, the read error, and the
//! "a JSON object, or nothing" rule. Each provider turns a [`BodyError`] into its own
//! envelope (a `From<BodyError>` in its `error.rs`), the way axum's
//! customize-extractor-error example maps a rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, StatusCode};
use serde_json::{Map, Value};

/// The largest request body the sandbox reads: 1 MiB.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Why a body was refused. `Display` is the message every provider answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than [`BODY_LIMIT`]: answered with 413.
    TooLarge,
    /// The body could not be read (a stalled or broken upload).
    Unreadable(String),
    /// Valid JSON, but not an object.
    NotObject,
    /// Not JSON at all.
    NotJson(String),
}

impl BodyError {
    /// The HTTP status a provider answers this with when its envelope carries one.
    pub fn status(&self) -> Option<StatusCode> {
        matches!(self, Self::TooLarge).then_some(StatusCode::PAYLOAD_TOO_LARGE)
    }
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge => write!(f, "the body is larger than the {BODY_LIMIT} byte limit"),
            Self::Unreadable(why) => write!(f, "could not read the body: {why}"),
            Self::NotObject => f.write_str("the body must be a JSON object"),
            Self::NotJson(why) => write!(f, "the body is not valid JSON: {why}"),
        }
    }
}

/// Reads the body as a JSON object: empty for a GET or a blank body.
pub async fn read_object(req: Request) -> Result<Map<String, Value>, BodyError> {
    let is_get = req.method() == Method::GET;
    let bytes = Bytes::from_request(req, &()).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            BodyError::TooLarge
        } else {
            BodyError::Unreadable(e.body_text())
        }
    })?;
    if is_get || bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::NotObject),
        Err(e) => Err(BodyError::NotJson(e.to_string())),
    }
}
