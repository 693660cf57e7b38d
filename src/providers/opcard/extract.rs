//! The token-checking extractor of OPCard's endpoints: `Authorization: <token>` (a
//! `Bearer ` prefix is accepted too), the tenant from `X-Sandbox-Tenant` or the token,
//! and the JSON body. [`Authed::run`] checks the token's expiry under the tenant lock,
//! draws the request's trace id from the tenant's id stream and renders the envelope.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::{OpError, Reply};
use super::ops;
use super::wire::Body;
use crate::http_util::header_text;
use crate::providers::Provider;
use crate::request::{self, AppState, ResolvedTenant, Unresolved};
use crate::tenant::{Tenant, World};

/// An OPCard request whose tenant is known (its token is checked by `run`).
#[derive(Debug)]
pub(super) struct Authed {
    tenant: Arc<Tenant>,
    token: String,
    pub(super) body: Body,
}

/// The credential key a token is filed under in the registry.
pub(crate) fn token_key(token: &str) -> String {
    format!("token:{token}")
}

/// The credential key an app_key is filed under in the registry.
pub(crate) fn app_key(app_key: &str) -> String {
    format!("app:{app_key}")
}

/// An error answered before any tenant is known: its trace id comes from the server's
/// own seeded stream.
pub(super) fn early(state: &AppState, error: OpError) -> Response {
    Reply::<()> {
        trace_id: state.registry.next_trace_id(),
        result: Err(error),
    }
    .into_response()
}

/// Reads the body as a JSON object (empty for GET or an empty body).
pub(super) async fn read_body(req: Request) -> Result<Body, OpError> {
    request::read_object(req).await.map_err(OpError::from)
}

/// The tenant named by `X-Sandbox-Tenant`, else the one a credential key belongs to.
pub(super) fn tenant_for(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
) -> Result<Arc<Tenant>, OpError> {
    request::resolve_tenant(&state.registry, Provider::Opcard, headers, || Some(key.to_owned()))
        .map_err(|e| match e {
            Unresolved::UnknownTenant(_) | Unresolved::Ambiguous(_) => {
                OpError::unauthorized(e.to_string())
            }
            Unresolved::UnknownCredential => OpError::unauthorized(
                "unknown credential; use a token from POST /card-api/v1/auth/token or a static token a tenant view lists, or the tenant's base URL /t/{tenant}",
            ),
        })
}

impl FromRequest<AppState> for Authed {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (headers, req) = crate::http_util::take_headers(req);
        let token = header_text(&headers, header::AUTHORIZATION.as_str())
            .map(|t| t.strip_prefix("Bearer ").map(str::to_owned).unwrap_or(t))
            .ok_or_else(|| {
                early(
                    state,
                    OpError::unauthorized(
                        "the Authorization header is required: Authorization: <token>",
                    ),
                )
            })?;
        let tenant =
            tenant_for(state, &headers, &token_key(&token)).map_err(|e| early(state, e))?;
        let body = read_body(req).await.map_err(|e| early(state, e))?;
        Ok(Self {
            tenant,
            token,
            body,
        })
    }
}

impl Authed {
    /// Checks the token and runs `op` under the tenant lock.
    pub(super) fn run<T: Serialize>(
        &self,
        op: impl FnOnce(&mut World, &Body) -> Result<T, OpError>,
    ) -> Response {
        let outcome = self.tenant.with(|w| {
            let trace_id = w.ids.hex(32);
            let result = ops::check_token(w, &self.token).and_then(|()| op(w, &self.body));
            Reply { trace_id, result }
        });
        let resolved = Extension(ResolvedTenant(self.tenant.id.clone()));
        match outcome {
            Ok(reply) => (resolved, reply).into_response(),
            Err(e) => (
                resolved,
                Reply::<()> {
                    trace_id: "0".repeat(32),
                    result: Err(OpError::new(super::error::Code::Internal, e.to_string())),
                },
            )
                .into_response(),
        }
    }
}
