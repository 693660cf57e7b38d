//! `/_sandbox/faults`: adding, listing and removing fault and latency rules, global or
//! for one tenant.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::error::{AdminError, AdminJson, AdminQuery};
use super::wire::ErrorBody;
use crate::faults::{FaultRule, RuleError, RuleState};
use crate::request::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct FaultList {
    /// Each rule as added (README, "Faults"), with `matched` and `fired` counters.
    #[schema(value_type = Vec<Object>)]
    faults: Vec<RuleState>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct ScopeQuery {
    /// One tenant's rules; absent: the global rules (and, listing, every tenant's).
    tenant: Option<String>,
}

fn invalid(e: &RuleError) -> AdminError {
    AdminError::new(
        StatusCode::BAD_REQUEST,
        "invalid_fault",
        format!("{}: {}", e.field, e.message),
    )
}

fn exists(id: &str) -> AdminError {
    AdminError::new(
        StatusCode::CONFLICT,
        "fault_exists",
        format!(
            "a rule {id:?} exists already in this scope; DELETE /_sandbox/faults/{id} first or pick another id"
        ),
    )
}

/// `POST /_sandbox/faults`: 201 with the rule as stored (its id filled in).
#[utoipa::path(
    post,
    path = "/_sandbox/faults",
    tag = "faults",
    operation_id = "fault_add",
    summary = "Add a fault or latency rule, global or for one tenant",
    description = "The rule's fields are in the README (\"Faults\"): `match` (provider, method, path glob, tenant), `probability`, and an effect (`status` with a provider-shaped body, `latency_ms`, `hang`, `reset`, ...). A `tenant` field scopes it to that tenant.",
    request_body(content = Object, description = "A fault rule"),
    responses(
        (status = 201, description = "The rule as stored, its id filled in", body = Object),
        (status = 409, description = "A rule with this id exists in its scope", body = ErrorBody),
    )
)]
pub(super) async fn add(
    State(state): State<AppState>,
    AdminJson(body): AdminJson<serde_json::Map<String, serde_json::Value>>,
) -> Result<(StatusCode, Json<RuleState>), AdminError> {
    let mut rule = crate::faults::rule_from_json(body)
        .map_err(|e| AdminError::bad_request(format!("{}: {}", e.field, e.message)))?;
    rule.validate().map_err(|e| invalid(&e))?;
    let added = match rule.tenant.take() {
        Some(tenant_id) => {
            let tenant = state.registry.get(&tenant_id)?;
            let added = tenant.with(|w| {
                if let Some(id) = &rule.id
                    && w.faults.rules().iter().any(|r| r.id() == id)
                {
                    return Err(exists(id));
                }
                w.faults.add(rule).cloned().map_err(|e| invalid(&e))
            })??;
            RuleState {
                rule: FaultRule {
                    tenant: Some(tenant_id),
                    ..added.rule
                },
                ..added
            }
        }
        None => {
            if let Some(id) = &rule.id
                && state.registry.global_faults().iter().any(|r| r.id() == id)
            {
                return Err(exists(id));
            }
            state
                .registry
                .add_global_fault(rule)
                .map_err(|e| invalid(&e))?
        }
    };
    Ok((StatusCode::CREATED, Json(added)))
}

/// `GET /_sandbox/faults[?tenant=]`: the global rules, then each tenant's (or only the
/// named tenant's), with their counters.
#[utoipa::path(
    get,
    path = "/_sandbox/faults",
    tag = "faults",
    operation_id = "faults_list",
    summary = "Fault rules with their counters",
    params(ScopeQuery),
    responses((status = 200, description = "The rules", body = FaultList))
)]
pub(super) async fn list(
    State(state): State<AppState>,
    AdminQuery(query): AdminQuery<ScopeQuery>,
) -> Result<Json<FaultList>, AdminError> {
    let mut faults = state.registry.global_faults();
    let tenants = match &query.tenant {
        Some(t) => vec![state.registry.get(t)?],
        None => state.registry.list(),
    };
    for tenant in tenants {
        let rules = tenant.with(|w| w.faults.rules().to_vec())?;
        faults.extend(rules.into_iter().map(|mut r| {
            r.rule.tenant = Some(tenant.id.clone());
            r
        }));
    }
    Ok(Json(FaultList { faults }))
}

fn not_found(id: &str) -> AdminError {
    AdminError::new(
        StatusCode::NOT_FOUND,
        "fault_not_found",
        format!("no fault rule {id:?}; GET /_sandbox/faults lists them"),
    )
}

/// `GET /_sandbox/faults/{id}[?tenant=]`: the rule with its counters. Without
/// `?tenant=`, the global rule with that id, else the first tenant's (by tenant id)
/// that has one; with it, only that tenant's.
#[utoipa::path(
    get,
    path = "/_sandbox/faults/{id}",
    tag = "faults",
    operation_id = "fault_show",
    summary = "One fault rule with its counters",
    params(("id" = String, Path, description = "A rule id"), ScopeQuery),
    responses((status = 200, description = "The rule", body = Object))
)]
pub(super) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminQuery(query): AdminQuery<ScopeQuery>,
) -> Result<Json<RuleState>, AdminError> {
    let tenants = match &query.tenant {
        Some(t) => vec![state.registry.get(t)?],
        None => {
            if let Some(rule) = state
                .registry
                .global_faults()
                .into_iter()
                .find(|r| r.id() == id)
            {
                return Ok(Json(rule));
            }
            state.registry.list()
        }
    };
    for tenant in tenants {
        let found = tenant.with(|w| w.faults.rules().iter().find(|r| r.id() == id).cloned())?;
        if let Some(mut rule) = found {
            rule.rule.tenant = Some(tenant.id.clone());
            return Ok(Json(rule));
        }
    }
    Err(not_found(&id))
}

/// `DELETE /_sandbox/faults/{id}[?tenant=]`: removes the global rule with that id and
/// every tenant's (or only the named tenant's); 404 when there was none.
#[utoipa::path(
    delete,
    path = "/_sandbox/faults/{id}",
    tag = "faults",
    operation_id = "fault_remove",
    summary = "Remove one fault rule",
    params(("id" = String, Path, description = "A rule id"), ScopeQuery),
    responses((status = 204, description = "Removed"))
)]
pub(super) async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminQuery(query): AdminQuery<ScopeQuery>,
) -> Result<StatusCode, AdminError> {
    let mut removed = false;
    let tenants = match &query.tenant {
        Some(t) => vec![state.registry.get(t)?],
        None => {
            removed |= state.registry.remove_global_fault(&id);
            state.registry.list()
        }
    };
    for tenant in tenants {
        removed |= tenant.with(|w| w.faults.remove(&id))?;
    }
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(&id))
    }
}

/// `DELETE /_sandbox/faults[?tenant=]`: removes every rule (or only the named
/// tenant's).
#[utoipa::path(
    delete,
    path = "/_sandbox/faults",
    tag = "faults",
    operation_id = "faults_clear",
    summary = "Remove the global rules, or one tenant's",
    params(ScopeQuery),
    responses((status = 204, description = "Removed"))
)]
pub(super) async fn clear(
    State(state): State<AppState>,
    AdminQuery(query): AdminQuery<ScopeQuery>,
) -> Result<StatusCode, AdminError> {
    let tenants = match &query.tenant {
        Some(t) => vec![state.registry.get(t)?],
        None => {
            state.registry.clear_global_faults();
            state.registry.list()
        }
    };
    for tenant in tenants {
        tenant.with(|w| w.faults.clear())?;
    }
    Ok(StatusCode::NO_CONTENT)
}
