//! Interlace's codes and envelope `{"code","message","data"}`. Business errors are HTTP
//! 200 with a 6-digit code; auth failures HTTP 401; unknown routes 404, wrong methods 405
//! and oversized bodies 413, all in the envelope. Interlace publishes no full table:
//! `010021` and `010787` are observed codes, the rest are the sandbox's (README).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ledger::LedgerError;
use crate::request::{BodyError, InternalError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A parameter is missing, malformed or out of range.
    BadParameter,
    /// No or a wrong token, client, secret or code.
    Unauthorized,
    /// No such account, card or transaction.
    NotFound,
    /// The account's Infinity balance is not provisioned (observed code 010021).
    BalanceMissing,
    /// The customer account has no passed KYC (observed code 010787).
    NoKyc,
    /// Not enough money.
    InsufficientBalance,
    /// The card's or transaction's state does not allow it.
    NotAllowed,
    Internal,
}

impl Code {
    /// Every code, in the order of the README's table.
    pub const ALL: [Self; 8] = [
        Self::BadParameter,
        Self::Unauthorized,
        Self::NotFound,
        Self::BalanceMissing,
        Self::NoKyc,
        Self::InsufficientBalance,
        Self::NotAllowed,
        Self::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadParameter => "010001",
            Self::Unauthorized => "010002",
            Self::NotFound => "010003",
            Self::BalanceMissing => "010021",
            Self::NoKyc => "010787",
            Self::InsufficientBalance => "010100",
            Self::NotAllowed => "010200",
            Self::Internal => "999999",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} {message}", code.as_str())]
pub struct IlError {
    pub code: Code,
    pub message: String,
    pub status: StatusCode,
}

impl IlError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        let status = if code == Code::Unauthorized {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        };
        Self {
            code,
            message: message.into(),
            status,
        }
    }

    pub fn param(message: impl Into<String>) -> Self {
        Self::new(Code::BadParameter, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(Code::Unauthorized, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Code::NotFound, message)
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

/// A body the shared reader refused, in this provider's envelope (413 for one too large).
impl From<BodyError> for IlError {
    fn from(e: BodyError) -> Self {
        let status = e.status();
        let error = Self::param(e.to_string());
        match status {
            Some(status) => error.with_status(status),
            None => error,
        }
    }
}

impl From<LedgerError> for IlError {
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

/// A success: code `"000000"`, message `"success"` and the operation's `data`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Envelope<T> {
    #[schema(schema_with = success_code_schema)]
    code: &'static str,
    #[schema(example = "success")]
    message: String,
    data: T,
}

/// A refused request: one of the codes below and a message naming what was wrong, no
/// `data`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorEnvelope {
    #[schema(schema_with = error_code_schema)]
    code: &'static str,
    message: String,
}

/// The code of every success.
const SUCCESS: &str = "000000";

fn success_code_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum([SUCCESS])
}

/// Every code a refusal carries (quirks.rs, "Error codes").
fn error_code_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(Code::ALL.iter().map(|c| c.as_str()))
}

/// Renders a result in the envelope: the status and the body bytes (so an
/// idempotent repeat can answer the very same bytes).
pub(super) fn render<T: Serialize>(result: Result<T, IlError>) -> (StatusCode, Vec<u8>) {
    let (status, body) = match result {
        Ok(data) => (
            StatusCode::OK,
            crate::http_util::to_json(&Envelope {
                code: SUCCESS,
                message: "success".to_owned(),
                data,
            }),
        ),
        Err(e) => (
            e.status,
            serde_json::to_vec(&ErrorEnvelope {
                code: e.code.as_str(),
                message: e.message,
            }),
        ),
    };
    let body = body.unwrap_or_else(|e| {
        format!(r#"{{"code":"999999","message":"could not render the answer: {e}"}}"#).into_bytes()
    });
    (status, body)
}

/// Like [`render`], but a success answers `data` alone, without the envelope (the
/// un-versioned OAuth paths, quirks.rs); errors keep the envelope.
pub(super) fn render_bare<T: Serialize>(result: Result<T, IlError>) -> (StatusCode, Vec<u8>) {
    match result {
        Ok(data) => match crate::http_util::to_json(&data) {
            Ok(body) => (StatusCode::OK, body),
            Err(e) => render::<()>(Err(IlError::new(
                Code::Internal,
                format!("could not render the answer: {e}"),
            ))),
        },
        Err(e) => render::<()>(Err(e)),
    }
}

pub(super) fn response(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

impl IntoResponse for IlError {
    fn into_response(self) -> Response {
        let internal = (self.code == Code::Internal).then(|| self.message.clone());
        let (status, body) = render::<()>(Err(self));
        let mut response = response(status, body);
        if let Some(message) = internal {
            InternalError::mark(&mut response, &message);
        }
        response
    }
}
