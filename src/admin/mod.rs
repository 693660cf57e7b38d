//! The admin API under `/_sandbox/`: health and readiness,
//! tenants, clock, export, invariants, simulation, the request journal and metrics.
//!
//! Our own JSON (see `wire`), errors as `{"error":{"code","message"}}`. Never faulted or
//! delayed. With `--admin-token`, every route but health, ready and file links needs
//! `Authorization: Bearer <token>` (a file link opens with its own key, see
//! `file_links`); until the startup scenarios are loaded, tenant routes answer 503.

mod error;
mod faults;
mod openapi;
mod requests;
mod scenarios;
mod system;
mod tenants;
mod webhooks;
pub(crate) mod wire;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub(crate) use error::{AdminError, AdminJson, AdminQuery};

use crate::request::AppState;

pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let open = Router::new()
        .route("/_sandbox/health", get(system::health))
        .route("/_sandbox/ready", get(system::ready))
        .route("/_sandbox/openapi", get(openapi::list))
        .route("/_sandbox/openapi/{file}", get(openapi::document))
        // Provider clients follow file links without the admin token: the handler
        // checks the link's key itself.
        .route(
            "/_sandbox/files/{tenant}/{provider}/{kind}/{name}",
            get(tenants::file),
        );
    let guarded = Router::new()
        .merge(scenarios::routes())
        .route(
            "/_sandbox/tenants",
            get(tenants::list).post(tenants::create),
        )
        .route(
            "/_sandbox/tenants/{tenant}",
            get(tenants::show).delete(tenants::delete),
        )
        .route("/_sandbox/tenants/{tenant}/reset", post(tenants::reset))
        .route("/_sandbox/tenants/{tenant}/export", get(tenants::export))
        .route(
            "/_sandbox/tenants/{tenant}/invariants",
            get(tenants::invariants),
        )
        .route(
            "/_sandbox/tenants/{tenant}/clock",
            get(tenants::clock_show).post(tenants::clock_change),
        )
        // What the demo console needs beyond the other routes (src/console/api.rs).
        .route(
            "/_sandbox/tenants/{tenant}/clock/due",
            get(crate::console::api::clock_due),
        )
        .route(
            "/_sandbox/tenants/{tenant}/{provider}/sign",
            post(crate::console::api::provider_sign),
        )
        .route(
            "/_sandbox/tenants/{tenant}/simulate/{provider}/{event}",
            post(tenants::simulate),
        )
        .route(
            "/_sandbox/tenants/{tenant}/requests",
            get(requests::list).delete(requests::clear),
        )
        .route(
            "/_sandbox/tenants/{tenant}/requests/verify",
            post(requests::verify),
        )
        .route(
            "/_sandbox/requests",
            get(system::requests_list).delete(system::requests_clear),
        )
        .route("/_sandbox/metrics", get(system::metrics))
        .route(
            "/_sandbox/faults",
            get(faults::list).post(faults::add).delete(faults::clear),
        )
        .route(
            "/_sandbox/faults/{id}",
            get(faults::show).delete(faults::remove),
        )
        .route("/_sandbox/tenants/{tenant}/webhooks", get(webhooks::list))
        .route(
            "/_sandbox/tenants/{tenant}/webhooks/config",
            get(webhooks::config_show).put(webhooks::config_replace),
        )
        .route(
            "/_sandbox/tenants/{tenant}/webhooks/{id}/redeliver",
            post(webhooks::redeliver),
        )
        .route(
            "/_sandbox/tenants/{tenant}/{provider}/{list}",
            get(tenants::provider_list),
        )
        .route_layer(from_fn_with_state(state.clone(), guard));
    open.merge(guarded)
}

/// Whether the request sends `Authorization: Bearer {token}`.
fn bearer_is(headers: &header::HeaderMap, token: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        == Some(token)
}

/// Admin token check, then readiness (metrics answer before the sandbox is ready).
async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(token) = &state.settings.admin_token
        && !bearer_is(req.headers(), token)
    {
        return AdminError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this sandbox was started with --admin-token; send Authorization: Bearer <token>",
        )
        .into_response();
    }
    if !state.is_ready() && req.uri().path() != "/_sandbox/metrics" {
        return AdminError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the sandbox is still loading its startup scenarios; poll GET /_sandbox/ready",
        )
        .into_response();
    }
    next.run(req).await
}
