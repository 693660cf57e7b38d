//! HyperCard's errors and its envelope `{"code","msg","data"}`. Every answer is HTTP 200
//! (business and auth errors alike, as HyperCard does), except unknown routes (404) and
//! oversized bodies (413), which still carry the envelope.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ledger::LedgerError;
use crate::request::{BodyError, InternalError};

/// The error codes the sandbox answers with (HyperCard's error-code appendix; quirks.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Client error: an operation that conflicts with the card's state, an unknown
    /// operation reference.
    A0000,
    /// Signature error (also: unknown api-key or tenant).
    A0001,
    /// Timestamp more than 300 s from the tenant clock.
    A0002,
    /// Parameter error.
    A0003,
    /// Card does not exist.
    A0004,
    /// Duplicated request (reused nonce, `mc_trade_no` or `request_number`).
    A0005,
    /// Insufficient balance.
    A0006,
    /// An incomplete application for the same card type exists.
    A0008,
    /// Card does not support recharge.
    A0010,
    /// Card application not currently supported.
    A0011,
    /// Internal error.
    B0000,
}

impl Code {
    /// Every error code, in the appendix's order.
    pub const ALL: [Self; 11] = [
        Self::A0000,
        Self::A0001,
        Self::A0002,
        Self::A0003,
        Self::A0004,
        Self::A0005,
        Self::A0006,
        Self::A0008,
        Self::A0010,
        Self::A0011,
        Self::B0000,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A0000 => "A0000",
            Self::A0001 => "A0001",
            Self::A0002 => "A0002",
            Self::A0003 => "A0003",
            Self::A0004 => "A0004",
            Self::A0005 => "A0005",
            Self::A0006 => "A0006",
            Self::A0008 => "A0008",
            Self::A0010 => "A0010",
            Self::A0011 => "A0011",
            Self::B0000 => "B0000",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} {msg}", code.as_str())]
pub struct HcError {
    pub code: Code,
    pub msg: String,
    /// HTTP status: 200 unless the route is unknown or the body too large.
    pub status: StatusCode,
}

impl HcError {
    pub fn new(code: Code, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
            status: StatusCode::OK,
        }
    }

    pub fn param(msg: impl Into<String>) -> Self {
        Self::new(Code::A0003, msg)
    }

    pub fn card_not_found(card_id: &str) -> Self {
        Self::new(Code::A0004, format!("card {card_id} does not exist"))
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

/// A body the shared reader refused, in this provider's envelope (413 for one too large).
impl From<BodyError> for HcError {
    fn from(e: BodyError) -> Self {
        let status = e.status();
        let error = Self::param(e.to_string());
        match status {
            Some(status) => error.with_status(status),
            None => error,
        }
    }
}

impl From<LedgerError> for HcError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::InsufficientFunds { .. } => Self::new(Code::A0006, e.to_string()),
            LedgerError::TooPrecise { .. } | LedgerError::NotPositive(_) => {
                Self::param(e.to_string())
            }
            other => Self::new(Code::B0000, format!("internal ledger error: {other}")),
        }
    }
}

/// The envelope, on every answer: `code` "00000" and `msg` "ok" on success, with
/// `data` unless the endpoint answers none; an error code and its message otherwise,
/// without `data`, as HyperCard does.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Envelope<T> {
    #[schema(schema_with = code_schema)]
    pub(super) code: &'static str,
    pub(super) msg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) data: Option<T>,
}

/// "00000" and every error code (quirks.rs).
fn code_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(
        std::iter::once("00000").chain(Code::ALL.iter().map(|c| c.as_str())),
    )
}

impl IntoResponse for HcError {
    fn into_response(self) -> Response {
        let internal = (self.code == Code::B0000).then(|| self.msg.clone());
        let body: Envelope<()> = Envelope {
            code: self.code.as_str(),
            msg: self.msg,
            data: None,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(message) = internal {
            InternalError::mark(&mut response, &message);
        }
        response
    }
}

/// A successful answer: `{"code":"00000","msg":"ok","data":...}`.
#[derive(Debug)]
pub(super) struct Ok<T>(pub(super) T);

impl<T: Serialize> IntoResponse for Ok<T> {
    /// Data that renders as nothing (an operation's answer, an unknown recharge
    /// reference) is left out, so the envelope carries only `code` and `msg`. The data
    /// is written straight into the answer's buffer, after the envelope's head: the same
    /// bytes as serializing an [`Envelope`], without a `serde_json::Value` in between.
    fn into_response(self) -> Response {
        const HEAD: &[u8] = br#"{"code":"00000","msg":"ok""#;
        const DATA: &[u8] = br#","data":"#;
        let mut out = Vec::with_capacity(crate::http_util::ANSWER_CAPACITY);
        out.extend_from_slice(HEAD);
        out.extend_from_slice(DATA);
        if let Err(e) = serde_json::to_writer(&mut out, &self.0) {
            return HcError::new(Code::B0000, format!("could not render the answer: {e}"))
                .into_response();
        }
        if out.ends_with(b"null") && out.len() == HEAD.len() + DATA.len() + 4 {
            out.truncate(HEAD.len());
        }
        out.push(b'}');
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            crate::http_util::fitted(out),
        )
            .into_response()
    }
}
