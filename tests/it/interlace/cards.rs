//! Cards, transfers, wallets, card transactions and idempotency.

use axum::http::Method;
use insta::assert_json_snapshot;
use serde_json::json;

use super::{
    BUDGET_CARD, CARD, CUSTOMER, CUSTOMER_CARD, FRESH, MAIN, SCENARIO, UNVERIFIED, get, login,
    post, send, simulate,
};
use crate::support::TestApp;

#[tokio::test]
async fn cards_create_list_and_get() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    let created = post(
        &app,
        &token,
        "/open-api/v3/cards",
        json!({"accountId": MAIN, "cost": "25.50", "label": "New"}),
    )
    .await;
    assert_json_snapshot!("interlace_cards_create", created);
    let wallets = get(
        &app,
        &token,
        &format!("/open-api/v3/cards/wallets?accountId={MAIN}"),
    )
    .await;
    assert_json_snapshot!("interlace_wallets", wallets);
    assert_eq!(
        wallets["data"]["list"][0]["available"], "774.50",
        "1000 - 100 (budget) - 100 (the scenario's card) - 25.50 (this card)"
    );
    let budget_id = wallets["data"]["list"][1]["id"]
        .as_str()
        .expect("budget id")
        .to_owned();
    let budget_card = post(
        &app,
        &token,
        "/open-api/v3/cards",
        json!({"accountId": MAIN, "budgetId": budget_id, "label": "Budget 2"}),
    )
    .await;
    assert_eq!(budget_card["data"]["balanceId"], serde_json::Value::Null);
    assert_eq!(budget_card["data"]["budgetId"], budget_id.as_str());
    let list = get(
        &app,
        &token,
        &format!("/open-api/v3/cards?accountId={MAIN}&page=1&limit=2"),
    )
    .await;
    assert_eq!(list["data"]["total"], 4);
    assert_eq!(list["data"]["list"].as_array().map(Vec::len), Some(2));
    assert_json_snapshot!(
        "interlace_card_get",
        get(&app, &token, &format!("/open-api/v3/cards/{CARD}")).await
    );
    let cases = [
        ("not_initialised", json!({"accountId": FRESH, "cost": "1"})),
        ("no_kyc", json!({"accountId": UNVERIFIED, "cost": "1"})),
        (
            "insufficient",
            json!({"accountId": CUSTOMER, "cost": "500"}),
        ),
        ("unknown_account", json!({"accountId": "nope"})),
        ("bad_cost", json!({"accountId": MAIN, "cost": "1.234"})),
        ("missing_account", json!({"cost": "1"})),
        (
            "budget_with_cost",
            json!({"accountId": MAIN, "budgetId": budget_id, "cost": "5"}),
        ),
    ];
    for (name, body) in cases {
        assert_json_snapshot!(
            format!("interlace_cards_create_error_{name}"),
            post(&app, &token, "/open-api/v3/cards", body).await
        );
    }
    assert_json_snapshot!(
        "interlace_card_get_unknown",
        get(&app, &token, "/open-api/v3/cards/missing").await
    );
    assert_json_snapshot!(
        "interlace_cards_bad_limit",
        get(&app, &token, "/open-api/v3/cards?limit=101").await
    );
}

#[tokio::test]
async fn an_idempotency_key_repeats_the_first_answer() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    let body = json!({"accountId": MAIN, "cost": "10", "label": "Once"});
    let first = send(
        &app,
        Method::POST,
        &token,
        "/open-api/v3/cards",
        Some(body.clone()),
        Some("key-1"),
    )
    .await;
    let second = send(
        &app,
        Method::POST,
        &token,
        "/open-api/v3/cards",
        Some(body.clone()),
        Some("key-1"),
    )
    .await;
    assert_eq!(first.bytes, second.bytes, "the very same answer");
    let third = send(
        &app,
        Method::POST,
        &token,
        "/open-api/v3/cards",
        Some(body),
        Some("key-2"),
    )
    .await;
    assert_ne!(first.json()["data"]["id"], third.json()["data"]["id"]);
    let wallets = get(
        &app,
        &token,
        &format!("/open-api/v3/cards/wallets?accountId={MAIN}"),
    )
    .await;
    assert_eq!(
        wallets["data"]["list"][0]["available"], "780.00",
        "charged twice, not three times"
    );
}

#[tokio::test]
async fn beyond_the_idempotency_limit_the_oldest_keys_are_forgotten() {
    let limits = card_sandbox::tenant::Limits {
        idempotency_keys: 3,
        ..Default::default()
    };
    let app = TestApp::from_yaml_with_limits(SCENARIO, limits);
    let token = login(&app).await;
    let create = |key: String| {
        let (app, token) = (&app, &token);
        async move {
            let body = json!({"accountId": MAIN, "cost": "1", "label": "Bounded"});
            let answer = send(
                app,
                Method::POST,
                token,
                "/open-api/v3/cards",
                Some(body),
                Some(&key),
            )
            .await;
            assert_eq!(answer.json()["code"], "000000", "{}", answer.text());
            answer.bytes
        }
    };
    let mut first = Vec::new();
    for n in 0..6 {
        first.push(create(format!("key-{n}")).await);
    }
    for (n, first) in first.iter().enumerate().skip(3) {
        assert_eq!(
            &create(format!("key-{n}")).await,
            first,
            "key-{n} is among the newest three: the first answer again"
        );
    }
    assert_ne!(
        create("key-0".to_owned()).await,
        first[0],
        "key-0 was forgotten: a new card"
    );
    let cards = get(
        &app,
        &token,
        &format!("/open-api/v3/cards?accountId={MAIN}&limit=100"),
    )
    .await;
    let bounded = cards["data"]["list"]
        .as_array()
        .expect("a list")
        .iter()
        .filter(|c| c["label"] == "Bounded")
        .count();
    assert_eq!(bounded, 7, "six keys and one forgotten key: seven cards");
}

#[tokio::test]
async fn transfers_move_money_between_a_card_and_the_infinity_balance() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    let into = post(
        &app,
        &token,
        "/open-api/v3/cards/transfer-in",
        json!({"accountId": MAIN, "cardId": CARD, "clientTransactionId": "t-1", "amount": "40"}),
    )
    .await;
    assert_json_snapshot!("interlace_transfer_in", into);
    let out = post(
        &app,
        &token,
        "/open-api/v3/cards/transfer-out",
        json!({"accountId": MAIN, "cardId": CARD, "clientTransactionId": "t-2", "amount": 15}),
    )
    .await;
    assert_json_snapshot!("interlace_transfer_out", out);
    let cases = [
        (
            "too_much",
            "/open-api/v3/cards/transfer-out",
            json!({"accountId": MAIN, "cardId": CARD, "amount": "1000"}),
        ),
        (
            "wrong_account",
            "/open-api/v3/cards/transfer-in",
            json!({"accountId": CUSTOMER, "cardId": CARD, "amount": "1"}),
        ),
        (
            "budget_card",
            "/open-api/v3/cards/transfer-in",
            json!({"accountId": MAIN, "cardId": BUDGET_CARD, "amount": "1"}),
        ),
        (
            "zero",
            "/open-api/v3/cards/transfer-in",
            json!({"accountId": MAIN, "cardId": CARD, "amount": "0"}),
        ),
    ];
    for (name, path, body) in cases {
        assert_json_snapshot!(
            format!("interlace_transfer_error_{name}"),
            post(&app, &token, path, body).await
        );
    }
}

#[tokio::test]
async fn card_transactions_hold_clear_reverse_refund_and_fee() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    let auth = simulate(&app, "card-transaction", json!({"cardId": CARD, "type": "authorization", "amount": "60", "merchantName": "BLUE BOTTLE", "mcc": "5812"})).await;
    assert_json_snapshot!("interlace_simulate_authorization", auth);
    let auth_id = auth["transaction"]["id"].as_str().expect("id").to_owned();
    let declined = simulate(
        &app,
        "card-transaction",
        json!({"cardId": CARD, "type": "authorization", "amount": "50"}),
    )
    .await;
    assert_eq!(
        declined["declined"],
        "insufficient funds: 50.00 needed, 40.00 available"
    );
    let cleared = simulate(
        &app,
        "card-transaction",
        json!({"cardId": CARD, "type": "clearing", "transactionId": auth_id, "amount": "75"}),
    )
    .await;
    assert_json_snapshot!("interlace_simulate_clearing_above", cleared);
    assert_eq!(cleared["balance"], "25.00");
    let fee = simulate(
        &app,
        "card-transaction",
        json!({"cardId": CARD, "type": "fee", "amount": "30"}),
    )
    .await;
    assert_eq!(
        fee["balance"], "-5.00",
        "a fee takes an empty card negative"
    );
    let small = simulate(
        &app,
        "card-transaction",
        json!({"cardId": CUSTOMER_CARD, "type": "authorization", "amount": "20"}),
    )
    .await;
    let small_id = small["transaction"]["id"].as_str().expect("id").to_owned();
    let below = simulate(&app, "card-transaction", json!({"cardId": CUSTOMER_CARD, "type": "clearing", "transactionId": small_id, "amount": "18"})).await;
    assert_eq!(below["transaction"]["businessCode"], "1005");
    let held = simulate(
        &app,
        "card-transaction",
        json!({"cardId": CUSTOMER_CARD, "type": "authorization", "amount": "5"}),
    )
    .await;
    let held_id = held["transaction"]["id"].as_str().expect("id").to_owned();
    let reversed = simulate(
        &app,
        "card-transaction",
        json!({"cardId": CUSTOMER_CARD, "type": "reversal", "transactionId": held_id}),
    )
    .await;
    assert_eq!(reversed["balance"], "32.00");
    simulate(
        &app,
        "card-transaction",
        json!({"cardId": CUSTOMER_CARD, "type": "refund", "amount": "10", "currency": "EUR"}),
    )
    .await;
    let list = get(
        &app,
        &token,
        &format!("/open-api/v3/card/transactions?cardId={CUSTOMER_CARD}"),
    )
    .await;
    assert_json_snapshot!("interlace_card_transactions", list);
    let bad = app
        .post(
            "/_sandbox/tenants/default/simulate/interlace/card-transaction",
            &json!({"cardId": CARD, "type": "clearing", "transactionId": auth_id}).to_string(),
        )
        .await;
    assert_eq!(bad.status, 409);
    assert_json_snapshot!("interlace_simulate_clearing_twice", bad.json());
    let unknown_type = app
        .post(
            "/_sandbox/tenants/default/simulate/interlace/card-transaction",
            &json!({"cardId": CARD, "type": "chargeback"}).to_string(),
        )
        .await;
    assert_eq!(unknown_type.status, 400);
}

#[tokio::test]
async fn bad_input_answers_in_the_envelope() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    let unknown = send(
        &app,
        Method::GET,
        &token,
        "/open-api/v3/nothing",
        None,
        None,
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_json_snapshot!("interlace_unknown_route", unknown.json());
    let wrong = send(
        &app,
        Method::DELETE,
        &token,
        "/open-api/v3/cards",
        None,
        None,
    )
    .await;
    assert_eq!(wrong.status, 405);
    assert_json_snapshot!("interlace_wrong_method", wrong.json());
    let malformed = app
        .send(
            axum::http::Request::post("/open-api/v3/cards")
                .header("x-access-token", &token)
                .body(axum::body::Body::from("{\"accountId\": "))
                .expect("request"),
        )
        .await;
    assert_eq!(malformed.status, 200);
    assert_json_snapshot!("interlace_malformed_json", malformed.json());
}

#[tokio::test]
async fn credentials_and_inventory_let_a_test_start_at_once() {
    let app = TestApp::from_yaml(SCENARIO);
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    assert_json_snapshot!("interlace_credentials", tenant["credentials"]["interlace"]);
    assert_json_snapshot!("interlace_inventory", tenant["inventory"]["interlace"]);
}
