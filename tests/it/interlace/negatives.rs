//! Card negatives: the seed's object shapes, statistics, bills and their CSV files,
//! repayments, batch hooks, and consistency under random activity.

use std::collections::BTreeMap;

use insta::assert_json_snapshot;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{
    BUDGET_CARD, CARD, CUSTOMER, CUSTOMER_CARD, MAIN, SCENARIO, get, login, post, simulate,
};
use crate::support::TestApp;

/// The seed's example objects (seed 000), for key sets and JSON types.
const SEED_NEGATIVE: &str = r#"{"accountId": "2e3cbb16-a420-4080-9094-e19f45371fee", "accountName": "Example Test Account", "accountEn": "Example Test Account", "displayId": "2000001", "type": 0, "cardNegative": "120.50", "budgetNegative": "50.00", "currency": "USD", "statTime": "1711785600000"}"#;
const SEED_BILL: &str = r#"{"accountId": "2e3cbb16-a420-4080-9094-e19f45371fee", "displayId": "2000001", "createTime": "1711785600000", "total": "5", "negativeUrl": "https://s3.example.com/bills/negative_bill_2000001.csv"}"#;
const SEED_REPAYMENT: &str = r#"{"accountId": "2e3cbb16-a420-4080-9094-e19f45371fee", "displayId": "2000001", "type": "0", "currency": "USD", "cardNegative": "120.50", "budgetNegative": "50.00", "cardSettleAmount": "120.50", "budgetSettleAmount": "50.00", "cardUnpaidAmount": "0.00", "budgetUnpaidAmount": "0.00", "repayTime": 1711785600000}"#;
const SEED_BATCH: &str = r#"{"batchNo": "BATCH_20260330163600", "page": 1, "size": 100, "total": 500, "lastPage": false, "fileUrl": "https://s3.example.com/export/batch_list.csv", "list": []}"#;

/// Each key with the kind of its JSON value.
fn shape(value: &Value) -> BTreeMap<String, &'static str> {
    value
        .as_object()
        .expect("an object")
        .iter()
        .map(|(k, v)| {
            let kind = match v {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            (k.clone(), kind)
        })
        .collect()
}

fn seed(text: &str) -> Value {
    serde_json::from_str(text).expect("seed example")
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an amount: {v}"))
}

#[tokio::test]
async fn statistics_bills_repayments_and_batches_have_the_seed_shapes() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    simulate(
        &app,
        "card-transaction",
        json!({"cardId": CARD, "type": "fee", "amount": "130.50"}),
    )
    .await;
    simulate(
        &app,
        "card-transaction",
        json!({"cardId": BUDGET_CARD, "type": "fee", "amount": "150"}),
    )
    .await;
    let stats = simulate(&app, "negative-stat", json!({})).await;
    assert_json_snapshot!("interlace_negative_stat", stats);
    let negatives = get(
        &app,
        &token,
        &format!("/open-api/v3/card-negative/accounts?accountId={MAIN}"),
    )
    .await;
    assert_json_snapshot!("interlace_negative_accounts", negatives);
    let stat = &negatives["data"]["list"][0];
    assert_eq!(shape(stat), shape(&seed(SEED_NEGATIVE)));
    assert_eq!(stat["cardNegative"], "30.50");
    assert_eq!(stat["budgetNegative"], "50.00");

    let bills = get(
        &app,
        &token,
        &format!("/open-api/v3/card-negative/bills?accountId={MAIN}"),
    )
    .await;
    assert_json_snapshot!("interlace_negative_bills", bills);
    let bill = &bills["data"]["list"][0];
    assert_eq!(shape(bill), shape(&seed(SEED_BILL)));
    let url = bill["negativeUrl"].as_str().expect("url");
    let path = url
        .strip_prefix("http://sandbox.test")
        .expect("built from the public URL");
    let csv = app.get(path).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    insta::assert_snapshot!("interlace_bill_csv", csv.text());

    let funded = simulate(
        &app,
        "fund-account",
        json!({"accountId": MAIN, "amount": "10"}),
    )
    .await;
    assert_eq!(funded["repaid"], true);
    simulate(
        &app,
        "fund-account",
        json!({"accountId": MAIN, "amount": "500"}),
    )
    .await;
    let repayments = get(
        &app,
        &token,
        &format!("/open-api/v3/card-negative/repayments?accountId={MAIN}"),
    )
    .await;
    assert_json_snapshot!("interlace_negative_repayments", repayments);
    for r in repayments["data"]["list"].as_array().expect("list") {
        assert_eq!(shape(r), shape(&seed(SEED_REPAYMENT)));
    }
    let batches = app
        .get("/_sandbox/tenants/default/interlace/batches")
        .await
        .json();
    assert_json_snapshot!("interlace_batches", batches);
    let batch = &batches["batches"][0];
    let mut seed_batch = seed(SEED_BATCH);
    seed_batch["list"] = json!([]);
    let mut ours = batch.clone();
    ours["list"] = json!([]);
    assert_eq!(shape(&ours), shape(&seed_batch));
    assert_eq!(shape(&batch["list"][0]), shape(&seed(SEED_NEGATIVE)));
    let file = batch["fileUrl"]
        .as_str()
        .expect("url")
        .strip_prefix("http://sandbox.test")
        .expect("path")
        .to_owned();
    insta::assert_snapshot!("interlace_batch_csv", app.get(&file).await.text());
    let missing = app
        .get("/_sandbox/files/default/interlace/bills/none.csv")
        .await;
    assert_eq!(missing.status, 404);
    assert_json_snapshot!("interlace_file_not_found", missing.json());
}

#[tokio::test]
async fn under_an_admin_token_file_links_open_with_their_key_not_the_admin_token() {
    let app = TestApp::from_yaml_with_admin_token(SCENARIO, "s3cret");
    let admin = |method: &str, uri: &str, body: Value| {
        axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", "Bearer s3cret")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .expect("a request")
    };
    let fee = json!({"cardId": CARD, "type": "fee", "amount": "130.50"});
    let path = "/_sandbox/tenants/default/simulate/interlace";
    let made = app
        .send(admin("POST", &format!("{path}/card-transaction"), fee))
        .await;
    assert_eq!(made.status, 200, "{}", made.text());
    let stat = app
        .send(admin("POST", &format!("{path}/negative-stat"), json!({})))
        .await;
    assert_eq!(stat.status, 200, "{}", stat.text());

    // The provider client reads its bill link with its own credentials only.
    let token = login(&app).await;
    let bills = get(
        &app,
        &token,
        &format!("/open-api/v3/card-negative/bills?accountId={MAIN}"),
    )
    .await;
    let url = bills["data"]["list"][0]["negativeUrl"]
        .as_str()
        .expect("a bill link");
    let link = url.strip_prefix("http://sandbox.test").expect("a path");
    let (file, key) = link.split_once("?key=").expect("the link carries a key");
    assert_eq!(key.len(), 32);
    let csv = app.get(link).await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));

    // Without the key, or with another's, the file stays shut; the admin token opens it.
    let bare = app.get(file).await;
    assert_eq!(bare.status, 401);
    assert!(bare.text().contains("key parameter"), "{}", bare.text());
    let forged = app.get(&format!("{file}?key={}", "0".repeat(32))).await;
    assert_eq!(forged.status, 401);
    let as_admin = app.send(admin("GET", file, json!({}))).await;
    assert_eq!(as_admin.status, 200);

    // Batch hook links are keyed the same way.
    let batches = app
        .send(admin(
            "GET",
            "/_sandbox/tenants/default/interlace/batches",
            json!({}),
        ))
        .await
        .json();
    let batch = batches["batches"][0]["fileUrl"].as_str().expect("a link");
    let batch = batch.strip_prefix("http://sandbox.test").expect("a path");
    assert!(batch.contains("?key="), "{batch}");
    assert_eq!(app.get(batch).await.status, 200);
}

#[tokio::test]
async fn statistics_are_taken_at_midnight_on_the_tenant_clock() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    simulate(
        &app,
        "card-transaction",
        json!({"cardId": CUSTOMER_CARD, "type": "fee", "amount": "70"}),
    )
    .await;
    // 2026-03-01T12:00Z: the next statistic is at 2026-03-02T00:00Z.
    app.advance(12 * 3600 - 1).await;
    let before = get(
        &app,
        &token,
        &format!("/open-api/v3/card-negative/accounts?accountId={CUSTOMER}"),
    )
    .await;
    assert_eq!(before["data"]["total"], 0);
    app.advance(1).await;
    let after = get(
        &app,
        &token,
        &format!("/open-api/v3/card-negative/accounts?accountId={CUSTOMER}"),
    )
    .await;
    assert_eq!(after["data"]["total"], 1);
    assert_eq!(after["data"]["list"][0]["statTime"], "1772409600000");
    assert_eq!(after["data"]["list"][0]["cardNegative"], "20.00");
    let batches = app
        .get("/_sandbox/tenants/default/interlace/batches")
        .await
        .json();
    assert_eq!(batches["batches"][0]["batchNo"], "BATCH_20260302000000");
    let ranged = get(
        &app,
        &token,
        &format!(
            "/open-api/v3/card-negative/accounts?accountId={CUSTOMER}&startTime=1772409600001"
        ),
    )
    .await;
    assert_eq!(ranged["data"]["total"], 0);
    assert_json_snapshot!(
        "interlace_negative_accounts_missing_account",
        get(&app, &token, "/open-api/v3/card-negative/accounts").await
    );
    assert_json_snapshot!(
        "interlace_negative_repayments_bad_time",
        get(
            &app,
            &token,
            &format!(
                "/open-api/v3/card-negative/repayments?accountId={CUSTOMER}&startTime=yesterday"
            )
        )
        .await
    );
}

/// Sum of the negative balances the wallets show for an account's prepaid cards, and
/// its budget's negative.
async fn negatives_from_wallets(app: &TestApp, token: &str, account: &str) -> (Decimal, Decimal) {
    let wallets = get(
        app,
        token,
        &format!("/open-api/v3/cards/wallets?accountId={account}"),
    )
    .await;
    let mut cards = Decimal::ZERO;
    let mut budget = Decimal::ZERO;
    for w in wallets["data"]["list"].as_array().expect("list") {
        let available = dec(&w["available"]);
        if available < Decimal::ZERO {
            match w["objectType"].as_i64() {
                Some(1) => budget -= available,
                Some(2) => cards -= available,
                _ => panic!("the Infinity balance never goes negative: {w}"),
            }
        }
    }
    (cards, budget)
}

#[tokio::test]
async fn negatives_repayments_and_bills_stay_consistent_under_random_activity() {
    let app = TestApp::from_yaml(SCENARIO);
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let cards = [CARD, BUDGET_CARD, CUSTOMER_CARD];
    let accounts = [MAIN, CUSTOMER];
    let mut bills_seen = 0;
    for step in 0..200 {
        // The clock moves up to a day per step, so tokens expire: log in every step.
        let token = login(&app).await;
        let card = cards[rng.random_range(0..cards.len())];
        let amount = format!(
            "{}.{:02}",
            rng.random_range(1..60),
            rng.random_range(0..100)
        );
        match rng.random_range(0..10) {
            0..=3 => {
                let auth = simulate(
                    &app,
                    "card-transaction",
                    json!({"cardId": card, "type": "authorization", "amount": amount}),
                )
                .await;
                if auth["declined"].is_null() {
                    let id = auth["transaction"]["id"].as_str().expect("id").to_owned();
                    let factor = [100, 130, 80][rng.random_range(0..3)];
                    let cleared = (dec(&auth["transaction"]["billingAmount"])
                        * Decimal::from(factor)
                        / Decimal::from(100))
                    .round_dp(2);
                    if rng.random_bool(0.15) {
                        simulate(
                            &app,
                            "card-transaction",
                            json!({"cardId": card, "type": "reversal", "transactionId": id}),
                        )
                        .await;
                    } else {
                        simulate(&app, "card-transaction", json!({"cardId": card, "type": "clearing", "transactionId": id, "amount": cleared.to_string()})).await;
                    }
                }
            }
            4..=5 => {
                simulate(
                    &app,
                    "card-transaction",
                    json!({"cardId": card, "type": "fee", "amount": amount}),
                )
                .await;
            }
            6 => {
                simulate(
                    &app,
                    "card-transaction",
                    json!({"cardId": card, "type": "refund", "amount": amount}),
                )
                .await;
            }
            7 => {
                let account = accounts[rng.random_range(0..accounts.len())];
                simulate(
                    &app,
                    "fund-account",
                    json!({"accountId": account, "amount": amount}),
                )
                .await;
            }
            8 => {
                if card != BUDGET_CARD {
                    let account = if card == CUSTOMER_CARD {
                        CUSTOMER
                    } else {
                        MAIN
                    };
                    post(
                        &app,
                        &token,
                        "/open-api/v3/cards/transfer-in",
                        json!({"accountId": account, "cardId": card, "amount": amount}),
                    )
                    .await;
                }
            }
            _ => app.advance(rng.random_range(3600..86_400)).await,
        }
        let stats = simulate(&app, "negative-stat", json!({})).await;
        for stat in stats["statistics"].as_array().expect("statistics") {
            let account = stat["accountId"].as_str().expect("account");
            if !accounts.contains(&account) {
                continue;
            }
            let (cards_negative, budget_negative) =
                negatives_from_wallets(&app, &token, account).await;
            assert_eq!(
                dec(&stat["cardNegative"]),
                cards_negative,
                "step {step}: card negatives of {account}"
            );
            assert_eq!(
                dec(&stat["budgetNegative"]),
                budget_negative,
                "step {step}: budget negative of {account}"
            );
        }
        for stat in stats["statistics"].as_array().expect("statistics") {
            let account = stat["accountId"].as_str().expect("account");
            let owed = dec(&stat["cardNegative"]) + dec(&stat["budgetNegative"]);
            if owed.is_zero() {
                continue;
            }
            // This run billed the account: its newest bill's rows sum to the statistic.
            let bills = get(
                &app,
                &token,
                &format!("/open-api/v3/card-negative/bills?accountId={account}&limit=1"),
            )
            .await;
            let bill = &bills["data"]["list"][0];
            assert_eq!(bill["createTime"], stat["statTime"], "step {step}");
            let path = bill["negativeUrl"]
                .as_str()
                .and_then(|u| u.strip_prefix("http://sandbox.test"))
                .expect("path")
                .to_owned();
            let csv = app.get(&path).await.text();
            let rows: Vec<&str> = csv.lines().skip(1).collect();
            assert_eq!(
                bill["total"],
                rows.len().to_string(),
                "step {step}: total counts the rows"
            );
            let sum: Decimal = rows
                .iter()
                .map(|r| {
                    r.rsplit(',')
                        .next()
                        .and_then(|a| a.parse::<Decimal>().ok())
                        .expect("amount")
                })
                .sum();
            assert_eq!(sum, owed, "step {step}: bill rows sum to the statistic");
        }
        for account in accounts {
            let bills = get(
                &app,
                &token,
                &format!("/open-api/v3/card-negative/bills?accountId={account}&limit=1"),
            )
            .await;
            bills_seen = bills_seen.max(bills["data"]["total"].as_u64().unwrap_or(0));
            let repayments = get(
                &app,
                &token,
                &format!("/open-api/v3/card-negative/repayments?accountId={account}&limit=100"),
            )
            .await;
            for r in repayments["data"]["list"].as_array().expect("repayments") {
                assert_eq!(
                    dec(&r["cardNegative"]),
                    dec(&r["cardSettleAmount"]) + dec(&r["cardUnpaidAmount"])
                );
                assert_eq!(
                    dec(&r["budgetNegative"]),
                    dec(&r["budgetSettleAmount"]) + dec(&r["budgetUnpaidAmount"])
                );
                assert!(
                    dec(&r["cardUnpaidAmount"]) >= Decimal::ZERO
                        && dec(&r["budgetUnpaidAmount"]) >= Decimal::ZERO
                );
            }
        }
        if step % 20 == 0 {
            let invariants = app.get("/_sandbox/tenants/default/invariants").await.json();
            assert_eq!(invariants["ok"], true, "step {step}: {invariants}");
        }
    }
    assert!(bills_seen >= 3, "the run produced negative bills");
}

#[tokio::test]
async fn the_programme_in_trouble_has_negatives_bills_and_full_and_partial_repayments() {
    // The default world is a healthy programme whose cards are topped up; the library's
    // programme in trouble drains its cards (same accounts and cards).
    let app = TestApp::from_yaml(include_str!("../../../scenarios/programme-in-trouble.yaml"));
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    let accounts = tenant["inventory"]["interlace"]["accounts"]
        .as_array()
        .expect("accounts")
        .clone();
    assert_eq!(accounts.len(), 2);
    assert!(
        tenant["inventory"]["interlace"]["cards"]
            .as_array()
            .map_or(0, Vec::len)
            >= 6
    );
    let code = app
        .get("/open-api/oauth/authorize?clientId=il_sandbox_client")
        .await
        .json()["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let token = app
        .post("/open-api/oauth/access-token", &json!({"clientId": "il_sandbox_client", "clientSecret": "il_sandbox_secret", "code": code}).to_string())
        .await
        .json()["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let mut bills = 0;
    let mut full = 0;
    let mut partial = 0;
    let mut types = Vec::new();
    for account in &accounts {
        let account = account.as_str().expect("id");
        let b = get(
            &app,
            &token,
            &format!("/open-api/v3/card-negative/bills?accountId={account}&limit=1"),
        )
        .await;
        bills += b["data"]["total"].as_u64().unwrap_or(0);
        let r = get(
            &app,
            &token,
            &format!("/open-api/v3/card-negative/repayments?accountId={account}&limit=100"),
        )
        .await;
        for rep in r["data"]["list"].as_array().expect("list") {
            if dec(&rep["cardUnpaidAmount"]).is_zero() && dec(&rep["budgetUnpaidAmount"]).is_zero()
            {
                full += 1;
            } else {
                partial += 1;
            }
        }
        let n = get(
            &app,
            &token,
            &format!("/open-api/v3/card-negative/accounts?accountId={account}&limit=1"),
        )
        .await;
        types.push(n["data"]["list"][0]["type"].clone());
    }
    assert!(bills >= 3, "{bills} bills");
    assert!(
        full >= 1 && partial >= 1,
        "{full} full and {partial} partial repayments"
    );
    assert_eq!(types, [json!(0), json!(1)]);
}

#[tokio::test]
async fn two_statistic_runs_in_the_same_second_have_their_own_batch_and_file() {
    let app = TestApp::from_yaml(SCENARIO);
    simulate(&app, "negative-stat", json!({})).await;
    simulate(&app, "negative-stat", json!({})).await;
    let batches = app
        .get("/_sandbox/tenants/default/interlace/batches")
        .await
        .json();
    let batches = batches["batches"].as_array().expect("batches").clone();
    assert_eq!(batches.len(), 2, "{batches:?}");
    assert_ne!(batches[0]["batchNo"], batches[1]["batchNo"]);
    assert_ne!(batches[0]["fileUrl"], batches[1]["fileUrl"]);
    for batch in &batches {
        let file = batch["fileUrl"]
            .as_str()
            .expect("url")
            .strip_prefix("http://sandbox.test")
            .expect("path")
            .to_owned();
        let csv = app.get(&file).await.text();
        let rows = csv.lines().count() - 1;
        assert_eq!(Some(rows as u64), batch["total"].as_u64(), "{csv}");
    }
}
