//! Tenant routes: list, create, show, delete, reset, export, invariants, clock and
//! simulation. Building a world can take a while for big scenarios, so create, reset
//! and export run on the blocking pool.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::error::{AdminError, AdminJson};
use super::wire::{
    ClockChange, ClockChanged, ClockView, CreateTenant, ErrorBody, Invariants, TenantList,
    TenantSummary, TenantView,
};
use crate::clock::Timestamp;
use crate::providers::Provider;
use crate::request::AppState;
use crate::scenario::{self, NamedScenario};
use crate::tenant::{RunReport, TenantError, mode_name};

/// The longest single clock advance: a century, in seconds.
const MAX_ADVANCE_SECONDS: f64 = 100.0 * 366.0 * 86_400.0;

#[utoipa::path(
    get,
    path = "/_sandbox/tenants",
    tag = "tenants",
    operation_id = "tenants_list",
    summary = "Every tenant, and the scenarios a tenant can be made from",
    responses((status = 200, description = "Tenants and scenario names", body = TenantList))
)]
pub(super) async fn list(State(state): State<AppState>) -> Result<Json<TenantList>, AdminError> {
    let tenants = state
        .registry
        .list()
        .iter()
        .map(|t| TenantSummary::of(t))
        .collect::<Result<_, _>>()?;
    Ok(Json(TenantList {
        tenants,
        scenarios: state.registry.scenario_names(),
    }))
}

#[utoipa::path(
    post,
    path = "/_sandbox/tenants",
    tag = "tenants",
    operation_id = "tenant_create",
    summary = "A new tenant from a scenario and seed",
    description = "`scenario` is a loaded scenario's name (GET /_sandbox/scenarios) or a whole scenario as YAML; absent, `default`. A registered scenario's world is copied from the one built for the same scenario, seed and start (ARCHITECTURE.md, \"Tenant templates\"). `id` is 1 to 64 of `A-Z a-z 0-9 - _`; absent, one is made.",
    request_body = CreateTenant,
    responses(
        (status = 201, description = "The tenant, with its base URL, credentials and inventory", body = TenantView),
        (status = 409, description = "A tenant with this id exists", body = ErrorBody),
    )
)]
pub(super) async fn create(
    State(state): State<AppState>,
    AdminJson(body): AdminJson<CreateTenant>,
) -> Result<Response, AdminError> {
    let scenario = match body.scenario.as_deref() {
        None => state.registry.scenario("default")?,
        Some(text) if is_inline(text) => Arc::new(NamedScenario {
            name: "inline".to_owned(),
            scenario: scenario::parse("<inline>", text).map_err(TenantError::from)?,
        }),
        Some(name) => state.registry.scenario(name)?,
    };
    let registry = state.registry.clone();
    let public_url = state.settings.public_url.clone();
    let view = blocking(move || {
        let tenant = registry.create(
            body.id,
            scenario,
            body.seed,
            body.credentials.map(Into::into),
        )?;
        TenantView::of(&tenant, &public_url)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// A scenario name is one word; anything with a line break or a colon is YAML.
fn is_inline(text: &str) -> bool {
    text.contains('\n') || text.contains(':')
}

#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}",
    tag = "tenants",
    operation_id = "tenant_show",
    summary = "A tenant with its base URL, credentials and inventory",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 200, description = "The tenant", body = TenantView))
)]
pub(super) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TenantView>, AdminError> {
    let tenant = state.registry.get(&id)?;
    Ok(Json(TenantView::of(&tenant, &state.settings.public_url)?))
}

#[utoipa::path(
    delete,
    path = "/_sandbox/tenants/{tenant}",
    tag = "tenants",
    operation_id = "tenant_delete",
    summary = "Drop a tenant and everything it holds",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 204, description = "Gone"))
)]
pub(super) async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AdminError> {
    state.registry.delete(&id)?;
    crate::memory::release_freed();
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/_sandbox/tenants/{tenant}/reset",
    tag = "tenants",
    operation_id = "tenant_reset",
    summary = "Rebuild a tenant from its scenario, seed and clock start",
    description = "Its journal is kept.",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 200, description = "The tenant as rebuilt", body = TenantView))
)]
pub(super) async fn reset(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TenantView>, AdminError> {
    let registry = state.registry.clone();
    let public_url = state.settings.public_url.clone();
    let view = blocking(move || {
        let tenant = registry.reset(&id)?;
        TenantView::of(&tenant, &public_url)
    })
    .await?;
    crate::memory::release_freed();
    Ok(Json(view))
}

#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}/export",
    tag = "tenants",
    operation_id = "tenant_export",
    summary = "The tenant's state as a scenario file",
    description = "A scenario with a `snapshot`: `POST /_sandbox/tenants` with it as `scenario` gives an equal tenant.",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 200, description = "A scenario file (YAML)", content_type = "application/yaml; charset=utf-8", body = Object))
)]
pub(super) async fn export(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AdminError> {
    let tenant = state.registry.get(&id)?;
    // The snapshot is taken under the tenant lock; the YAML is written after it.
    let yaml = blocking(move || {
        let exported = tenant.with(|w| {
            let description = format!(
                "export of tenant {} (scenario {}) at {}",
                tenant.id,
                tenant.scenario.name,
                w.now()
            );
            scenario::export_scenario(w, &tenant.scenario.scenario, description)
        })?;
        Ok(scenario::to_yaml(&exported))
    })
    .await?;
    Ok((
        [(header::CONTENT_TYPE, "application/yaml; charset=utf-8")],
        yaml,
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}/invariants",
    tag = "tenants",
    operation_id = "tenant_invariants",
    summary = "The ledger's invariants, checked now",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 200, description = "Each check and whether all hold", body = Invariants))
)]
pub(super) async fn invariants(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Invariants>, AdminError> {
    let tenant = state.registry.get(&id)?;
    let checks = tenant.with(|w| w.ledger.check_invariants())?;
    Ok(Json(Invariants::of(checks)))
}

#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}/clock",
    tag = "clock",
    operation_id = "clock_show",
    summary = "The tenant clock",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 200, description = "Its reading and mode", body = ClockView))
)]
pub(super) async fn clock_show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ClockView>, AdminError> {
    let tenant = state.registry.get(&id)?;
    Ok(Json(
        tenant.with(|w| ClockView::of(w.now(), mode_name(&w.clock)))?,
    ))
}

#[utoipa::path(
    post,
    path = "/_sandbox/tenants/{tenant}/clock",
    tag = "clock",
    operation_id = "clock_change",
    summary = "Freeze, advance or resume the tenant clock",
    description = "Applies `freeze_at` (RFC 3339 or \"now\"), then `advance_seconds` (0 to a century), then `resume`, running every scheduled event that comes due on the way. Everything is checked before anything changes; the clock never goes back (409).",
    params(("tenant" = String, Path, description = "A tenant id")),
    request_body = ClockChange,
    responses(
        (status = 200, description = "The clock after the change and the events it ran", body = ClockChanged),
        (status = 409, description = "A time before the clock's reading", body = ErrorBody),
    )
)]
/// Applies `freeze_at`, then `advance_seconds`, then `resume`. Everything is checked
/// before anything changes.
pub(super) async fn clock_change(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminJson(body): AdminJson<ClockChange>,
) -> Result<Json<ClockChanged>, AdminError> {
    let tenant = state.registry.get(&id)?;
    let freeze_at = match body.freeze_at.as_deref() {
        None | Some("now") => None,
        Some(text) => Some(
            Timestamp::parse_rfc3339(text)
                .map_err(|e| AdminError::bad_request(format!("freeze_at: {e}")))?,
        ),
    };
    let freeze = body.freeze_at.is_some();
    let advance_ms = match body.advance_seconds {
        None => None,
        Some(s) if s.is_finite() && (0.0..=MAX_ADVANCE_SECONDS).contains(&s) => {
            Some((s * 1000.0).round() as i64)
        }
        Some(s) => {
            return Err(AdminError::bad_request(format!(
                "advance_seconds must be between 0 and {MAX_ADVANCE_SECONDS}, got {s}; the clock only moves forward"
            )));
        }
    };
    let resume = body.resume.unwrap_or(false);
    if freeze && resume {
        return Err(AdminError::bad_request(
            "freeze_at and resume contradict each other; send one of them",
        ));
    }
    let changed = tenant.with(|w| -> Result<ClockChanged, TenantError> {
        let mut report = RunReport::default();
        if freeze {
            let at = freeze_at.unwrap_or_else(|| w.now());
            add(&mut report, w.advance_to(at)?);
            w.clock.freeze_at(at)?;
        }
        if let Some(ms) = advance_ms {
            let target = w.now().plus_millis(ms);
            add(&mut report, w.advance_to(target)?);
        }
        if resume {
            w.clock.resume();
        }
        Ok(ClockChanged {
            clock: ClockView::of(w.now(), mode_name(&w.clock)),
            events_fired: report.fired,
            events_failed: report.failed,
        })
    })??;
    Ok(Json(changed))
}

fn add(total: &mut RunReport, more: RunReport) {
    total.fired += more.fired;
    total.failed += more.failed;
}

#[utoipa::path(
    post,
    path = "/_sandbox/tenants/{tenant}/simulate/{provider}/{event}",
    tag = "simulation",
    operation_id = "simulate",
    summary = "Make something happen at a provider (an authorisation, a clearing, a review)",
    description = "Each provider's simulations and their bodies are listed in the README (\"Simulating provider events\"); an unknown one answers 404 naming every available one. The answer is the record made, as the provider's face writes it.",
    params(
        ("tenant" = String, Path, description = "A tenant id"),
        ("provider" = String, Path, description = "interlace, opcard or hypercard"),
        ("event" = String, Path, description = "The simulation, e.g. authorization"),
    ),
    request_body(content = Object, description = "The simulation's fields"),
    responses(
        (status = 200, description = "What the simulation made", body = Object),
        (status = 201, description = "What the simulation made, a new record", body = Object),
        (status = 409, description = "Not possible in the state the tenant is in", body = ErrorBody),
        (status = 410, description = "Gone (an expired or used item)", body = ErrorBody),
    )
)]
pub(super) async fn simulate(
    State(state): State<AppState>,
    Path((id, provider, event)): Path<(String, String, String)>,
    AdminJson(body): AdminJson<serde_json::Map<String, serde_json::Value>>,
) -> Result<Response, AdminError> {
    let tenant = state.registry.get(&id)?;
    let available: Vec<String> = Provider::ALL
        .iter()
        .flat_map(|p| {
            p.simulations()
                .iter()
                .map(move |e| format!("{}/{e}", p.name()))
        })
        .collect();
    let unknown = || {
        AdminError::new(
            StatusCode::NOT_FOUND,
            "unknown_simulation",
            format!(
                "no simulation {provider}/{event}; available: {}",
                available.join(", ")
            ),
        )
    };
    let Some(face) = Provider::from_name(&provider).map(Provider::face) else {
        return Err(unknown());
    };
    match tenant.with(|w| face.simulate(w, &event, &body))? {
        None => Err(unknown()),
        Some(Ok(render)) => Ok(render()),
        Some(Err(refusal)) => Err(AdminError::new(
            refusal.status,
            refusal.code,
            refusal.message,
        )),
    }
}

/// The `key` of a file link.
#[derive(Debug, serde::Deserialize)]
pub(super) struct FileKey {
    key: Option<String>,
}

/// `GET /_sandbox/files/{tenant}/{provider}/{kind}/{name}`: the CSV files provider
/// answers link to.
/// Under `--admin-token` a file opens with the link's `key` or the admin token; a
/// card-display page with its own one-time token.
#[utoipa::path(
    get,
    path = "/_sandbox/files/{tenant}/{provider}/{kind}/{name}",
    tag = "files",
    operation_id = "file",
    summary = "A file a provider answer links to (bills, batches, card display)",
    description = "Opens without the admin token when it carries the link's `key` (or is a card-display page with its one-time token).",
    params(
        ("tenant" = String, Path, description = "A tenant id"),
        ("provider" = String, Path, description = "interlace, opcard or hypercard"),
        ("kind" = String, Path, description = "The kind of file"),
        ("name" = String, Path, description = "The file's name"),
        ("key" = Option<String>, Query, description = "The link's key"),
    ),
    security(()),
    responses(
        (status = 200, description = "The file (CSV, HTML)", content(
            (String = "text/csv; charset=utf-8"),
            (String = "text/html; charset=utf-8"),
        )),
        (status = 401, description = "Under --admin-token, neither the link's key nor the token", body = ErrorBody),
        (status = 404, description = "No such tenant or file", body = ErrorBody),
        (status = 410, description = "A used or expired card-display token", body = ErrorBody),
    )
)]
pub(super) async fn file(
    State(state): State<AppState>,
    Path((id, provider, kind, name)): Path<(String, String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AdminError> {
    let link = Query::<FileKey>::try_from_uri(&uri).map_or(FileKey { key: None }, |q| q.0);
    let face = Provider::from_name(&provider).map(Provider::face);
    let by_token = face.is_some_and(|f| f.file_opens_by_token(&kind));
    if let Some(token) = &state.settings.admin_token {
        let keyed = link
            .key
            .as_deref()
            .is_some_and(|key| crate::file_links::key_opens(token, &id, key));
        if !by_token && !keyed && !super::bearer_is(&headers, token) {
            return Err(AdminError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a file opens with the link the provider answer gave (its key parameter) \
                 or with Authorization: Bearer <admin token>",
            ));
        }
    }
    let tenant = state.registry.get(&id)?;
    let found = match face {
        Some(face) => tenant.with(|w| face.file(w, &kind, &name))?,
        None => None,
    };
    match found {
        Some(Ok(file)) => {
            Ok(([(header::CONTENT_TYPE, file.content_type)], file.text).into_response())
        }
        Some(Err(refusal)) => Err(AdminError::new(
            refusal.status,
            refusal.code,
            refusal.message,
        )),
        None => Err(AdminError::new(
            StatusCode::NOT_FOUND,
            "file_not_found",
            format!("no file {provider}/{kind}/{name} in tenant {id:?}"),
        )),
    }
}

/// `GET /_sandbox/tenants/{t}/{provider}/{list}`: a provider's own admin listing (as
/// Interlace's `batches`, the BatchHook objects built with each card-negative statistic).
#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}/{provider}/{list}",
    tag = "tenants",
    operation_id = "provider_list",
    summary = "A provider's own admin listing (Interlace `batches`)",
    params(
        ("tenant" = String, Path, description = "A tenant id"),
        ("provider" = String, Path, description = "interlace, opcard or hypercard"),
        ("list" = String, Path, description = "The listing, e.g. batches"),
    ),
    responses((status = 200, description = "The listing", body = Object))
)]
pub(super) async fn provider_list(
    State(state): State<AppState>,
    Path((id, provider, list)): Path<(String, String, String)>,
) -> Result<Json<serde_json::Value>, AdminError> {
    let tenant = state.registry.get(&id)?;
    let face = Provider::from_name(&provider).map(Provider::face);
    let found = match face {
        Some(face) => tenant.with(|w| face.admin_list(w, &list))?,
        None => None,
    };
    found.map(Json).ok_or_else(|| {
        AdminError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no listing {provider}/{list} for a tenant"),
        )
    })
}

/// Runs blocking work (world building, exports) off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, TenantError> + Send + 'static,
) -> Result<T, AdminError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(AdminError::from),
        Err(e) => Err(AdminError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the operation failed inside the sandbox: {e}"),
        )),
    }
}
