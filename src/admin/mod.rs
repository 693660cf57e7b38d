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

pub(crate) use error::{AdminError, AdminJson, AdminQuery};

use crate::request::AppState;
use crate::routing::route_list;

route_list! {
    /// The operations that answer without the admin token. Provider clients follow file
    /// links without it too: the file handler checks the link's key itself.
    fn open_routes, open_plain(openapi::admin_base()) {
        (system::health);
        (system::ready);
        (openapi::list);
        (openapi::document);
        (tenants::file);
    }
}

route_list! {
    /// The operations behind the admin guard (token, then readiness).
    fn guarded_routes, guarded_plain(utoipa::openapi::OpenApiBuilder::new().build()) {
        (scenarios::list);
        (tenants::list, tenants::create);
        (tenants::show, tenants::delete);
        (tenants::reset);
        (tenants::export);
        (tenants::invariants);
        (tenants::clock_show, tenants::clock_change);
        // What the demo console needs beyond the other routes (src/console/api.rs).
        (crate::console::api::clock_due);
        (crate::console::api::provider_sign);
        (tenants::simulate);
        (requests::list, requests::clear);
        (requests::verify);
        (system::requests_list, system::requests_clear);
        (system::metrics);
        (faults::list, faults::add, faults::clear);
        (faults::show, faults::remove);
        (webhooks::list);
        (webhooks::config_show, webhooks::config_replace);
        (webhooks::redeliver);
        (tenants::provider_list);
    }
}

pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let guarded = guarded_plain().into_router();
    open_plain()
        .into_router()
        .merge(guarded.route_layer(from_fn_with_state(state.clone(), guard)))
}

/// The admin API's OpenAPI document, from the same route lists as [`router`].
pub(crate) fn document() -> utoipa::openapi::OpenApi {
    openapi::finish_admin(open_routes().merge(guarded_routes()).into_openapi())
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

#[cfg(test)]
mod route_tests {
    #[test]
    fn the_router_routes_what_the_document_documents() {
        let mut routes = super::open_plain();
        routes = routes.merge(super::guarded_plain());
        routes.assert_routes_documented(&super::document());
    }
}
