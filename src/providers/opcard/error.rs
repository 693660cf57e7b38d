//! OPCard's codes and envelope `{"code","msg","trace_id","data"}`. Business errors are
//! HTTP 200 with a non-"200" code; auth failures HTTP 401; unknown routes 404, wrong
//! methods 405 and oversized bodies 413, all in the envelope. OPCard publishes no error
//! table; the codes below are the sandbox's (README, "OPCard").

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ledger::LedgerError;
use crate::request::{BodyError, InternalError};

/// The header that repeats the envelope's `trace_id`.
pub(super) static TRACE_HEADER: HeaderName = HeaderName::from_static("x-trace-id");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A parameter is missing, malformed or out of range.
    BadParameter,
    /// No token, or an unknown, expired or wrong one; wrong app_secret.
    Unauthorized,
    /// No such card, program account, load or route.
    NotFound,
    /// A duplicate (card id).
    Conflict,
    /// A card account would go below zero.
    InsufficientBalance,
    Internal,
}

impl Code {
    /// Every code but success, in the README's order.
    pub const ALL: [Self; 6] = [
        Self::BadParameter,
        Self::Unauthorized,
        Self::NotFound,
        Self::Conflict,
        Self::InsufficientBalance,
        Self::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadParameter => "40000",
            Self::Unauthorized => "40100",
            Self::NotFound => "40400",
            Self::Conflict => "40900",
            Self::InsufficientBalance => "42200",
            Self::Internal => "50000",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            _ => StatusCode::OK,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} {msg}", code.as_str())]
pub struct OpError {
    pub code: Code,
    pub msg: String,
    /// HTTP status: from the code unless a route or body problem sets it.
    pub status: StatusCode,
}

impl OpError {
    pub fn new(code: Code, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
            status: code.status(),
        }
    }

    pub fn param(msg: impl Into<String>) -> Self {
        Self::new(Code::BadParameter, msg)
    }

    pub fn unauthorized(msg: impl Into<String>) -> Self {
        Self::new(Code::Unauthorized, msg)
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

/// A body the shared reader refused, in this provider's envelope (413 for one too large).
impl From<BodyError> for OpError {
    fn from(e: BodyError) -> Self {
        let status = e.status();
        let error = Self::param(e.to_string());
        match status {
            Some(status) => error.with_status(status),
            None => error,
        }
    }
}

impl From<LedgerError> for OpError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::InsufficientFunds { .. } => {
                Self::new(Code::InsufficientBalance, e.to_string())
            }
            LedgerError::TooPrecise { .. } | LedgerError::NotPositive(_) => {
                Self::param(e.to_string())
            }
            other => Self::new(Code::Internal, format!("internal ledger error: {other}")),
        }
    }
}

/// A successful answer: `code` "200", `msg` "Success", and `data`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Envelope<T> {
    #[schema(value_type = String, example = "200")]
    code: &'static str,
    #[schema(example = "Success")]
    msg: String,
    /// 32 hex digits, unique per request; repeated in `X-Trace-Id`.
    trace_id: String,
    data: T,
}

/// A refused request: one of the codes below, a message naming what was wrong, no
/// `data`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorEnvelope {
    #[schema(schema_with = code_schema)]
    code: &'static str,
    msg: String,
    /// 32 hex digits, unique per request; repeated in `X-Trace-Id`.
    trace_id: String,
}

/// Every code an answer carries (README, "OPCard", error codes).
fn code_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(Code::ALL.iter().map(|c| c.as_str()))
}

/// An answer with its trace id: success (`code` "200", `msg` "Success") or an error.
#[derive(Debug)]
pub(super) struct Reply<T> {
    pub(super) trace_id: String,
    pub(super) result: Result<T, OpError>,
}

impl<T: Serialize> IntoResponse for Reply<T> {
    /// Serialised straight to bytes: a detour through `serde_json::Value` would re-read
    /// the exact decimal numbers as floats (`1.0000000000` would become `1.0`).
    fn into_response(self) -> Response {
        let internal = match &self.result {
            Err(e) if e.code == Code::Internal => Some(e.msg.clone()),
            _ => None,
        };
        let (status, body) = match self.result {
            Ok(data) => (
                StatusCode::OK,
                crate::http_util::to_json(&Envelope {
                    code: "200",
                    msg: "Success".to_owned(),
                    trace_id: self.trace_id.clone(),
                    data,
                }),
            ),
            Err(e) => (
                e.status,
                serde_json::to_vec(&ErrorEnvelope {
                    code: e.code.as_str(),
                    msg: e.msg,
                    trace_id: self.trace_id.clone(),
                }),
            ),
        };
        let body = body.unwrap_or_else(|e| {
            serde_json::json!({"code": "50000", "msg": format!("could not render the answer: {e}"), "trace_id": self.trace_id})
                .to_string()
                .into_bytes()
        });
        let mut response = (
            status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
        if let Ok(value) = HeaderValue::from_str(&self.trace_id) {
            response.headers_mut().insert(TRACE_HEADER.clone(), value);
        }
        if let Some(message) = internal {
            InternalError::mark(&mut response, &message);
        }
        response
    }
}
