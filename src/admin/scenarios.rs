//! `GET /_sandbox/scenarios`: the scenarios tenants can be created from (the embedded
//! default, the library beside it, and `--scenario` files), each with its description
//! and whether it is the default.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::request::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/_sandbox/scenarios", get(list))
}

async fn list(State(state): State<AppState>) -> Json<Value> {
    let scenarios: Vec<Value> = state
        .registry
        .scenario_names()
        .into_iter()
        .filter_map(|name| state.registry.scenario(&name).ok())
        .map(|s| {
            json!({
                "name": s.name,
                "description": s.scenario.description.clone().unwrap_or_default(),
                "default": s.name == "default",
            })
        })
        .collect();
    Json(json!({ "scenarios": scenarios }))
}
