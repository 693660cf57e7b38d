//! Transaction Query v3: each business type answers exactly the fields of its table in
//! the documentation (seed 003), and the query's parameter rules.

use std::collections::BTreeSet;

use insta::assert_json_snapshot;
use serde_json::{Value, json};

use super::{Client, EUR_CARD, SCENARIO, USD_CARD, advance, simulate};
use crate::support::TestApp;

/// The record fields of each business type's table in seed 003 (the `code`, `msg`,
/// `data`, `total`, `page`, `size` and `records` rows are envelope fields).
fn seed_fields(business_type: u16) -> BTreeSet<&'static str> {
    let common = ["card_name", "card_id", "card_number", "business_type"];
    let own: &[&str] = match business_type {
        1 => &[
            "tx_currency",
            "tx_amount",
            "deduction_currency",
            "deduction_amount",
            "fee",
            "mcc",
            "tx_time",
            "tx_id",
            "tx_status",
            "description",
        ],
        2 => &[
            "pay_coin",
            "tx_amount",
            "card_coin",
            "currency_amount",
            "real_currency_amount",
            "recharge_fee_amount",
            "real_refund_amount",
            "tx_time",
            "tx_id",
            "tx_status",
            "description",
        ],
        3 => &[
            "tx_currency",
            "tx_amount",
            "trade_currency",
            "trade_amount",
            "bank_fee",
            "tx_time",
            "tx_id",
            "tx_status",
            "description",
        ],
        8 => &[
            "tx_currency",
            "tx_amount",
            "refund_coin",
            "refund_amount",
            "tx_time",
            "tx_id",
            "tx_status",
            "description",
        ],
        10 => &[
            "tx_amount",
            "service_fee_status",
            "consume_tx_id",
            "bill_cycle",
            "bill_total",
            "fail_num",
            "service_fee_standard",
            "fail_rate",
            "tx_time",
            "tx_id",
            "tx_status",
            "description",
        ],
        101 => &[
            "pay_coin",
            "tx_amount",
            "buy_coin",
            "buy_amount",
            "fee_coin",
            "fee",
            "tx_time",
            "tx_id",
            "tx_status",
        ],
        102 => &[
            "tx_amount",
            "card_coin",
            "refund_coin",
            "refund_amount",
            "fee_coin",
            "fee",
            "tx_time",
            "tx_id",
            "tx_status",
        ],
        other => panic!("no table for business type {other}"),
    };
    common.iter().chain(own).copied().collect()
}

/// A world with one record of every business type.
async fn world_with_every_type(app: &TestApp) -> (Client<'_>, String) {
    let c = Client::new(app);
    let spend = simulate(
        app,
        "consume",
        json!({"card_id": USD_CARD, "amount": "30", "mcc": "5812", "description": "NOODLE BAR"}),
    )
    .await;
    let tx_id = spend["record"]["tx_id"].as_str().expect("tx_id").to_owned();
    advance(app, 10).await;
    c.call("/openapi/card/recharge", json!({"card_id": USD_CARD, "mc_trade_no": "R-1", "pay_coin": "usdt", "recharge_amount": "50"})).await;
    advance(app, 60).await;
    simulate(
        app,
        "withdrawal",
        json!({"card_id": USD_CARD, "amount": "20", "description": "ATM 7-ELEVEN"}),
    )
    .await;
    advance(app, 10).await;
    simulate(app, "refund", json!({"tx_id": tx_id, "amount": "10"})).await;
    advance(app, 10).await;
    simulate(app, "fee", json!({"tx_id": tx_id})).await;
    advance(app, 10).await;
    c.call(
        "/openapi/card/buy/coin",
        json!({"card_id": USD_CARD, "currency_amount": "25", "mc_trade_no": "B-1"}),
    )
    .await;
    advance(app, 10).await;
    c.call(
        "/openapi/card/operation",
        json!({"card_id": EUR_CARD, "request_number": "x-1", "type": 9}),
    )
    .await;
    (c, tx_id)
}

async fn query(c: &Client<'_>, business_type: u16) -> Value {
    let now = c.now().await;
    c.call(
        "/v3/openapi/card/transactions",
        json!({"start_time": (now - 3600).to_string(), "end_time": now.to_string(), "page": 1, "size": 10, "business_type": business_type}),
    )
    .await
}

async fn check_type(business_type: u16) {
    let app = TestApp::from_yaml(SCENARIO);
    let (c, _) = world_with_every_type(&app).await;
    let page = query(&c, business_type).await;
    let records = page["data"]["records"].as_array().expect("records");
    assert_eq!(records.len(), 1, "{page}");
    let keys: BTreeSet<&str> = records[0]
        .as_object()
        .expect("a record")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, seed_fields(business_type));
    assert_json_snapshot!(format!("hypercard_v3_business_type_{business_type}"), page);
}

#[tokio::test]
async fn consumption_records_have_the_seed_fields() {
    check_type(1).await;
}

#[tokio::test]
async fn recharge_records_have_the_seed_fields() {
    check_type(2).await;
}

#[tokio::test]
async fn withdrawal_records_have_the_seed_fields() {
    check_type(3).await;
}

#[tokio::test]
async fn refund_records_have_the_seed_fields() {
    check_type(8).await;
}

#[tokio::test]
async fn fee_records_have_the_seed_fields() {
    check_type(10).await;
}

#[tokio::test]
async fn buy_coin_records_have_the_seed_fields() {
    check_type(101).await;
}

#[tokio::test]
async fn cancel_records_have_the_seed_fields() {
    check_type(102).await;
}

#[tokio::test]
async fn query_errors_name_the_field() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let now = c.now().await;
    let (start, end) = ((now - 3600).to_string(), now.to_string());
    let cases = [
        (
            "size_too_small",
            json!({"start_time": start, "end_time": end, "page": 1, "size": 5, "business_type": 1}),
        ),
        (
            "size_too_large",
            json!({"start_time": start, "end_time": end, "page": 1, "size": 201, "business_type": 1}),
        ),
        (
            "span_over_60_days",
            json!({"start_time": (now - 61 * 86_400).to_string(), "end_time": end, "page": 1, "size": 10, "business_type": 1}),
        ),
        (
            "end_before_start",
            json!({"start_time": end, "end_time": start, "page": 1, "size": 10, "business_type": 1}),
        ),
        (
            "tx_id_without_card_id",
            json!({"tx_id": "202603012000001234567890", "business_type": 1}),
        ),
        (
            "missing_business_type",
            json!({"start_time": start, "end_time": end, "page": 1, "size": 10}),
        ),
        (
            "unknown_business_type",
            json!({"start_time": start, "end_time": end, "page": 1, "size": 10, "business_type": 4}),
        ),
        (
            "missing_start_time",
            json!({"end_time": end, "page": 1, "size": 10, "business_type": 1}),
        ),
        (
            "missing_page",
            json!({"start_time": start, "end_time": end, "size": 10, "business_type": 1}),
        ),
        (
            "page_zero",
            json!({"start_time": start, "end_time": end, "page": 0, "size": 10, "business_type": 1}),
        ),
        (
            "card_id_as_number",
            json!({"start_time": start, "end_time": end, "page": 1, "size": 10, "business_type": 1, "card_id": 2960680000000000001u64}),
        ),
        (
            "unknown_card",
            json!({"start_time": start, "end_time": end, "page": 1, "size": 10, "business_type": 1, "card_id": "5"}),
        ),
    ];
    for (name, body) in cases {
        let answer = c.call("/v3/openapi/card/transactions", body).await;
        assert_ne!(answer["code"], "00000", "{name}");
        assert_json_snapshot!(format!("hypercard_v3_error_{name}"), answer);
    }
}

#[tokio::test]
async fn pages_are_newest_first_and_stable_and_a_page_past_the_end_is_empty() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let mut ids = Vec::new();
    for i in 0..25 {
        let spend = simulate(
            &app,
            "consume",
            json!({"card_id": USD_CARD, "amount": format!("1.{i:02}")}),
        )
        .await;
        ids.push(spend["record"]["tx_id"].as_str().expect("tx_id").to_owned());
        if i % 3 == 0 {
            advance(&app, 5).await;
        }
    }
    ids.reverse();
    let now = c.now().await;
    let mut seen = Vec::new();
    for page in 1..=3 {
        let answer = c
            .call(
                "/v3/openapi/card/transactions",
                json!({"start_time": (now - 3600).to_string(), "end_time": now.to_string(), "page": page, "size": 10, "business_type": 1, "card_id": USD_CARD}),
            )
            .await;
        assert_eq!(answer["data"]["total"], 25);
        assert_eq!(answer["data"]["page"], page);
        for r in answer["data"]["records"].as_array().expect("records") {
            seen.push(r["tx_id"].as_str().expect("tx_id").to_owned());
        }
    }
    assert_eq!(seen, ids, "newest first, each record once");
    let past = c
        .call(
            "/v3/openapi/card/transactions",
            json!({"start_time": (now - 3600).to_string(), "end_time": now.to_string(), "page": 9, "size": 10, "business_type": 1}),
        )
        .await;
    assert_json_snapshot!("hypercard_v3_page_past_the_end", past);
}

#[tokio::test]
async fn a_tx_id_lookup_needs_no_time_or_page() {
    let app = TestApp::from_yaml(SCENARIO);
    let (c, tx_id) = world_with_every_type(&app).await;
    let answer = c
        .call(
            "/v3/openapi/card/transactions",
            json!({"business_type": 1, "card_id": USD_CARD, "tx_id": tx_id}),
        )
        .await;
    assert_eq!(answer["data"]["total"], 1, "{answer}");
    assert_eq!(answer["data"]["records"][0]["tx_id"], tx_id.as_str());
    let other_card = c
        .call(
            "/v3/openapi/card/transactions",
            json!({"business_type": 1, "card_id": EUR_CARD, "tx_id": tx_id}),
        )
        .await;
    assert_eq!(other_card["data"]["total"], 0);
}

/// Every v3 record of every business type, as the bytes a client reads.
async fn every_record(c: &Client<'_>, now: i64) -> Vec<String> {
    let (from, to) = ((now - 10 * 86_400).to_string(), (now + 60).to_string());
    let mut pages = Vec::new();
    for business_type in [1, 2, 3, 8, 10, 101, 102] {
        let answer = c
            .post(
                "/v3/openapi/card/transactions",
                json!({"business_type": business_type, "start_time": from, "end_time": to, "page": 1, "size": 100}),
            )
            .await;
        assert_eq!(answer.status, 200);
        pages.push(answer.text());
    }
    pages
}

#[tokio::test]
async fn reset_brings_back_the_records_of_creation_on_a_running_clock_without_a_start() {
    // No `clock.start`: the tenant is anchored at the wall time of its creation. A reset
    // a while later must rebuild the same history, not one anchored at the reset.
    let yaml = SCENARIO.replace(
        "clock:\n  start: \"2026-03-01T12:00:00Z\"",
        "clock:\n  mode: running",
    ) + "activity:\n  - hypercard:\n      count: 40\n      days: 5\n";
    assert!(!yaml.contains("start:"), "{yaml}");
    let app = TestApp::from_yaml(&yaml);
    let c = Client::new(&app);
    let now = c.now().await;
    let created = every_record(&c, now).await;
    assert!(
        created.iter().any(|p| p.contains("consume_tx_id")),
        "the history has fees tied to consumptions: {created:?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let reset = app.post("/_sandbox/tenants/default/reset", "").await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert_eq!(every_record(&c, now).await, created);
}
