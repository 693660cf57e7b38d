//! The scenario library: every shipped scenario is listed by `GET /_sandbox/scenarios`,
//! builds a tenant whose invariants hold, shows what it is for, and (for those with a
//! frozen clock) builds the same world every time, pinned by a snapshot of its summary.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use insta::assert_json_snapshot;
use serde_json::{Value, json};

use crate::support::{TestApp, list_at};

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
        "interlace_transactions": tally(&list_at(il, &["transactions"]), "kind"),
        "interlace_statuses": tally(&list_at(il, &["transactions"]), "status"),
        "interlace_bills": list_at(il, &["bills"]).len(),
        "interlace_repayments": list_at(il, &["repayments"]).len(),
        "legal_entities": tally(&list_at(il, &["global", "legal_entities"]), "status"),
        "business_transactions": tally(&list_at(il, &["global", "transactions"]), "status"),
        "hypercard_records": list_at(&world["hypercard"], &["records"]).len(),
        "opcard_spends": list_at(&world["opcard"], &["spends"]).len(),
        "faults": list_at(world, &["faults"]).len(),
        "entries": list_at(world, &["entries"]).len(),
    })
}

#[tokio::test]
async fn the_library_is_listed_beside_the_default() {
    let app = TestApp::embedded();
    let answer = app.get("/_sandbox/scenarios").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let listed = answer.json();
    let names: BTreeSet<&str> = list_at(&listed, &["scenarios"])
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
    for s in list_at(&listed, &["scenarios"]) {
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
    assert!(list_at(&world, &["entries"]).len() < 200);
    assert_json_snapshot!("library_ci_minimal", summary(&world));
}

#[tokio::test]
async fn demo_has_months_of_activity_on_every_provider() {
    let app = TestApp::embedded();
    let world = tenant(&app, "demo").await;
    assert!(list_at(&world, &["interlace", "transactions"]).len() > 600);
    assert!(list_at(&world, &["hypercard", "records"]).len() > 500);
    assert!(list_at(&world, &["opcard", "spends"]).len() > 100);
    assert!(list_at(&world, &["interlace", "global", "transactions"]).len() > 100);
}

#[tokio::test]
async fn a_programme_in_trouble_has_negatives_bills_repayments_and_declines() {
    let app = TestApp::embedded();
    let world = tenant(&app, "programme-in-trouble").await;
    let il = &world["interlace"];
    assert!(list_at(il, &["bills"]).len() >= 3);
    assert!(!list_at(il, &["repayments"]).is_empty());
    let auths: Vec<&Value> = list_at(il, &["transactions"])
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
        &list_at(&world, &["interlace", "global", "legal_entities"]),
        "status",
    );
    for status in ["AWAIT_ADDITIONAL", "ACTIVE", "FAILED"] {
        assert!(entities.contains_key(status), "{status} in {entities:?}");
    }
    assert!(entities.len() >= 9, "{entities:?}");
    let txs = tally(
        &list_at(&world, &["interlace", "global", "transactions"]),
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
