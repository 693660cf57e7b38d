//! The scenario library: every shipped scenario is listed by `GET /_sandbox/scenarios`,
//! builds a tenant whose invariants hold, shows what it is for, and (for those with a
//! frozen clock) builds the same world every time, pinned by a snapshot of its summary.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use insta::assert_json_snapshot;
use serde_json::{Value, json};

use crate::support::TestApp;

/// Creates tenant `name` from the library scenario of that name, checks its
/// invariants, and returns its export's snapshot as JSON, with the tenant's fault
/// rules as `faults`.
async fn tenant(app: &TestApp, name: &str) -> Value {
    let created = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": name, "scenario": name}).to_string(),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let invariants = app
        .get(&format!("/_sandbox/tenants/{name}/invariants"))
        .await
        .json();
    assert_eq!(invariants["ok"], true, "{name}: {invariants}");
    let text = app.export_state(name).await;
    let scenario: Value = yaml_serde::from_str(&text).expect("the export is YAML");
    let mut world = scenario["snapshot"].clone();
    world["faults"] = scenario["faults"].clone();
    world
}

fn seq<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut at = v;
    for key in path {
        at = &at[*key];
    }
    at.as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// How many of each `key` value `items` have.
fn tally(items: &[&Value], key: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        let value = match &item[key] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        *counts.entry(value).or_default() += 1;
    }
    counts
}

/// What a world holds, in counts: stable for a frozen clock.
fn summary(world: &Value) -> Value {
    let il = &world["interlace"];
    json!({
        "interlace_transactions": tally(&seq(il, &["transactions"]), "kind"),
        "interlace_statuses": tally(&seq(il, &["transactions"]), "status"),
        "interlace_bills": seq(il, &["bills"]).len(),
        "interlace_repayments": seq(il, &["repayments"]).len(),
        "legal_entities": tally(&seq(il, &["global", "legal_entities"]), "status"),
        "business_transactions": tally(&seq(il, &["global", "transactions"]), "status"),
        "hypercard_records": seq(&world["hypercard"], &["records"]).len(),
        "opcard_spends": seq(&world["opcard"], &["spends"]).len(),
        "faults": seq(world, &["faults"]).len(),
        "entries": seq(world, &["entries"]).len(),
    })
}

#[tokio::test]
async fn the_library_is_listed_beside_the_default() {
    let app = TestApp::embedded();
    let answer = app.get("/_sandbox/scenarios").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let listed = answer.json();
    let names: BTreeSet<&str> = seq(&listed, &["scenarios"])
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    for name in [
        "default",
        "ci-minimal",
        "demo",
        "programme-in-trouble",
        "onboarding",
        "chaos",
    ] {
        assert!(names.contains(name), "{name} not in {names:?}");
    }
    for s in seq(&listed, &["scenarios"]) {
        assert_eq!(s["default"], s["name"] == "default", "{s}");
        assert!(
            !s["description"].as_str().unwrap_or_default().is_empty(),
            "{s}"
        );
    }
}

#[tokio::test]
async fn ci_minimal_is_small_and_the_same_every_time() {
    let app = TestApp::embedded();
    let world = tenant(&app, "ci-minimal").await;
    let again = TestApp::embedded();
    assert_eq!(
        app.export_state("ci-minimal").await,
        {
            tenant(&again, "ci-minimal").await;
            again.export_state("ci-minimal").await
        },
        "a frozen clock and a seed give the same world"
    );
    assert!(seq(&world, &["entries"]).len() < 200);
    assert_json_snapshot!("library_ci_minimal", summary(&world));
}

#[tokio::test]
async fn demo_has_months_of_activity_on_every_provider() {
    let app = TestApp::embedded();
    let world = tenant(&app, "demo").await;
    assert!(seq(&world, &["interlace", "transactions"]).len() > 600);
    assert!(seq(&world, &["hypercard", "records"]).len() > 500);
    assert!(seq(&world, &["opcard", "spends"]).len() > 100);
    assert!(seq(&world, &["interlace", "global", "transactions"]).len() > 100);
}

#[tokio::test]
async fn a_programme_in_trouble_has_negatives_bills_repayments_and_declines() {
    let app = TestApp::embedded();
    let world = tenant(&app, "programme-in-trouble").await;
    let il = &world["interlace"];
    assert!(seq(il, &["bills"]).len() >= 3);
    assert!(!seq(il, &["repayments"]).is_empty());
    let auths: Vec<&Value> = seq(il, &["transactions"])
        .into_iter()
        .filter(|t| t["kind"] == "authorization")
        .collect();
    let declined = auths.iter().filter(|t| t["status"] == "FAIL").count();
    assert!(declined * 10 > auths.len(), "{declined} of {}", auths.len());
    assert_json_snapshot!("library_programme_in_trouble", summary(&world));
}

#[tokio::test]
async fn onboarding_has_legal_entities_in_several_statuses_and_pending_transfers() {
    let app = TestApp::embedded();
    let world = tenant(&app, "onboarding").await;
    let entities = tally(
        &seq(&world, &["interlace", "global", "legal_entities"]),
        "status",
    );
    for status in ["AWAIT_ADDITIONAL", "ACTIVE", "FAILED"] {
        assert!(entities.contains_key(status), "{status} in {entities:?}");
    }
    assert!(entities.len() >= 9, "{entities:?}");
    let txs = tally(
        &seq(&world, &["interlace", "global", "transactions"]),
        "status",
    );
    assert!(
        txs.keys()
            .any(|s| s == "PENDING" || s.starts_with("INBOUND_RELATIONSHIP")),
        "{txs:?}"
    );
    assert_json_snapshot!("library_onboarding", summary(&world));
}

#[tokio::test]
async fn chaos_arms_fault_rules() {
    let app = TestApp::embedded();
    let world = tenant(&app, "chaos").await;
    let rules = app.get("/_sandbox/faults?tenant=chaos").await.json();
    let text = rules.to_string();
    for id in [
        "slow-everything",
        "hypercard-card-503",
        "opcard-load-rate-limit",
    ] {
        assert!(text.contains(id), "{id} not armed: {text}");
    }
    assert_json_snapshot!("library_chaos", summary(&world));
}
