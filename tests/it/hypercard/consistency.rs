//! One thousand random simulated operations; after each, the touched card's balance
//! agrees with its v3 records, read incrementally (only the business types and times a
//! step can have written or changed: its own, and recharges settling); every [`FULL_CHECK_EVERY`] steps and at the end, every card's
//! balance, all its v3 records and its statement tell the same story.

use std::collections::{BTreeMap, HashMap};

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

/// How often every card is checked against all its records and its statement.
const FULL_CHECK_EVERY: usize = 50;

/// How far before a card's previous check its records are read again: a record can
/// still change that long after it was written (a recharge settles 30 s after it was
/// made, and a step advances the clock by up to 2 minutes after its operation).
const SETTLING_SECONDS: i64 = 300;

/// What each of a card's v3 records adds to its balance, by (business type, tx_id).
type Contributions = HashMap<(u16, String), Decimal>;

/// The v3 records of `card` of `types` with times in `[from, to]`: each one's effect on
/// the balance.
async fn contributions(
    c: &Client<'_>,
    card: &str,
    types: &[u16],
    from: i64,
    to: i64,
) -> Contributions {
    let mut found = Contributions::new();
    for &business_type in types {
        let mut page = 1;
        loop {
            let answer = c
                .call(
                    "/v3/openapi/card/transactions",
                    json!({"start_time": from.to_string(), "end_time": to.to_string(), "page": page, "size": 200, "business_type": business_type, "card_id": card}),
                )
                .await;
            let records = answer["data"]["records"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for r in &records {
                let effect = if r["tx_status"] != 1 {
                    Decimal::ZERO
                } else {
                    match business_type {
                        1 => -dec(&r["deduction_amount"]) - dec(&r["fee"]),
                        2 => dec(&r["currency_amount"]),
                        3 => -dec(&r["trade_amount"]) - dec(&r["bank_fee"]),
                        8 => dec(&r["refund_amount"]),
                        _ => -dec(&r["tx_amount"]),
                    }
                };
                let tx_id = r["tx_id"].as_str().expect("tx_id").to_owned();
                found.insert((business_type, tx_id), effect);
            }
            if records.len() < 200 {
                break;
            }
            page += 1;
        }
    }
    found
}

/// Opening balance plus every record's effect.
fn balance_of(card: &str, records: &Contributions) -> Decimal {
    opening(card) + records.values().copied().sum::<Decimal>()
}

/// All of the card's v3 records.
async fn all_records(c: &Client<'_>, card: &str, now: i64) -> Contributions {
    contributions(c, card, &TYPES, now - 59 * 86_400, now).await
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

/// The card's `available_balance`, checked against `current_balance` (no card holds).
async fn shown_balance(c: &Client<'_>, card: &str) -> Decimal {
    let balance = c
        .call("/openapi/card/balance", json!({"card_id": card}))
        .await;
    let shown = dec(&balance["data"]["available_balance"]);
    assert_eq!(
        shown,
        dec(&balance["data"]["current_balance"]),
        "no card holds"
    );
    shown
}

/// Every card: balance, all its v3 records and its statement agree, and the records
/// read incrementally are all its records.
async fn full_check(c: &Client<'_>, known: &BTreeMap<&str, (Contributions, i64)>, when: &str) {
    let now = c.now().await;
    for card in CARDS {
        let shown = shown_balance(c, card).await;
        let records = all_records(c, card, now).await;
        assert_eq!(
            shown,
            balance_of(card, &records),
            "{when}, {card}: balance vs v3 records"
        );
        if let Some((seen, _)) = known.get(card) {
            assert_eq!(
                seen, &records,
                "{when}, {card}: records read step by step vs all records"
            );
        }
        let statement = from_statement(c, card, now).await;
        assert_eq!(shown, statement, "{when}, {card}: balance vs statement");
    }
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
    // Per card: its records as last read, and when.
    let mut known: BTreeMap<&str, (Contributions, i64)> = BTreeMap::new();
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
        // The touched card: its records since shortly before its previous check.
        let (seen, checked_at) = known
            .entry(card)
            .or_insert_with(|| (Contributions::new(), 0));
        let from = if *checked_at == 0 {
            now - 59 * 86_400
        } else {
            *checked_at - SETTLING_SECONDS
        };
        // What the step wrote, and recharges, which settle after it.
        let types = if *checked_at == 0 {
            &TYPES[..]
        } else {
            match kind {
                "consume" => &[1, 2][..],
                "recharge" => &[2],
                "withdrawal" => &[2, 3],
                "refund" => &[2, 8],
                "fee" => &[2, 10],
                "buy_coin" => &[2, 101],
                _ => &[2, 102],
            }
        };
        seen.extend(contributions(&c, card, types, from, now).await);
        *checked_at = now;
        let shown = shown_balance(&c, card).await;
        assert_eq!(
            shown,
            balance_of(card, seen),
            "step {step} ({kind}) on {card}: balance vs v3 records"
        );
        if (step + 1) % FULL_CHECK_EVERY == 0 {
            full_check(&c, &known, &format!("step {step}")).await;
        }
    }
    full_check(&c, &known, "the end").await;
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
