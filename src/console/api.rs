//! The admin routes the console added beyond the rest of the admin API, mounted behind
//! the admin guard by `admin::router`: request signing for providers whose clients sign
//! (HyperCard, through its face: the code `card-sandbox hypercard sign` runs) and the
//! scheduler events due next. Plain admin JSON any client may call; README's Admin API table lists
//! them.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::admin::wire::ClockView;
use crate::admin::{AdminError, AdminJson, AdminQuery};
use crate::ids::IdGen;
use crate::providers::{Provider, SignOptions};
use crate::request::AppState;
use crate::tenant::mode_name;

/// The most due events one answer lists.
const MAX_DUE: usize = 500;
/// Due events listed when the query names no limit.
const DEFAULT_DUE: usize = 20;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignRequest {
    /// The JSON object the request will send, exactly as it will be sent.
    #[schema(value_type = Object)]
    body: Map<String, Value>,
    /// Which credential (HyperCard: merchant `api_key`) signs; absent: the tenant's first.
    api_key: Option<String>,
    /// Unix seconds; absent: the tenant clock's now (the window HyperCard checks).
    timestamp: Option<i64>,
    /// The nonce; absent: 10 fresh lower-case hex characters.
    nonce: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Signed {
    /// Header name to value, in the order they are sent.
    #[schema(value_type = Object)]
    headers: Map<String, Value>,
    /// The same headers as `-H 'name: value'` curl arguments.
    curl_headers: String,
}

/// Nonces differ between two signatures made in the same millisecond.
static NONCES: AtomicU64 = AtomicU64::new(0);

/// `POST /_sandbox/tenants/{t}/{provider}/sign`: the headers that sign a request of a
/// provider whose clients sign each one (HyperCard: `timestamp`, `nonce`, `api-key`,
/// `version`, `lang`, `signature`, with the tenant's merchant private key, as
/// `card-sandbox hypercard sign` prints them). The credentials are read under the tenant
/// lock and the signing done after it, by the provider's face.
#[utoipa::path(
    post,
    path = "/_sandbox/tenants/{tenant}/{provider}/sign",
    tag = "tenants",
    operation_id = "provider_sign",
    summary = "The headers that sign a request (HyperCard)",
    description = "`timestamp`, `nonce`, `api-key`, `version`, `lang` and `signature` for `body`, with the tenant's merchant private key, as `card-sandbox hypercard sign` prints them. Providers whose requests are not signed answer 404.",
    params(("tenant" = String, Path, description = "A tenant id"), ("provider" = String, Path, description = "hypercard")),
    request_body = SignRequest,
    responses(
        (status = 200, description = "The headers, and the same as curl arguments", body = Signed),
        (status = 404, description = "No such tenant, a provider that does not sign, or no such key", body = crate::admin::wire::ErrorBody),
    )
)]
pub(crate) async fn provider_sign(
    State(state): State<AppState>,
    Path((id, provider)): Path<(String, String)>,
    AdminJson(request): AdminJson<SignRequest>,
) -> Result<Json<Signed>, AdminError> {
    let tenant = state.registry.get(&id)?;
    let face = Provider::from_name(&provider).map(Provider::face);
    let (credentials, now) = match face {
        Some(face) => tenant.with(|w| (face.credentials(w), w.now()))?,
        None => (Value::Null, crate::clock::wall_now()),
    };
    let nonce = request.nonce.unwrap_or_else(|| {
        let n = NONCES.fetch_add(1, Ordering::Relaxed);
        let wall = u64::try_from(crate::clock::wall_now().as_millis()).unwrap_or_default();
        IdGen::new(wall ^ n.rotate_left(40)).hex(10)
    });
    let options = SignOptions {
        key: request.api_key,
        timestamp: request.timestamp.unwrap_or_else(|| now.as_secs()),
        nonce,
    };
    let signed = face.and_then(|f| f.sign_request(&credentials, &request.body, &options));
    let headers = match signed {
        Some(Ok(headers)) => headers,
        Some(Err(message)) => {
            return Err(AdminError::new(
                StatusCode::NOT_FOUND,
                "no_signing_key",
                format!("tenant {id:?}: {message}"),
            ));
        }
        None => {
            return Err(AdminError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{provider:?} requests are not signed (only HyperCard's are)"),
            ));
        }
    };
    let curl_headers = headers
        .iter()
        .map(|(name, value)| format!("-H '{name}: {}'", value.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Json(Signed {
        headers: headers
            .into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect(),
        curl_headers,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct DueQuery {
    /// 1 to 500; 20 by default.
    limit: Option<usize>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DueEvents {
    #[serde(flatten)]
    clock: ClockView,
    /// How many times faster than the wall clock the tenant clock runs.
    scale: u32,
    /// Every pending event, due or not.
    pending: usize,
    /// The first `limit` pending events, soonest first.
    events: Vec<DueEvent>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct DueEvent {
    due: String,
    due_ms: i64,
    kind: String,
    data: std::collections::BTreeMap<String, String>,
}

/// `GET /_sandbox/tenants/{t}/clock/due?limit=`: the tenant clock with its scale and the
/// scheduler events due next (what the next clock advance would run), soonest first.
#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}/clock/due",
    tag = "clock",
    operation_id = "clock_due",
    summary = "The scheduler events due next",
    description = "What the next clock advance would run, soonest first, with the clock and its scale.",
    params(("tenant" = String, Path, description = "A tenant id"), DueQuery),
    responses((status = 200, description = "The clock and the next events", body = DueEvents))
)]
pub(crate) async fn clock_due(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminQuery(query): AdminQuery<DueQuery>,
) -> Result<Json<DueEvents>, AdminError> {
    let limit = query.limit.unwrap_or(DEFAULT_DUE);
    if !(1..=MAX_DUE).contains(&limit) {
        return Err(AdminError::bad_request(format!(
            "limit must be between 1 and {MAX_DUE}, got {limit}"
        )));
    }
    let tenant = state.registry.get(&id)?;
    let due = tenant.with(|w| DueEvents {
        clock: ClockView::of(w.now(), mode_name(&w.clock)),
        scale: w.clock.scale(),
        pending: w.scheduler.pending().count(),
        events: w
            .scheduler
            .pending()
            .take(limit)
            .map(|e| DueEvent {
                due: e.due.to_rfc3339(),
                due_ms: e.due.as_millis(),
                kind: e.kind.clone(),
                data: e.data.clone(),
            })
            .collect(),
    })?;
    Ok(Json(due))
}
