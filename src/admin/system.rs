//! Health, readiness, metrics and the request journal.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::{AdminError, AdminQuery};
use super::wire::{Health, RequestList, RequestView, RequestsQuery};
use crate::request::AppState;
use crate::tenant::RequestFilter;

/// The most journal records one answer carries unless `limit` says otherwise.
pub(super) const DEFAULT_REQUEST_LIMIT: usize = 100;
/// The most `limit` may ask for.
pub(crate) const MAX_REQUEST_LIMIT: usize = 10_000;

pub(super) async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: crate::VERSION,
    })
}

pub(super) async fn ready(State(state): State<AppState>) -> Response {
    if state.is_ready() {
        Json(Health {
            status: "ready",
            version: crate::VERSION,
        })
        .into_response()
    } else {
        AdminError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the sandbox is still loading its startup scenarios",
        )
        .into_response()
    }
}

pub(super) async fn metrics(State(state): State<AppState>) -> Response {
    let tenants = state.registry.list();
    let mut webhooks = crate::metrics::WebhookGauges::default();
    for tenant in &tenants {
        let _ = tenant.with(|w| w.webhooks.gauges(&mut webhooks));
    }
    let body = state.metrics.render(tenants.len(), &webhooks);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

pub(super) async fn requests_list(
    State(state): State<AppState>,
    AdminQuery(query): AdminQuery<RequestsQuery>,
) -> Result<Json<RequestList>, AdminError> {
    if let Some(t) = &query.tenant {
        state.registry.get(t)?;
    }
    if let Some(limit) = query.limit
        && !(1..=MAX_REQUEST_LIMIT).contains(&limit)
    {
        return Err(AdminError::bad_request(format!(
            "limit must be 1 to {MAX_REQUEST_LIMIT}, got {limit}"
        )));
    }
    let records = state.registry.requests(&RequestFilter {
        tenant: query.tenant,
        provider: query.provider,
        path: query.path,
        limit: Some(query.limit.unwrap_or(DEFAULT_REQUEST_LIMIT)),
    });
    Ok(Json(RequestList {
        requests: records.into_iter().map(RequestView::from).collect(),
    }))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClearQuery {
    tenant: Option<String>,
}

pub(super) async fn requests_clear(
    State(state): State<AppState>,
    AdminQuery(query): AdminQuery<ClearQuery>,
) -> Result<StatusCode, AdminError> {
    state.registry.clear_requests(query.tenant.as_deref())?;
    Ok(StatusCode::NO_CONTENT)
}
