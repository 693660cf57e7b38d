//! Every HyperCard endpoint's success envelope and the error codes it can return.

use insta::assert_json_snapshot;
use serde_json::json;

use super::{Client, EUR_CARD, FROZEN_CARD, SCENARIO, USD_CARD, advance, simulate};
use crate::support::TestApp;

#[tokio::test]
async fn card_balance() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let path = "/openapi/card/balance";
    assert_json_snapshot!(
        "hypercard_balance",
        c.call(path, json!({"card_id": USD_CARD})).await
    );
    assert_json_snapshot!(
        "hypercard_balance_unknown_card",
        c.call(path, json!({"card_id": "123"})).await
    );
    assert_json_snapshot!(
        "hypercard_balance_numeric_id",
        c.call(path, json!({"card_id": 2960680000000000001u64}))
            .await
    );
    assert_json_snapshot!(
        "hypercard_balance_missing_id",
        c.call(path, json!({})).await
    );
    assert_json_snapshot!(
        "hypercard_balance_ignores_unknown_fields",
        c.call(path, json!({"card_id": EUR_CARD, "future_field": {"x": 1}}))
            .await
    );
}

#[tokio::test]
async fn recharge_is_pending_until_the_settle_delay_passes() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let recharge = c
        .call(
            "/openapi/card/recharge",
            json!({"card_id": USD_CARD, "mc_trade_no": "T-1", "pay_coin": "usdt", "recharge_amount": "100", "remark": "top up"}),
        )
        .await;
    assert_json_snapshot!("hypercard_recharge", recharge);
    let query = json!({"card_id": USD_CARD, "mc_trade_no": "T-1"});
    assert_json_snapshot!(
        "hypercard_recharge_query_pending",
        c.call("/openapi/card/recharge/query", query.clone()).await
    );
    let balance = c
        .call("/openapi/card/balance", json!({"card_id": USD_CARD}))
        .await;
    assert_eq!(
        balance["data"]["available_balance"], "500.00",
        "not yet settled"
    );
    advance(&app, 60).await;
    assert_json_snapshot!(
        "hypercard_recharge_query_settled",
        c.call("/openapi/card/recharge/query", query).await
    );
    let balance = c
        .call("/openapi/card/balance", json!({"card_id": USD_CARD}))
        .await;
    assert_eq!(balance["data"]["available_balance"], "600.00");
    let merchant = c
        .call("/openapi/card/merchant/balance", json!({"coin": "usdt"}))
        .await;
    assert_json_snapshot!("hypercard_merchant_balance_after_recharge", merchant);
    assert_json_snapshot!(
        "hypercard_recharge_query_unknown",
        c.call(
            "/openapi/card/recharge/query",
            json!({"card_id": USD_CARD, "mc_trade_no": "nope"})
        )
        .await
    );
}

#[tokio::test]
async fn recharge_errors() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let path = "/openapi/card/recharge";
    let ok = json!({"card_id": USD_CARD, "mc_trade_no": "T-1", "pay_coin": "usdt", "recharge_amount": "100"});
    assert_eq!(c.call(path, ok.clone()).await["code"], "00000");
    let cases = [
        ("duplicate_trade_no", ok.clone()),
        (
            "amount_as_number",
            json!({"card_id": USD_CARD, "mc_trade_no": "T-2", "pay_coin": "usdt", "recharge_amount": 100}),
        ),
        (
            "amount_below_minimum",
            json!({"card_id": USD_CARD, "mc_trade_no": "T-3", "pay_coin": "usdt", "recharge_amount": "5"}),
        ),
        (
            "unknown_coin",
            json!({"card_id": USD_CARD, "mc_trade_no": "T-4", "pay_coin": "doge", "recharge_amount": "50"}),
        ),
        (
            "merchant_short",
            json!({"card_id": USD_CARD, "mc_trade_no": "T-5", "pay_coin": "usdt", "recharge_amount": "5000"}),
        ),
        (
            "unknown_card",
            json!({"card_id": "999", "mc_trade_no": "T-6", "pay_coin": "usdt", "recharge_amount": "50"}),
        ),
        (
            "missing_trade_no",
            json!({"card_id": USD_CARD, "pay_coin": "usdt", "recharge_amount": "50"}),
        ),
    ];
    for (name, body) in cases {
        assert_json_snapshot!(
            format!("hypercard_recharge_error_{name}"),
            c.call(path, body).await
        );
    }
    c.call(
        "/openapi/card/operation",
        json!({"card_id": EUR_CARD, "request_number": "cancel-1", "type": 9}),
    )
    .await;
    assert_json_snapshot!(
        "hypercard_recharge_error_cancelled_card",
        c.call(path, json!({"card_id": EUR_CARD, "mc_trade_no": "T-7", "pay_coin": "usdt", "recharge_amount": "50"})).await
    );
}

#[tokio::test]
async fn estimation_crypto() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let path = "/openapi/card/estimation/crypto";
    assert_json_snapshot!(
        "hypercard_estimation",
        c.call(
            path,
            json!({"card_type_id": "1002", "pay_coin": "usdt", "recharge_amount": "100"})
        )
        .await
    );
    assert_json_snapshot!(
        "hypercard_estimation_unknown_type",
        c.call(
            path,
            json!({"card_type_id": "9", "pay_coin": "usdt", "recharge_amount": "100"})
        )
        .await
    );
}

#[tokio::test]
async fn buy_coin() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let path = "/openapi/card/buy/coin";
    assert_json_snapshot!(
        "hypercard_buy_coin",
        c.call(
            path,
            json!({"card_id": USD_CARD, "currency_amount": "188", "mc_trade_no": "B-1"})
        )
        .await
    );
    let cases = [
        (
            "duplicate_trade_no",
            json!({"card_id": USD_CARD, "currency_amount": "10", "mc_trade_no": "B-1"}),
        ),
        (
            "insufficient_balance",
            json!({"card_id": USD_CARD, "currency_amount": "5000", "mc_trade_no": "B-2"}),
        ),
        (
            "frozen_card",
            json!({"card_id": FROZEN_CARD, "currency_amount": "10", "mc_trade_no": "B-3"}),
        ),
        (
            "zero_amount",
            json!({"card_id": USD_CARD, "currency_amount": "0", "mc_trade_no": "B-4"}),
        ),
    ];
    for (name, body) in cases {
        assert_json_snapshot!(
            format!("hypercard_buy_coin_error_{name}"),
            c.call(path, body).await
        );
    }
}

#[tokio::test]
async fn card_operations_and_their_results() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let op = "/openapi/card/operation";
    let result = "/v2/openapi/card/operation/result";
    assert_json_snapshot!(
        "hypercard_operation_freeze",
        c.call(
            op,
            json!({"card_id": USD_CARD, "request_number": "r-1", "type": 1})
        )
        .await
    );
    assert_json_snapshot!(
        "hypercard_operation_result",
        c.call(
            result,
            json!({"card_id": USD_CARD, "request_number": "r-1", "type": 1})
        )
        .await
    );
    let declined = simulate(&app, "consume", json!({"card_id": USD_CARD, "amount": "5"})).await;
    assert_eq!(declined["declined"], "card is frozen");
    let cases = [
        (
            "freeze_frozen",
            json!({"card_id": USD_CARD, "request_number": "r-2", "type": 1}),
        ),
        (
            "duplicate_request_number",
            json!({"card_id": USD_CARD, "request_number": "r-1", "type": 2}),
        ),
        (
            "unknown_type",
            json!({"card_id": USD_CARD, "request_number": "r-3", "type": 7}),
        ),
        (
            "reissue_without_address",
            json!({"card_id": USD_CARD, "request_number": "r-4", "type": 5}),
        ),
        (
            "unknown_card",
            json!({"card_id": "42", "request_number": "r-5", "type": 1}),
        ),
    ];
    for (name, body) in cases {
        assert_json_snapshot!(
            format!("hypercard_operation_error_{name}"),
            c.call(op, body).await
        );
    }
    assert_eq!(
        c.call(
            op,
            json!({"card_id": USD_CARD, "request_number": "r-6", "type": 2})
        )
        .await["code"],
        "00000"
    );
    assert_eq!(
        c.call(
            op,
            json!({"card_id": USD_CARD, "request_number": "r-7", "type": 4})
        )
        .await["code"],
        "00000",
        "reset password is accepted and recorded"
    );
    assert_json_snapshot!(
        "hypercard_operation_result_unknown",
        c.call(
            result,
            json!({"card_id": USD_CARD, "request_number": "r-1", "type": 2})
        )
        .await
    );
}

#[tokio::test]
async fn cancel_refunds_the_balance_and_blocks_the_card() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    c.call(
        "/openapi/card/operation",
        json!({"card_id": EUR_CARD, "request_number": "c-1", "type": 9}),
    )
    .await;
    let now = c.now().await;
    let records = c
        .call(
            "/v3/openapi/card/transactions",
            json!({"start_time": (now - 60).to_string(), "end_time": now.to_string(), "page": 1, "size": 10, "business_type": 102}),
        )
        .await;
    assert_json_snapshot!("hypercard_cancel_record", records);
    let balance = c
        .call("/openapi/card/balance", json!({"card_id": EUR_CARD}))
        .await;
    assert_eq!(balance["data"]["available_balance"], "0.00");
    let merchant = c
        .call("/openapi/card/merchant/balance", json!({"coin": "eur"}))
        .await;
    assert_eq!(
        merchant["data"][0]["amount"], "249.00000000",
        "balance less the 1.00 fee"
    );
    let declined = simulate(&app, "consume", json!({"card_id": EUR_CARD, "amount": "5"})).await;
    assert_eq!(declined["declined"], "card is cancelled");
    assert_json_snapshot!(
        "hypercard_operation_error_cancelled",
        c.call(
            "/openapi/card/operation",
            json!({"card_id": EUR_CARD, "request_number": "c-2", "type": 2})
        )
        .await
    );
}

#[tokio::test]
async fn card_list_and_merchant_balance() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    assert_json_snapshot!(
        "hypercard_card_list",
        c.call("/v5/openapi/card/list", json!({})).await
    );
    let one = c
        .call("/v5/openapi/card/list", json!({"card_type_id": "1002"}))
        .await;
    assert_eq!(one["data"].as_array().map(Vec::len), Some(1));
    assert_json_snapshot!(
        "hypercard_merchant_balance",
        c.call("/openapi/card/merchant/balance", json!({})).await
    );
}

#[tokio::test]
async fn statement_lists_whole_months() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let spend = simulate(
        &app,
        "consume",
        json!({"card_id": USD_CARD, "amount": "12.34", "mcc": "5812", "description": "CAFE"}),
    )
    .await;
    let tx_id = spend["record"]["tx_id"].as_str().expect("tx_id").to_owned();
    advance(&app, 3600).await;
    simulate(&app, "refund", json!({"tx_id": tx_id, "amount": "2.34"})).await;
    simulate(&app, "fee", json!({"tx_id": tx_id})).await;
    let now = c.now().await;
    let path = "/v2/openapi/card/transaction/record";
    assert_json_snapshot!(
        "hypercard_statement",
        c.call(path, json!({"card_id": USD_CARD, "start_time": (now - 86_400).to_string(), "end_time": now.to_string()})).await
    );
    assert_json_snapshot!(
        "hypercard_statement_empty",
        c.call(path, json!({"card_id": EUR_CARD, "start_time": (now - 86_400).to_string(), "end_time": now.to_string()})).await
    );
    assert_json_snapshot!(
        "hypercard_statement_span_too_long",
        c.call(path, json!({"card_id": USD_CARD, "start_time": (now - 40 * 86_400).to_string(), "end_time": now.to_string()})).await
    );
    assert_json_snapshot!(
        "hypercard_statement_unknown_card",
        c.call(path, json!({"card_id": "77", "start_time": (now - 86_400).to_string(), "end_time": now.to_string()})).await
    );
}

#[tokio::test]
async fn bad_input_answers_in_the_envelope() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let unknown = c.post("/openapi/card/nothing", json!({})).await;
    assert_eq!(unknown.status, 404);
    assert_json_snapshot!("hypercard_unknown_route", unknown.json());
    let get = app.get("/openapi/card/balance").await;
    assert_eq!(get.status, 405);
    assert_json_snapshot!("hypercard_wrong_method", get.json());
    let malformed = app.post("/openapi/card/balance", "{\"card_id\": ").await;
    assert_eq!(malformed.status, 200);
    assert_json_snapshot!("hypercard_malformed_json", malformed.json());
    let huge = format!("{{\"card_id\": \"{}\"}}", "1".repeat(1024 * 1024 + 1));
    let too_large = app.post("/openapi/card/balance", &huge).await;
    assert_eq!(too_large.status, 413);
    assert_json_snapshot!("hypercard_body_too_large", too_large.json());
}

#[tokio::test]
async fn simulations_answer_records_and_refuse_what_cannot_happen() {
    let app = TestApp::from_yaml(SCENARIO);
    let spend = simulate(
        &app,
        "consume",
        json!({"card_id": EUR_CARD, "amount": 1500, "currency": "jpy", "mcc": "5411", "description": "FAMILYMART TOKYO"}),
    )
    .await;
    assert_json_snapshot!("hypercard_simulate_consume_foreign", spend);
    let tx_id = spend["record"]["tx_id"].as_str().expect("tx_id").to_owned();
    let short = simulate(
        &app,
        "consume",
        json!({"card_id": USD_CARD, "amount": "9999"}),
    )
    .await;
    assert_json_snapshot!("hypercard_simulate_consume_declined", short);
    let withdrawal = simulate(
        &app,
        "withdrawal",
        json!({"card_id": USD_CARD, "amount": "40"}),
    )
    .await;
    assert_json_snapshot!("hypercard_simulate_withdrawal", withdrawal);
    let over = app
        .post(
            "/_sandbox/tenants/default/simulate/hypercard/refund",
            &json!({"tx_id": tx_id, "amount": "999"}).to_string(),
        )
        .await;
    assert_eq!(over.status, 400);
    assert_json_snapshot!("hypercard_simulate_refund_too_much", over.json());
    let unknown_card = app
        .post(
            "/_sandbox/tenants/default/simulate/hypercard/consume",
            &json!({"card_id": "1", "amount": "1"}).to_string(),
        )
        .await;
    assert_eq!(unknown_card.status, 404);
    assert_json_snapshot!("hypercard_simulate_unknown_card", unknown_card.json());
    let unknown_event = app
        .post("/_sandbox/tenants/default/simulate/hypercard/explode", "{}")
        .await;
    assert_eq!(unknown_event.status, 404);
    assert_json_snapshot!("hypercard_simulate_unknown_event", unknown_event.json());
}

#[tokio::test]
async fn credentials_and_inventory_let_a_test_start_at_once() {
    let app = TestApp::from_yaml(SCENARIO);
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    assert_eq!(tenant["credentials"]["hypercard"][0]["api_key"], "hc_test");
    assert!(
        tenant["credentials"]["hypercard"][0]["private_key_pem"]
            .as_str()
            .is_some_and(|k| k.starts_with("-----BEGIN PRIVATE KEY-----"))
    );
    assert!(
        tenant["credentials"]["hypercard"][0]["platform_public_key_pem"]
            .as_str()
            .is_some_and(|k| k.starts_with("-----BEGIN PUBLIC KEY-----"))
    );
    assert_json_snapshot!("hypercard_inventory", tenant["inventory"]["hypercard"]);
}

#[tokio::test]
async fn every_card_endpoint_answers_a0004_for_an_unknown_card() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let now = c.now().await.to_string();
    let ghost = "1234567890123456789";
    let cases = [
        ("/openapi/card/balance", json!({"card_id": ghost})),
        (
            "/openapi/card/recharge",
            json!({"card_id": ghost, "mc_trade_no": "g-1", "pay_coin": "usdt", "recharge_amount": "50"}),
        ),
        (
            "/openapi/card/recharge/query",
            json!({"card_id": ghost, "mc_trade_no": "g-1"}),
        ),
        (
            "/openapi/card/buy/coin",
            json!({"card_id": ghost, "currency_amount": "10", "mc_trade_no": "g-2"}),
        ),
        (
            "/openapi/card/operation",
            json!({"card_id": ghost, "request_number": "g-3", "type": 1}),
        ),
        (
            "/v2/openapi/card/operation/result",
            json!({"card_id": ghost, "request_number": "g-3", "type": 1}),
        ),
        (
            "/v2/openapi/card/transaction/record",
            json!({"card_id": ghost, "start_time": now, "end_time": now}),
        ),
        (
            "/v3/openapi/card/transactions",
            json!({"card_id": ghost, "start_time": now, "end_time": now, "page": 1, "size": 10, "business_type": 2}),
        ),
    ];
    for (path, body) in cases {
        let answer = c.call(path, body).await;
        assert_eq!(
            answer,
            json!({"code": "A0004", "msg": format!("card {ghost} does not exist")}),
            "{path}"
        );
    }
}

#[tokio::test]
async fn filters_that_match_nothing_answer_empty_lists() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let list = c
        .call("/v5/openapi/card/list", json!({"card_type_id": "404"}))
        .await;
    assert_eq!(list, json!({"code": "00000", "msg": "ok", "data": []}));
    let balance = c
        .call("/openapi/card/merchant/balance", json!({"coin": "btc"}))
        .await;
    assert_eq!(balance, json!({"code": "00000", "msg": "ok", "data": []}));
    assert_json_snapshot!(
        "hypercard_estimation_unknown_coin",
        c.call(
            "/openapi/card/estimation/crypto",
            json!({"card_type_id": "1001", "pay_coin": "xyz", "recharge_amount": "10"})
        )
        .await
    );
    assert_json_snapshot!(
        "hypercard_statement_missing_end_time",
        c.call(
            "/v2/openapi/card/transaction/record",
            json!({"card_id": USD_CARD, "start_time": "1"})
        )
        .await
    );
}

#[tokio::test]
async fn recharges_respect_the_daily_limit_per_card() {
    let yaml = SCENARIO
        .replace("usdt: \"1000\"", "usdt: \"100000\"")
        .replace(
            "max_single_recharge_amount: \"5000\"",
            "max_single_recharge_amount: \"5000\"\n      max_recharge_amount: \"300\"",
        );
    let app = TestApp::from_yaml(&yaml);
    let c = Client::new(&app);
    let path = "/openapi/card/recharge";
    for (n, amount) in [(1, "200"), (2, "100")] {
        let ok = c
            .call(path, json!({"card_id": USD_CARD, "mc_trade_no": format!("D-{n}"), "pay_coin": "usdt", "recharge_amount": amount}))
            .await;
        assert_eq!(ok["code"], "00000", "{ok}");
    }
    assert_json_snapshot!(
        "hypercard_recharge_error_daily_limit",
        c.call(path, json!({"card_id": USD_CARD, "mc_trade_no": "D-3", "pay_coin": "usdt", "recharge_amount": "10"})).await
    );
    advance(&app, 86_400).await;
    let next_day = c
        .call(path, json!({"card_id": USD_CARD, "mc_trade_no": "D-4", "pay_coin": "usdt", "recharge_amount": "10"}))
        .await;
    assert_eq!(
        next_day["code"], "00000",
        "a new day, a new limit: {next_day}"
    );
}

#[tokio::test]
async fn card_balance_carries_the_products_card_type() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let products = c.call("/v5/openapi/card/list", json!({})).await;
    let of_usd = products["data"]
        .as_array()
        .and_then(|rows| rows.iter().find(|p| p["card_type_id"] == "1001"))
        .cloned()
        .expect("product 1001");
    let card_type = of_usd["card_type"].as_u64().expect("a card_type");
    let balance = c
        .call("/openapi/card/balance", json!({"card_id": USD_CARD}))
        .await;
    assert_eq!(balance["data"]["card_type"], card_type.to_string());
}

#[tokio::test]
async fn recharge_of_a_frozen_card_is_refused_and_moves_nothing() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let before = c
        .call("/openapi/card/balance", json!({"card_id": FROZEN_CARD}))
        .await;
    let merchant_before = c.call("/openapi/card/merchant/balance", json!({})).await;
    let answer = c
        .call(
            "/openapi/card/recharge",
            json!({"card_id": FROZEN_CARD, "mc_trade_no": "F-1", "pay_coin": "usdt", "recharge_amount": "100"}),
        )
        .await;
    assert_eq!(answer["code"], "A0000", "{answer}");
    advance(&app, 120).await;
    let after = c
        .call("/openapi/card/balance", json!({"card_id": FROZEN_CARD}))
        .await;
    assert_eq!(after, before);
    let webhooks = app.get("/_sandbox/tenants/default/webhooks").await.json();
    assert!(
        !webhooks.to_string().contains("RECHARGE"),
        "no push: {webhooks}"
    );
    assert_eq!(
        c.call("/openapi/card/merchant/balance", json!({})).await,
        merchant_before
    );
}

#[tokio::test]
async fn time_fields_out_of_range_are_a0003_not_an_internal_error() {
    // Found by the contract fuzzer: the most negative i64 overflowed the span check.
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    for (path, body) in [
        (
            "/v3/openapi/card/transactions",
            json!({"start_time": i64::MIN, "end_time": 0, "page": 1, "size": 10, "business_type": 1}),
        ),
        (
            "/v2/openapi/card/transaction/record",
            json!({"card_id": USD_CARD, "start_time": "-9223372036854775808", "end_time": "0"}),
        ),
        (
            "/v3/openapi/card/transactions",
            json!({"start_time": "0", "end_time": i64::MAX, "page": 1, "size": 10, "business_type": 1}),
        ),
    ] {
        let answer = c.call(path, body).await;
        assert_eq!(answer["code"], "A0003", "{path}: {answer}");
        assert!(
            answer["msg"]
                .as_str()
                .expect("a message")
                .contains("unix seconds"),
            "{answer}"
        );
    }
}
