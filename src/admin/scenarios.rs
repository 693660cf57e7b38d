//! `GET /_sandbox/scenarios`: the scenarios tenants can be created from (the embedded
//! default, the library beside it, and `--scenario` files), each with its description
//! and whether it is the default.

use axum::Json;
use axum::extract::State;

use crate::request::AppState;

/// `GET /_sandbox/scenarios`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct ScenarioList {
    scenarios: Vec<ScenarioEntry>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct ScenarioEntry {
    name: String,
    description: String,
    /// Whether a tenant created with no `scenario` gets this one.
    default: bool,
}

#[utoipa::path(
    get,
    path = "/_sandbox/scenarios",
    tag = "tenants",
    operation_id = "scenarios_list",
    summary = "The scenarios a tenant can be created from",
    responses((status = 200, description = "Each scenario's name and description", body = ScenarioList))
)]
pub(super) async fn list(State(state): State<AppState>) -> Json<ScenarioList> {
    let scenarios = state
        .registry
        .scenario_names()
        .into_iter()
        .filter_map(|name| state.registry.scenario(&name).ok())
        .map(|s| ScenarioEntry {
            default: s.name == "default",
            name: s.name.clone(),
            description: s.scenario.description.clone().unwrap_or_default(),
        })
        .collect();
    Json(ScenarioList { scenarios })
}
