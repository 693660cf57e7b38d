//! The embedded default scenario's HyperCard world: enough cards, records and business
//! types to click through, and an export that rebuilds it exactly.

use std::collections::BTreeSet;

use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn the_default_scenario_has_cards_of_every_kind_and_every_business_type() {
    let app = TestApp::embedded();
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    let cards = tenant["inventory"]["hypercard"]["cards"]
        .as_array()
        .expect("cards")
        .clone();
    assert!(cards.len() >= 3, "{tenant}");
    assert_eq!(
        tenant["inventory"]["hypercard"]["card_types"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(
        tenant["credentials"]["hypercard"][0]["api_key"],
        "hc_sandbox_merchant"
    );

    let export = app.get("/_sandbox/tenants/default/export").await.text();
    let export: yaml_serde::Value = yaml_serde::from_str(&export).expect("YAML");
    let hypercard = &export["snapshot"]["hypercard"];
    let statuses: BTreeSet<u64> = hypercard["cards"]
        .as_sequence()
        .expect("cards")
        .iter()
        .filter_map(|c| c["status"].as_u64())
        .collect();
    assert!(
        statuses.contains(&10) && statuses.contains(&15),
        "a frozen and a cancelled card: {statuses:?}"
    );
    let currencies: BTreeSet<&str> = hypercard["section"]["card_types"]
        .as_sequence()
        .expect("card types")
        .iter()
        .filter_map(|p| p["card_coin"].as_str())
        .collect();
    assert_eq!(currencies, BTreeSet::from(["EUR", "USD"]));
    let records = hypercard["records"].as_sequence().expect("records");
    assert!(
        records.len() >= 200,
        "only {} generated records",
        records.len()
    );
    let kinds = [
        "consumption",
        "recharge",
        "withdrawal",
        "refund",
        "fee",
        "buy_coin",
        "cancel",
    ];
    let types: BTreeSet<&str> = records
        .iter()
        .flat_map(|r| kinds.iter().copied().filter(|k| !r[*k].is_null()))
        .collect();
    assert_eq!(types.len(), 7, "business types generated: {types:?}");
}

#[tokio::test]
async fn the_default_world_exports_and_rebuilds_exactly() {
    let app = TestApp::embedded();
    let frozen = app
        .post("/_sandbox/tenants/default/clock", r#"{"freeze_at": "now"}"#)
        .await;
    assert_eq!(frozen.status, 200, "{}", frozen.text());
    let exported = app.get("/_sandbox/tenants/default/export").await.text();
    let created = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": "copy", "scenario": exported}).to_string(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(
        app.export_state("copy").await,
        app.export_state("default").await
    );
    let original = app.get("/_sandbox/tenants/default").await.json();
    let copy = app.get("/_sandbox/tenants/copy").await.json();
    assert_eq!(copy["inventory"], original["inventory"]);
    assert_eq!(copy["clock"], original["clock"]);
}
