//! The token-checking extractor of Interlace's endpoints: `x-access-token`, the tenant
//! from `X-Sandbox-Tenant` or the token, the query and JSON body, and the
//! `Idempotency-Key`. [`Authed::run`] checks the token under the tenant lock and, for a
//! POST/PUT/PATCH with a key and a body `accountId`, answers a repeat with the first
//! answer's very bytes (key = accountId + Idempotency-Key + path, as Interlace's idempotency page says).

use std::sync::Arc;

use axum::Extension;
use axum::extract::{FromRequest, Query as AxumQuery, Request};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::{self, Code, IlError};
use super::ops;
use super::state::Remembered;
use super::wire::{Body, Query};
use crate::file_links::FileLinks;
use crate::http_util::header_text;
use crate::providers::Provider;
use crate::request::{self, AppState, InternalError, ResolvedTenant, Unresolved};
use crate::tenant::{Tenant, World};

/// The credential key an access token is filed under in the registry.
pub(crate) fn token_key(token: &str) -> String {
    format!("token:{token}")
}

/// The credential key a clientId is filed under in the registry.
pub(crate) fn client_key(client_id: &str) -> String {
    format!("client:{client_id}")
}

/// The tenant named by `X-Sandbox-Tenant`, else the one a credential key belongs to.
pub(super) fn tenant_for(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
) -> Result<Arc<Tenant>, IlError> {
    request::resolve_tenant(&state.registry, Provider::Interlace, headers, || Some(key.to_owned()))
        .map_err(|e| match e {
            Unresolved::UnknownTenant(_) | Unresolved::Ambiguous(_) => {
                IlError::unauthorized(e.to_string())
            }
            Unresolved::UnknownCredential => IlError::unauthorized(
                "unknown credential; get an access token through oauth/authorize and oauth/access-token with a clientId a tenant view lists, or use the tenant's base URL /t/{tenant}",
            ),
        })
}

/// Reads the body as a JSON object (empty for GET or an empty body).
pub(super) async fn read_body(req: Request) -> Result<Body, IlError> {
    request::read_object(req).await.map_err(IlError::from)
}

/// A request whose tenant is known (its token is checked by `run`).
#[derive(Debug)]
pub(crate) struct Authed {
    tenant: Arc<Tenant>,
    token: String,
    pub(crate) body: Body,
    pub(crate) query: Query,
    /// (Idempotency-Key, path) for POST/PUT/PATCH requests that sent a key.
    idempotency: Option<(String, String)>,
    /// How links to the tenant's files are written (`negativeUrl`, `fileUrl`).
    pub(super) files: FileLinks,
}

impl FromRequest<AppState> for Authed {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut authed, req) = Self::head_only(req, state).map_err(IntoResponse::into_response)?;
        authed.body = read_body(req).await.map_err(IntoResponse::into_response)?;
        Ok(authed)
    }
}

impl Authed {
    /// The token, tenant, query and `Idempotency-Key` of a request whose body the
    /// handler reads itself (a multipart upload); the body stays in the request.
    pub(crate) fn head_only(req: Request, state: &AppState) -> Result<(Self, Request), IlError> {
        let headers = req.headers();
        let query = AxumQuery::<Query>::try_from_uri(req.uri())
            .map(|q| q.0)
            .map_err(|e| IlError::param(format!("bad query string: {}", e.body_text())))?;
        let token = header_text(headers, "x-access-token")
            .ok_or_else(|| IlError::unauthorized("the x-access-token header is required"))?;
        let tenant = tenant_for(state, headers, &token_key(&token))?;
        let idempotency = (matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH))
            .then(|| header_text(headers, "idempotency-key"))
            .flatten()
            .map(|key| (key, req.uri().path().to_owned()));
        let files = state.registry.file_links(&tenant.id);
        let authed = Self {
            tenant,
            token,
            body: Body::new(),
            query,
            idempotency,
            files,
        };
        Ok((authed, req))
    }

    /// Checks the token and runs `op` under the tenant lock, answering a repeated
    /// idempotent request with the first answer.
    pub(crate) fn run<T: Serialize>(
        &self,
        op: impl FnOnce(&mut World, &Self) -> Result<T, IlError>,
    ) -> Response {
        let mut internal = None;
        let outcome = self.tenant.with(|w| {
            if let Err(e) = ops::check_token(w, &self.token) {
                return error::render::<()>(Err(e));
            }
            let key = self.idempotency.as_ref().and_then(|(key, path)| {
                let account = self.body.get("accountId")?.as_str()?;
                Some((format!("{account}\n{key}\n{path}"), key.as_str()))
            });
            let request: [u8; 32] = key.as_ref().map_or([0; 32], |_| {
                Sha256::digest(serde_json::to_vec(&self.body).unwrap_or_default()).into()
            });
            if let Some((first, sent)) = key
                .as_ref()
                .and_then(|(k, sent)| Some((w.interlace.idempotency.get(k)?, sent)))
            {
                if first.request != request {
                    return error::render::<()>(Err(IlError::param(format!(
                        "Idempotency-Key {sent:?} was used with another body on this path; a key answers one request only (send a new key for a new request)"
                    ))));
                }
                return (
                    StatusCode::from_u16(first.status).unwrap_or(StatusCode::OK),
                    first.body.clone(),
                );
            }
            let result = op(w, self);
            let succeeded = result.is_ok();
            if let Err(e) = &result
                && e.code == Code::Internal
            {
                internal = Some(e.message.clone());
            }
            let (status, body) = error::render(result);
            if let (Some((key, _)), true) = (key, succeeded) {
                w.interlace.idempotency.insert(
                    key,
                    Remembered {
                        status: status.as_u16(),
                        body: body.clone(),
                        request,
                    },
                );
            }
            (status, body)
        });
        let resolved = Extension(ResolvedTenant(self.tenant.id.clone()));
        match outcome {
            Ok((status, body)) => {
                let mut response = (resolved, error::response(status, body)).into_response();
                if let Some(message) = internal {
                    InternalError::mark(&mut response, &message);
                }
                response
            }
            Err(e) => (
                resolved,
                IlError::new(super::error::Code::Internal, e.to_string()),
            )
                .into_response(),
        }
    }
}
