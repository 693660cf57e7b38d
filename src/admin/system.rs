//! Health, readiness, metrics and the request journal.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::{AdminError, AdminQuery};
use super::wire::{ErrorBody, Health, RequestList, RequestView, RequestsQuery};
use crate::request::AppState;
use crate::tenant::RequestFilter;

/// The most journal records one answer carries unless `limit` says otherwise.
pub(super) const DEFAULT_REQUEST_LIMIT: usize = 100;
/// The most `limit` may ask for.
pub(crate) const MAX_REQUEST_LIMIT: usize = 10_000;

#[utoipa::path(
    get,
    path = "/_sandbox/health",
    tag = "system",
    operation_id = "health",
    summary = "Whether the process answers",
    description = "Answers at once, before the startup scenarios are loaded, and without the admin token.",
    security(()),
    responses((status = 200, description = "Up", body = Health))
)]
pub(super) async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: crate::VERSION,
    })
}

#[utoipa::path(
    get,
    path = "/_sandbox/ready",
    tag = "system",
    operation_id = "ready",
    summary = "Whether the startup scenarios are loaded",
    description = "503 until every startup tenant is built; then 200. Needs no admin token.",
    security(()),
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Still loading", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    get,
    path = "/_sandbox/metrics",
    tag = "system",
    operation_id = "metrics",
    summary = "Prometheus metrics",
    description = "Requests by provider, route template, method and status, latency histograms, faults fired, tenants and webhook gauges, in Prometheus' text format. Answers before the sandbox is ready.",
    responses((status = 200, description = "The metrics", content_type = "text/plain; version=0.0.4; charset=utf-8", body = String))
)]
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

#[utoipa::path(
    get,
    path = "/_sandbox/requests",
    tag = "requests",
    operation_id = "journal_list",
    summary = "The request journal across tenants",
    description = "The newest journaled requests first, of every tenant and of requests that named none; `tenant` names one (404 when unknown). `limit` is 1 to 10000 (100 by default).",
    params(RequestsQuery),
    responses((status = 200, description = "Journaled requests", body = RequestList))
)]
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

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct ClearQuery {
    /// The tenant whose journal to clear; absent: every journal.
    tenant: Option<String>,
}

#[utoipa::path(
    delete,
    path = "/_sandbox/requests",
    tag = "requests",
    operation_id = "journal_clear",
    summary = "Forget journaled requests",
    description = "Every journal, or `tenant`'s alone (404 when unknown).",
    params(ClearQuery),
    responses((status = 204, description = "Forgotten"))
)]
pub(super) async fn requests_clear(
    State(state): State<AppState>,
    AdminQuery(query): AdminQuery<ClearQuery>,
) -> Result<StatusCode, AdminError> {
    state.registry.clear_requests(query.tenant.as_deref())?;
    Ok(StatusCode::NO_CONTENT)
}
