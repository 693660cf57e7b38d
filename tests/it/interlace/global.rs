//! Global accounts: legal entities on the clock, business and bank accounts (numbers
//! that validate), deposits and transfers through their statuses with fees, and the
//! balance identity under random activity.

use card_sandbox::providers::interlace::global::bank::{aba_is_valid, iban_is_valid};
use insta::assert_json_snapshot;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{CUSTOMER, MAIN, SCENARIO, get, login, post, simulate};
use crate::support::TestApp;

/// The card scenario plus global accounts: the main account's legal entity is ACTIVE
/// with USD, EUR and GBP business accounts; the customer's is AWAIT_ADDITIONAL.
pub(crate) fn scenario() -> String {
    format!(
        "{SCENARIO}  legal_entities:\n    - account: main\n    - account: customer\n      status: AWAIT_ADDITIONAL\n  business_accounts:\n    - account: main\n      id: \"b0000000-0000-4000-8000-000000000001\"\n      nickname: \"USD Operating\"\n      currency: USD\n    - account: main\n      id: \"b0000000-0000-4000-8000-000000000002\"\n      nickname: \"EUR Collections\"\n      currency: EUR\n    - account: main\n      id: \"b0000000-0000-4000-8000-000000000003\"\n      nickname: \"GBP Payroll\"\n      currency: GBP\n"
    )
}

const USD_BA: &str = "b0000000-0000-4000-8000-000000000001";
const EUR_BA: &str = "b0000000-0000-4000-8000-000000000002";
const GBP_BA: &str = "b0000000-0000-4000-8000-000000000003";

const SEED_LEGAL_ENTITY: &str = r#"{"accountId": "123e4567-e89b-12d3-a456-426614174000", "accountName": "My Business Account", "id": "123e4567-e89b-12d3-a456-426614174000", "message": "Legal entity created successfully", "status": "PENDING"}"#;
const SEED_BUSINESS_ACCOUNT: &str = r#"{"id": "3732c2ee-ebb5-466a-9acf-5bc76986b140", "accountId": "418b0432-b092-425c-a061-f2486c8efe5c", "createTime": "1754547327312", "nickname": "InstaPay Wallet", "purpose": "", "currency": "USD", "balanceId": "d72e292f-c762-4d2b-b20a-1157cf818f98", "bankAccounts": []}"#;
const SEED_BANK_ACCOUNT: &str = r#"{"status": "ACTIVE", "currency": "USD", "accountNo": "GB49TCCL12345614818413", "accountId": "d37deed7-f0e7-4635-a43a-781af0cb59f0", "createTime": "1754475956", "bankName": "The Currency Cloud Limited", "routingType": "BIC_SWIFT", "routingNumber": "TCCLGB3L", "bankAddress": "12 Steward Street, The Steward Building, London, E1 6FQ, GB", "accountName": "API TEST"}"#;
const SEED_TRANSACTION: &str = r#"{"id": "09469112-d119-4003-b1f9-954b06458690", "accountId": "c110126c-cbb2-4306-8977-37c88fb4a47a", "currency": "USD", "counterparty": "US-USD-3525-Swift", "settlementAmount": "200.00", "transactionDisplayId": "2507101727000005", "fees": [{"amount": "25.00", "currency": "USD", "feeType": 0}], "businessType": "OUTBOUND", "status": "PENDING", "reference": "test", "originTransferId": "4c7fd05e-b273-4427-8b1c-2d2c7fc2a836", "clientTransactionId": "22fc8ee2-5afe-4586-b733-17b97ccc870f"}"#;

fn shape(value: &Value) -> Vec<(String, &'static str)> {
    value
        .as_object()
        .expect("an object")
        .iter()
        .map(|(k, v)| {
            let kind = match v {
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
                Value::Bool(_) => "bool",
                Value::Null => "null",
            };
            (k.clone(), kind)
        })
        .collect()
}

fn seed(text: &str) -> Value {
    serde_json::from_str(text).expect("seed example")
}

async fn balance_of(app: &TestApp, token: &str, ba: &str) -> Value {
    get(
        app,
        token,
        &format!("/open-api/v3/business/accounts/{ba}/balance"),
    )
    .await
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an amount: {v}"))
}

#[tokio::test]
async fn legal_entities_are_reviewed_on_the_clock() {
    let app = TestApp::from_yaml(&scenario());
    let token = login(&app).await;
    let created = post(
        &app,
        &token,
        "/open-api/v3/business/legal-entity",
        json!({"accountId": CUSTOMER, "accountName": "Example Customer Ltd"}),
    )
    .await;
    assert_json_snapshot!("interlace_legal_entity_create", created);
    let mut sorted_ours = shape(&created["data"]);
    sorted_ours.sort();
    let mut sorted_seed = shape(&seed(SEED_LEGAL_ENTITY));
    sorted_seed.sort();
    assert_eq!(sorted_ours, sorted_seed);
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let path = format!("/open-api/v3/business/legal-entity/{id}");
    app.advance(3600).await;
    assert_eq!(
        get(&app, &token, &path).await["data"]["status"],
        "PROCESSING"
    );
    app.advance(86_400).await;
    let token = login(&app).await;
    assert_json_snapshot!(
        "interlace_legal_entity_active",
        get(&app, &token, &path).await
    );
    let forced = simulate(
        &app,
        "legal-entity-status",
        json!({"id": id, "status": "FROZEN"}),
    )
    .await;
    assert_eq!(forced["status"], "FROZEN");
    let bad = app
        .post(
            "/_sandbox/tenants/default/simulate/interlace/legal-entity-status",
            &json!({"id": id, "status": "ASLEEP"}).to_string(),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_json_snapshot!("interlace_legal_entity_bad_status", bad.json());
    assert_json_snapshot!(
        "interlace_legal_entity_unknown",
        get(&app, &token, "/open-api/v3/business/legal-entity/nope").await
    );
}

#[tokio::test]
async fn business_and_bank_accounts_with_numbers_that_validate() {
    let app = TestApp::from_yaml(&scenario());
    let token = login(&app).await;
    let refused = post(
        &app,
        &token,
        "/open-api/v3/business/accounts",
        json!({"accountId": CUSTOMER, "nickname": "X", "currency": "USD"}),
    )
    .await;
    assert_json_snapshot!("interlace_business_account_no_active_entity", refused);
    let duplicate = post(
        &app,
        &token,
        "/open-api/v3/business/accounts",
        json!({"accountId": MAIN, "nickname": "USD Operating", "currency": "USD"}),
    )
    .await;
    assert_json_snapshot!("interlace_business_account_duplicate_nickname", duplicate);
    let unsupported = post(
        &app,
        &token,
        "/open-api/v3/business/accounts",
        json!({"accountId": MAIN, "nickname": "Yen", "currency": "JPY"}),
    )
    .await;
    assert_json_snapshot!(
        "interlace_business_account_unsupported_currency",
        unsupported
    );
    let created = post(&app, &token, "/open-api/v3/business/accounts", json!({"accountId": MAIN, "nickname": "Second USD", "currency": "USD", "purpose": "refunds"})).await;
    assert_json_snapshot!("interlace_business_account_create", created);
    let mut ours = shape(&created["data"]);
    ours.sort();
    let mut theirs = shape(&seed(SEED_BUSINESS_ACCOUNT));
    theirs.sort();
    assert_eq!(ours, theirs);
    for (ba, routing) in [
        (USD_BA, "ABA"),
        (EUR_BA, "BIC_SWIFT"),
        (GBP_BA, "BIC_SWIFT"),
    ] {
        let with_bank = post(
            &app,
            &token,
            &format!("/open-api/v3/business/account/{ba}/bank-account"),
            json!({"accountName": "API TEST"}),
        )
        .await;
        let bank = &with_bank["data"]["bankAccounts"][0];
        assert_eq!(bank["routingType"], routing);
        if routing == "ABA" {
            assert!(
                aba_is_valid(bank["routingNumber"].as_str().expect("routing")),
                "{bank}"
            );
        } else {
            assert!(
                iban_is_valid(bank["accountNo"].as_str().expect("iban")),
                "{bank}"
            );
        }
        assert_eq!(
            bank["createTime"].as_str().map(str::len),
            Some(10),
            "seconds, as the bank-account example"
        );
        let seed_bank = seed(SEED_BANK_ACCOUNT);
        for (key, kind) in shape(&seed_bank) {
            assert!(
                shape(bank).contains(&(key.clone(), kind)),
                "{key} in {bank}"
            );
        }
        if ba == GBP_BA {
            assert_json_snapshot!("interlace_bank_account_gbp", with_bank);
        }
    }
    let list = get(
        &app,
        &token,
        &format!("/open-api/v3/business/accounts?accountId={MAIN}&currency=USD"),
    )
    .await;
    assert_eq!(list["data"]["total"], 2);
    assert_json_snapshot!(
        "interlace_business_account_get",
        get(
            &app,
            &token,
            &format!("/open-api/v3/business/accounts/{EUR_BA}")
        )
        .await
    );
    assert_json_snapshot!(
        "interlace_business_account_unknown",
        get(&app, &token, "/open-api/v3/business/accounts/nope").await
    );
}

#[tokio::test]
async fn deposits_move_through_their_statuses_and_money_moves_only_when_closed() {
    let app = TestApp::from_yaml(&scenario());
    let token = login(&app).await;
    let deposit = simulate(&app, "deposit", json!({"businessAccountId": USD_BA, "amount": "1000", "counterparty": "ACME LTD", "reference": "inv-1"})).await;
    assert_json_snapshot!("interlace_deposit_requested", deposit);
    assert_json_snapshot!(
        "interlace_balance_pending",
        balance_of(&app, &token, USD_BA).await
    );
    app.advance(3600).await;
    let list = get(
        &app,
        &token,
        &format!("/open-api/v3/business/accounts/transactions?businessAccountId={USD_BA}"),
    )
    .await;
    assert_eq!(list["data"]["list"][0]["status"], "PENDING");
    assert_eq!(
        balance_of(&app, &token, USD_BA).await["data"]["available"],
        "0.00"
    );
    app.advance(3600).await;
    assert_eq!(
        balance_of(&app, &token, USD_BA).await["data"]["available"],
        "1000.00"
    );
    simulate(
        &app,
        "deposit",
        json!({"businessAccountId": USD_BA, "amount": "50", "outcome": "confirm"}),
    )
    .await;
    let mut seen = Vec::new();
    for _ in 0..6 {
        app.advance(3600).await;
        let status = get(
            &app,
            &token,
            &format!(
                "/open-api/v3/business/accounts/transactions?businessAccountId={USD_BA}&limit=1"
            ),
        )
        .await["data"]["list"][0]["status"]
            .clone();
        if seen.last() != Some(&status) {
            seen.push(status);
        }
    }
    assert_eq!(
        seen,
        [
            json!("INBOUND_RELATIONSHIP_CONFIRM_REQUEST"),
            json!("INBOUND_RELATIONSHIP_CONFIRM"),
            json!("CLOSED")
        ]
    );
    simulate(
        &app,
        "deposit",
        json!({"businessAccountId": USD_BA, "amount": "70", "outcome": "rejected"}),
    )
    .await;
    app.advance(3600).await;
    assert_eq!(
        balance_of(&app, &token, USD_BA).await["data"]["available"],
        "1050.00",
        "a rejected deposit moves nothing"
    );
    let bad = app
        .post(
            "/_sandbox/tenants/default/simulate/interlace/deposit",
            &json!({"businessAccountId": USD_BA, "amount": "1", "outcome": "maybe"}).to_string(),
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn transfers_hold_amount_and_fee_and_settle_fail_or_cancel() {
    let app = TestApp::from_yaml(&scenario());
    let token = login(&app).await;
    simulate(
        &app,
        "deposit",
        json!({"businessAccountId": USD_BA, "amount": "1000"}),
    )
    .await;
    app.advance(7200).await;
    let usd = get(
        &app,
        &token,
        &format!("/open-api/v3/business/accounts/{USD_BA}"),
    )
    .await;
    let balance_id = usd["data"]["balanceId"]
        .as_str()
        .expect("balance")
        .to_owned();
    let transfer = |client: &'static str, amount: &'static str| {
        let (app, token, balance_id) = (&app, token.clone(), balance_id.clone());
        async move {
            post(app, &token, "/open-api/v3/business/transfer/external", json!({"clientTransactionId": client, "amount": amount, "currency": "USD", "from": {"id": balance_id}, "beneficiary": {"name": "US-USD-3525-Swift"}, "reference": "test"})).await
        }
    };
    let first = transfer("c-1", "200").await;
    assert_json_snapshot!("interlace_transfer_external", first);
    let mut ours = shape(&first["data"]);
    ours.sort();
    let mut theirs = shape(&seed(SEED_TRANSACTION));
    theirs.sort();
    assert_eq!(ours, theirs);
    assert_eq!(
        shape(&first["data"]["fees"][0]),
        shape(&seed(SEED_TRANSACTION)["fees"][0])
    );
    let again = transfer("c-1", "999").await;
    assert_eq!(
        again, first,
        "the same clientTransactionId returns the first transfer"
    );
    // A tenant made from the export remembers the transfer's clientTransactionId too.
    let export = app.get("/_sandbox/tenants/default/export").await.text();
    let imported = TestApp::from_yaml(&export);
    let imported_token = login(&imported).await;
    let repeat = post(&imported, &imported_token, "/open-api/v3/business/transfer/external", json!({"clientTransactionId": "c-1", "amount": "999", "currency": "USD", "from": {"id": balance_id}})).await;
    assert_eq!(
        repeat["data"]["id"], first["data"]["id"],
        "after an export and import: {repeat}"
    );
    let balance = get(
        &app,
        &token,
        &format!("/open-api/v3/business/accounts/{USD_BA}/balance"),
    )
    .await;
    assert_eq!(
        balance["data"]["available"], "775.00",
        "amount and fee held"
    );
    assert_json_snapshot!(
        "interlace_transfer_insufficient",
        transfer("c-2", "800").await
    );
    let cancel_me = transfer("c-3", "100").await;
    let cancel_id = cancel_me["data"]["id"].as_str().expect("id").to_owned();
    let cancelled = post(
        &app,
        &token,
        &format!("/open-api/v3/business/transfer/external/{cancel_id}/cancel"),
        json!({}),
    )
    .await;
    assert_eq!(cancelled["data"]["status"], "USER_CANCELLED");
    assert_json_snapshot!(
        "interlace_transfer_cancel_twice",
        post(
            &app,
            &token,
            &format!("/open-api/v3/business/transfer/external/{cancel_id}/cancel"),
            json!({})
        )
        .await
    );
    let fail_me = transfer("c-4", "50").await;
    let fail_id = fail_me["data"]["id"].as_str().expect("id").to_owned();
    let failed = simulate(
        &app,
        "transfer-outcome",
        json!({"transactionId": fail_id, "outcome": "failed"}),
    )
    .await;
    assert_eq!(failed["status"], "PAYMENT_FAILED");
    app.advance(3600).await;
    app.advance(86_400).await;
    let token = login(&app).await;
    let list = get(&app, &token, &format!("/open-api/v3/business/accounts/transactions?businessAccountId={USD_BA}&businessType=OUTBOUND")).await;
    let statuses: Vec<&str> = list["data"]["list"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["status"].as_str())
        .collect();
    assert_eq!(statuses, ["REFUNDING", "USER_CANCELLED", "CLOSED"]);
    let balance = get(
        &app,
        &token,
        &format!("/open-api/v3/business/accounts/{USD_BA}/balance"),
    )
    .await;
    assert_eq!(
        balance["data"]["available"], "775.00",
        "only the settled transfer and its fee left"
    );
    assert_json_snapshot!("interlace_business_transactions", list);
    assert_json_snapshot!(
        "interlace_transactions_bad_status",
        get(
            &app,
            &token,
            "/open-api/v3/business/accounts/transactions?status=LOST"
        )
        .await
    );
    assert_json_snapshot!(
        "interlace_transfer_wrong_currency",
        post(&app, &token, "/open-api/v3/business/transfer/external", json!({"clientTransactionId": "c-9", "amount": "1", "currency": "EUR", "from": {"id": balance_id}})).await
    );
}

#[tokio::test]
async fn balances_equal_closed_inbound_minus_closed_outbound_and_fees_under_random_activity() {
    let app = TestApp::from_yaml(&scenario());
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let accounts = [USD_BA, EUR_BA, GBP_BA];
    for step in 0..150 {
        let token = login(&app).await;
        let ba = accounts[rng.random_range(0..accounts.len())];
        let info = get(
            &app,
            &token,
            &format!("/open-api/v3/business/accounts/{ba}"),
        )
        .await;
        let (balance_id, currency) = (
            info["data"]["balanceId"].as_str().expect("id").to_owned(),
            info["data"]["currency"]
                .as_str()
                .expect("currency")
                .to_owned(),
        );
        match rng.random_range(0..10) {
            0..=3 => {
                let outcome = [
                    "closed",
                    "closed",
                    "confirm",
                    "rejected",
                    "cancelled",
                    "unknown",
                ][rng.random_range(0..6)];
                simulate(&app, "deposit", json!({"businessAccountId": ba, "amount": rng.random_range(10..900).to_string(), "outcome": outcome})).await;
            }
            4..=6 => {
                post(&app, &token, "/open-api/v3/business/transfer/external", json!({"clientTransactionId": format!("r-{step}"), "amount": rng.random_range(1..300).to_string(), "currency": currency, "from": {"id": balance_id}})).await;
            }
            7 | 8 => {
                let list = get(&app, &token, &format!("/open-api/v3/business/accounts/transactions?businessAccountId={ba}&status=PENDING&businessType=OUTBOUND&limit=100")).await;
                if let Some(tx) = list["data"]["list"].as_array().and_then(|l| l.last()) {
                    let id = tx["id"].as_str().expect("id").to_owned();
                    if rng.random_bool(0.5) {
                        simulate(
                            &app,
                            "transfer-outcome",
                            json!({"transactionId": id, "outcome": "failed"}),
                        )
                        .await;
                    } else {
                        post(
                            &app,
                            &token,
                            &format!("/open-api/v3/business/transfer/external/{id}/cancel"),
                            json!({}),
                        )
                        .await;
                    }
                }
            }
            _ => app.advance(rng.random_range(600..100_000)).await,
        }
        let token = login(&app).await;
        for ba in accounts {
            let txs = get(
                &app,
                &token,
                &format!(
                    "/open-api/v3/business/accounts/transactions?businessAccountId={ba}&limit=100"
                ),
            )
            .await;
            let mut expected = Decimal::ZERO;
            let mut held = Decimal::ZERO;
            for t in txs["data"]["list"].as_array().expect("list") {
                let amount = dec(&t["settlementAmount"]);
                let fee: Decimal = t["fees"]
                    .as_array()
                    .expect("fees")
                    .iter()
                    .map(|f| dec(&f["amount"]))
                    .sum();
                match (t["businessType"].as_str(), t["status"].as_str()) {
                    (Some("INBOUND"), Some("CLOSED")) => expected += amount,
                    (Some("OUTBOUND"), Some("CLOSED")) => expected -= amount + fee,
                    (Some("OUTBOUND"), Some("PENDING" | "PAYMENT_FAILED")) => held += amount + fee,
                    _ => {}
                }
            }
            let balance = get(
                &app,
                &token,
                &format!("/open-api/v3/business/accounts/{ba}/balance"),
            )
            .await;
            assert_eq!(
                dec(&balance["data"]["available"]) + held,
                expected,
                "step {step}: {ba}"
            );
        }
        if step % 25 == 0 {
            let invariants = app.get("/_sandbox/tenants/default/invariants").await.json();
            assert_eq!(invariants["ok"], true, "step {step}: {invariants}");
        }
    }
}

#[tokio::test]
async fn the_default_scenario_has_every_status_both_directions_and_fees() {
    let app = TestApp::embedded();
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    assert_eq!(
        tenant["inventory"]["interlace"]["legal_entities"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let bas = tenant["inventory"]["interlace"]["business_accounts"]
        .as_array()
        .expect("business accounts")
        .clone();
    assert_eq!(bas.len(), 3);
    let export = app.get("/_sandbox/tenants/default/export").await.text();
    let export: yaml_serde::Value = yaml_serde::from_str(&export).expect("YAML");
    let global = &export["snapshot"]["interlace"]["global"];
    let statuses: std::collections::BTreeSet<&str> = global["legal_entities"]
        .as_sequence()
        .expect("entities")
        .iter()
        .filter_map(|l| l["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        std::collections::BTreeSet::from(["ACTIVE", "AWAIT_ADDITIONAL"])
    );
    let currencies: std::collections::BTreeSet<&str> = global["business_accounts"]
        .as_sequence()
        .expect("accounts")
        .iter()
        .filter_map(|b| b["currency"].as_str())
        .collect();
    assert_eq!(
        currencies,
        std::collections::BTreeSet::from(["EUR", "GBP", "USD"])
    );
    assert!(
        global["business_accounts"]
            .as_sequence()
            .expect("accounts")
            .iter()
            .all(|b| !b["bank_accounts"].as_sequence().is_none_or(Vec::is_empty))
    );
    let txs = global["transactions"].as_sequence().expect("transactions");
    assert!(txs.len() >= 60, "{} transactions", txs.len());
    let seen: std::collections::BTreeSet<&str> =
        txs.iter().filter_map(|t| t["status"].as_str()).collect();
    for status in card_sandbox::providers::interlace::global::TRANSACTION_STATUSES {
        assert!(seen.contains(status), "no {status} transaction in {seen:?}");
    }
    assert!(
        txs.iter()
            .any(|t| t["business_type"].as_str() == Some("INBOUND"))
    );
    assert!(
        txs.iter()
            .any(|t| t["business_type"].as_str() == Some("OUTBOUND") && !t["fee"].is_null())
    );
}

#[tokio::test]
async fn a_business_account_opened_through_the_api_carries_its_bank_account() {
    let app = TestApp::from_yaml(&scenario());
    let token = login(&app).await;
    let created = post(
        &app,
        &token,
        "/open-api/v3/business/accounts",
        json!({"accountId": MAIN, "nickname": "Second EUR", "currency": "EUR"}),
    )
    .await;
    assert_eq!(created["code"], "000000", "{created}");
    let banks = created["data"]["bankAccounts"]
        .as_array()
        .expect("bankAccounts")
        .clone();
    assert_eq!(banks.len(), 1, "{created}");
    assert_eq!(banks[0]["routingType"], "BIC_SWIFT");
    assert!(
        iban_is_valid(banks[0]["accountNo"].as_str().expect("iban")),
        "{banks:?}"
    );
    let id = created["data"]["id"].as_str().expect("id");
    let shown = get(
        &app,
        &token,
        &format!("/open-api/v3/business/accounts/{id}"),
    )
    .await;
    assert_eq!(shown["data"]["bankAccounts"], json!(banks));
}
