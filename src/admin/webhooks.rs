//! `/_sandbox/tenants/{t}/webhooks`: a tenant's webhook configuration, its delivery
//! journal with every attempt, and redelivery.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{AdminError, AdminJson};
use super::wire::ErrorBody;
use crate::clock::Timestamp;
use crate::request::AppState;
use crate::webhooks::{Attempt, Delivery, Status, WebhookConfig};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct DeliveryList {
    deliveries: Vec<DeliveryView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct DeliveryView {
    id: String,
    provider: &'static str,
    event: String,
    event_id: String,
    created_at: String,
    #[schema(value_type = String, example = "delivered")]
    status: Status,
    next_attempt_at: Option<String>,
    error: Option<String>,
    duplicate_of: Option<String>,
    #[schema(value_type = Object)]
    payload: Value,
    attempts: Vec<AttemptView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct AttemptView {
    at: String,
    url: String,
    #[schema(value_type = Object)]
    request_headers: Map<String, Value>,
    request_body: String,
    response_status: Option<u16>,
    response_body: Option<String>,
    latency_ms: u64,
    delayed_ms: u64,
    ok: bool,
    error: Option<String>,
}

impl From<&Delivery> for DeliveryView {
    fn from(d: &Delivery) -> Self {
        Self {
            id: d.id.clone(),
            provider: d.provider.name(),
            event: d.event.clone(),
            event_id: d.event_id.clone(),
            created_at: d.created_at.to_rfc3339(),
            status: d.status,
            next_attempt_at: d.next_attempt_at.map(Timestamp::to_rfc3339),
            error: d.error.clone(),
            duplicate_of: d.duplicate_of.clone(),
            payload: d.payload.clone(),
            attempts: d.attempts.iter().map(AttemptView::from).collect(),
        }
    }
}

impl From<&Attempt> for AttemptView {
    fn from(a: &Attempt) -> Self {
        Self {
            at: a.at.to_rfc3339(),
            url: a.url.clone(),
            request_headers: a
                .request_headers
                .iter()
                .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                .collect(),
            request_body: a.request_body.clone(),
            response_status: a.response_status,
            response_body: a.response_body.clone(),
            latency_ms: a.latency_ms,
            delayed_ms: a.delayed_ms,
            ok: a.ok,
            error: a.error.clone(),
        }
    }
}

#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}/webhooks/config",
    tag = "webhooks",
    operation_id = "webhook_config_show",
    summary = "Where the tenant's webhooks go, and how they misbehave",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 200, description = "`{\"<provider>\": {\"url\"}, \"queue_limit\", \"misbehaviour\"}`", body = Object))
)]
pub(super) async fn config_show(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
) -> Result<Json<WebhookConfig>, AdminError> {
    let tenant = state.registry.get(&tenant)?;
    Ok(Json(tenant.with(|w| w.webhooks.config.clone())?))
}

/// `PUT .../webhooks/config`: replaces the configuration (events already queued keep
/// going to the provider's current URL).
#[utoipa::path(
    put,
    path = "/_sandbox/tenants/{tenant}/webhooks/config",
    tag = "webhooks",
    operation_id = "webhook_config_replace",
    summary = "Replace the tenant's webhook configuration",
    params(("tenant" = String, Path, description = "A tenant id")),
    request_body(content = Object, description = "`{\"<provider>\": {\"url\"}, \"queue_limit\", \"misbehaviour\"}` (README, \"Webhooks\")"),
    responses((status = 200, description = "The configuration as stored", body = Object))
)]
pub(super) async fn config_replace(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    AdminJson(config): AdminJson<WebhookConfig>,
) -> Result<Json<WebhookConfig>, AdminError> {
    let tenant = state.registry.get(&tenant)?;
    config.validate().map_err(|(field, message)| {
        AdminError::new(
            StatusCode::BAD_REQUEST,
            "invalid_webhooks",
            format!("{field}: {message}"),
        )
    })?;
    tenant.with(|w| w.webhooks.config = config.clone())?;
    Ok(Json(config))
}

/// `GET .../webhooks`: every delivery, newest first, with its attempts.
#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}/webhooks",
    tag = "webhooks",
    operation_id = "webhooks_list",
    summary = "Every webhook delivery, newest first, with its attempts",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 200, description = "The deliveries", body = DeliveryList))
)]
pub(super) async fn list(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
) -> Result<Json<DeliveryList>, AdminError> {
    let tenant = state.registry.get(&tenant)?;
    let deliveries = tenant.with(|w| w.webhooks.deliveries().map(DeliveryView::from).collect())?;
    Ok(Json(DeliveryList { deliveries }))
}

/// `POST .../webhooks/{id}/redeliver`: sends the delivery again now with a fresh retry
/// schedule.
#[utoipa::path(
    post,
    path = "/_sandbox/tenants/{tenant}/webhooks/{id}/redeliver",
    tag = "webhooks",
    operation_id = "webhook_redeliver",
    summary = "Send a delivery again now, with a fresh retry schedule",
    params(("tenant" = String, Path, description = "A tenant id"), ("id" = String, Path, description = "A delivery id")),
    responses(
        (status = 200, description = "The delivery", body = DeliveryView),
        (status = 404, description = "No such tenant or delivery", body = ErrorBody),
    )
)]
pub(super) async fn redeliver(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
) -> Result<Json<DeliveryView>, AdminError> {
    let tenant = state.registry.get(&tenant)?;
    tenant
        .with(|w| {
            let now = w.now();
            w.webhooks.redeliver(&id, now).map(DeliveryView::from)
        })?
        .map(Json)
        .ok_or_else(|| {
            AdminError::new(
                StatusCode::NOT_FOUND,
                "delivery_not_found",
                format!(
                    "no webhook delivery {id:?}; GET /_sandbox/tenants/{{t}}/webhooks lists them"
                ),
            )
        })
}
