//! The admin API's error shape, `{"error":{"code","message"}}`, its status codes
//! (404 unknown tenant, 413 oversized body, 400 malformed or wrong type, 409
//! well-formed but impossible), and the body and query extractors whose
//! rejections come out in that shape.

use axum::Json;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::wire::{ErrorBody, ErrorDetail};
use crate::request::InternalError;
use crate::tenant::TenantError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AdminError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl AdminError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let internal =
            (self.status == StatusCode::INTERNAL_SERVER_ERROR).then(|| self.message.clone());
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(message) = internal {
            InternalError::mark(&mut response, &message);
        }
        response
    }
}

impl From<TenantError> for AdminError {
    fn from(e: TenantError) -> Self {
        let (status, code) = match &e {
            TenantError::NotFound(_) => (StatusCode::NOT_FOUND, "tenant_not_found"),
            TenantError::Exists(_) => (StatusCode::CONFLICT, "tenant_exists"),
            TenantError::InvalidId(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            TenantError::UnknownScenario { .. } => (StatusCode::BAD_REQUEST, "unknown_scenario"),
            TenantError::Scenario(_) => (StatusCode::BAD_REQUEST, "invalid_scenario"),
            TenantError::Clock(_) => (StatusCode::CONFLICT, "clock_backwards"),
            TenantError::Corrupted(_) => (StatusCode::INTERNAL_SERVER_ERROR, "tenant_corrupted"),
        };
        Self::new(status, code, e.to_string())
    }
}

/// A JSON body parsed with the admin API's errors: any content type is read as JSON, an
/// empty body counts as `{}`, and a wrong field is named by its path.
#[derive(Debug)]
pub(crate) struct AdminJson<T>(pub(crate) T);

impl<S, T> FromRequest<S> for AdminJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AdminError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| body_error(&e))?;
        let value: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Object(serde_json::Map::new())
        } else {
            serde_json::from_slice(&bytes).map_err(|e| {
                AdminError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_json",
                    format!("the body is not valid JSON: {e}"),
                )
            })?
        };
        if !value.is_object() {
            return Err(AdminError::bad_request(format!(
                "the body must be a JSON object, got {}",
                crate::http_util::json_kind(&value)
            )));
        }
        Ok(Self(from_value(value)?))
    }
}

/// `value` as a `T`, a wrong field named by its path (as [`AdminJson`] names it).
pub(crate) fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AdminError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        AdminError::bad_request(format!("{path}: {}", e.into_inner()))
    })
}

fn body_error(rejection: &BytesRejection) -> AdminError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AdminError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "the body is larger than the {} byte limit",
                crate::request::BODY_LIMIT
            ),
        )
    } else {
        AdminError::bad_request(format!(
            "could not read the body: {}",
            rejection.body_text()
        ))
    }
}

/// Query parameters parsed with the admin API's errors.
#[derive(Debug)]
pub(crate) struct AdminQuery<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for AdminQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e: QueryRejection| {
                let text = e.body_text();
                let reason = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text);
                AdminError::bad_request(format!("bad query string: {reason}"))
            })
    }
}
