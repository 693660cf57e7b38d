//! One thousand random simulated operations; after each, the card's balance, its v3
//! records and its statement tell the same story.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{Client, EUR_CARD, FROZEN_CARD, SCENARIO, USD_CARD, advance};
use crate::support::TestApp;

const CARDS: [&str; 3] = [USD_CARD, FROZEN_CARD, EUR_CARD];
const TYPES: [u16; 7] = [1, 2, 3, 8, 10, 101, 102];

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
}

/// Opening balances of the test scenario.
fn opening(card: &str) -> Decimal {
    match card {
        USD_CARD => Decimal::new(50000, 2),
        FROZEN_CARD => Decimal::new(8000, 2),
        _ => Decimal::new(25000, 2),
    }
}

/// What the card's v3 records say its balance is: opening plus credits minus debits.
async fn from_records(c: &Client<'_>, card: &str, now: i64) -> Decimal {
    let mut balance = opening(card);
    for business_type in TYPES {
        let mut page = 1;
        loop {
            let answer = c
                .call(
                    "/v3/openapi/card/transactions",
                    json!({"start_time": (now - 59 * 86_400).to_string(), "end_time": now.to_string(), "page": page, "size": 200, "business_type": business_type, "card_id": card}),
                )
                .await;
            let records = answer["data"]["records"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for r in &records {
                if r["tx_status"] != 1 {
                    continue;
                }
                balance += match business_type {
                    1 => -dec(&r["deduction_amount"]) - dec(&r["fee"]),
                    2 => dec(&r["currency_amount"]),
                    3 => -dec(&r["trade_amount"]) - dec(&r["bank_fee"]),
                    8 => dec(&r["refund_amount"]),
                    10 | 101 => -dec(&r["tx_amount"]),
                    _ => -dec(&r["tx_amount"]),
                };
            }
            if records.len() < 200 {
                break;
            }
            page += 1;
        }
    }
    balance
}

/// What the card's statement says: opening plus credits minus debits.
async fn from_statement(c: &Client<'_>, card: &str, now: i64) -> Decimal {
    let mut balance = opening(card);
    let answer = c
        .call(
            "/v2/openapi/card/transaction/record",
            json!({"card_id": card, "start_time": (now - 30 * 86_400).to_string(), "end_time": now.to_string()}),
        )
        .await;
    for month in answer["data"].as_array().cloned().unwrap_or_default() {
        for row in month["bank_tx_list"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            balance += dec(&row["credit"]) - dec(&row["debit"]);
        }
    }
    balance
}

#[tokio::test]
async fn balance_records_and_statement_agree_after_every_operation() {
    // Signatures are proven elsewhere; here they would only slow 20,000 requests down.
    let yaml = SCENARIO
        .replace(
            "recharge_settle_seconds: 60",
            "recharge_settle_seconds: 30\n  signatures: off",
        )
        .replace("usdt: \"1000\"", "usdt: \"1000000\"");
    let app = TestApp::from_yaml(&yaml);
    let c = Client::new(&app);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let mut spends: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut outcomes: BTreeMap<&'static str, usize> = BTreeMap::new();
    for step in 0..1000 {
        let card = CARDS[rng.random_range(0..CARDS.len())];
        let roll = rng.random_range(0..100);
        let (kind, status) = match roll {
            0..=39 => {
                let amount = format!(
                    "{}.{:02}",
                    rng.random_range(1..120),
                    rng.random_range(0..100)
                );
                let answer = app
                    .post(
                        "/_sandbox/tenants/default/simulate/hypercard/consume",
                        &json!({"card_id": card, "amount": amount}).to_string(),
                    )
                    .await;
                if answer.status == 200 && answer.json()["declined"].is_null() {
                    spends.entry(card).or_default().push(
                        answer.json()["record"]["tx_id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    );
                }
                ("consume", answer.status.as_u16())
            }
            40..=54 => {
                let amount = rng.random_range(10..200).to_string();
                let answer = c
                    .post("/openapi/card/recharge", json!({"card_id": card, "mc_trade_no": format!("T{step}"), "pay_coin": "usdt", "recharge_amount": amount}))
                    .await;
                ("recharge", answer.status.as_u16())
            }
            55..=64 => match spends.get(card).and_then(|s| s.last()).cloned() {
                Some(tx_id) => {
                    let answer = app
                        .post(
                            "/_sandbox/tenants/default/simulate/hypercard/refund",
                            &json!({"tx_id": tx_id, "amount": "1"}).to_string(),
                        )
                        .await;
                    ("refund", answer.status.as_u16())
                }
                None => ("refund", 0),
            },
            65..=74 => match spends.get(card).and_then(|s| s.last()).cloned() {
                Some(tx_id) => {
                    let answer = app
                        .post(
                            "/_sandbox/tenants/default/simulate/hypercard/fee",
                            &json!({"tx_id": tx_id}).to_string(),
                        )
                        .await;
                    ("fee", answer.status.as_u16())
                }
                None => ("fee", 0),
            },
            75..=82 => {
                let amount = rng.random_range(5..60).to_string();
                let answer = app
                    .post(
                        "/_sandbox/tenants/default/simulate/hypercard/withdrawal",
                        &json!({"card_id": card, "amount": amount}).to_string(),
                    )
                    .await;
                ("withdrawal", answer.status.as_u16())
            }
            83..=90 => {
                let amount = rng.random_range(1..40).to_string();
                let answer = c
                    .post("/openapi/card/buy/coin", json!({"card_id": card, "currency_amount": amount, "mc_trade_no": format!("B{step}")}))
                    .await;
                ("buy_coin", answer.status.as_u16())
            }
            _ => {
                let kind = [1, 2][rng.random_range(0..2)];
                let answer = c
                    .post("/openapi/card/operation", json!({"card_id": card, "request_number": format!("op{step}"), "type": kind}))
                    .await;
                ("operation", answer.status.as_u16())
            }
        };
        *outcomes.entry(kind).or_default() += usize::from(status == 200);
        advance(&app, rng.random_range(1..120)).await;
        let now = c.now().await;
        let balance = c
            .call("/openapi/card/balance", json!({"card_id": card}))
            .await;
        let shown = dec(&balance["data"]["available_balance"]);
        let records = from_records(&c, card, now).await;
        let statement = from_statement(&c, card, now).await;
        assert_eq!(
            shown, records,
            "step {step} ({kind}) on {card}: balance vs v3 records"
        );
        assert_eq!(
            shown, statement,
            "step {step} ({kind}) on {card}: balance vs statement"
        );
        assert_eq!(
            shown,
            dec(&balance["data"]["current_balance"]),
            "no card holds"
        );
    }
    for kind in [
        "consume",
        "recharge",
        "refund",
        "fee",
        "withdrawal",
        "buy_coin",
        "operation",
    ] {
        assert!(
            outcomes.get(kind).copied().unwrap_or(0) > 10,
            "too few {kind} steps ran: {outcomes:?}"
        );
    }
    let invariants = app.get("/_sandbox/tenants/default/invariants").await.json();
    assert_eq!(invariants["ok"], true, "{invariants}");
}
