//! Cursor paging over balance change records: every record exactly once in both orders,
//! with every limit and filter; a running balance that adds up; pages that stay stable
//! while records are added; clear errors for bad cursors and limits.

use std::collections::BTreeMap;

use insta::assert_json_snapshot;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{CARD, SCENARIO, TRAVEL_CARD, advance, all_records, ok, simulate};
use crate::support::TestApp;

/// A world with records of every fund type over three months.
async fn busy_world() -> TestApp {
    let app = TestApp::from_yaml(SCENARIO);
    for month in 0..3 {
        for i in 0..4 {
            ok(&app, "/card-api/v1/load/create", json!({"accounting_currency": "USD", "bill_currency": if i % 2 == 0 { "USD" } else { "EUR" }, "program_value": 6, "accounting_amount": 100 + i})).await;
            ok(&app, "/card-api/v1/load/create", json!({"accounting_currency": "EUR", "bill_currency": "EUR", "program_value": 15, "accounting_amount": 40})).await;
            advance(&app, 3600).await;
            simulate(
                &app,
                "card-spend",
                json!({"card_id": CARD, "amount": 30 + i, "currency": "USD"}),
            )
            .await;
            simulate(
                &app,
                "card-spend",
                json!({"card_id": TRAVEL_CARD, "amount": "12.5"}),
            )
            .await;
            simulate(
                &app,
                "card-refund",
                json!({"card_id": CARD, "amount": 3, "currency": "USD"}),
            )
            .await;
            ok(
                &app,
                "/card-api/v1/load/release",
                json!({"program_value": 6, "currency": "USD", "amount": 10}),
            )
            .await;
            ok(
                &app,
                "/card-api/v1/payouts/create",
                json!({"program_value": 15, "currency": "EUR", "amount": 5}),
            )
            .await;
            advance(&app, 86_400).await;
        }
        advance(&app, (27 - month) * 86_400).await;
    }
    app
}

fn key(row: &Value) -> String {
    format!(
        "{}/{}/{}/{}",
        row["batch_no"], row["fund_type"], row["moving_account_currency"], row["program_value"]
    )
}

#[tokio::test]
async fn every_record_once_in_both_orders_with_any_limit_and_filter() {
    let app = busy_world().await;
    let everything = all_records(&app, json!({}), 100, true).await;
    let funds: std::collections::BTreeSet<i64> = everything
        .iter()
        .filter_map(|r| r["fund_type"].as_i64())
        .collect();
    assert_eq!(funds.len(), 7, "every fund type: {funds:?}");
    let filters = [
        json!({}),
        json!({"fund_type_list": ["20"]}),
        json!({"fund_type_list": ["21", "22"]}),
        json!({"fund_type_list": [""]}),
        json!({"fund_type_list": []}),
        json!({"program_value_list": ["6"]}),
        json!({"program_value_list": [15, "06"]}),
        json!({"bill_currency_list": ["EUR"]}),
        json!({"moving_account_currency_list": ["USD"]}),
        json!({"moving_account_currency_list": [""], "bill_currency_list": ["USD", "EUR"]}),
        json!({"from_changed_at": "2026-04-01T00:00:00+08:00", "to_changed_at": "2026-05-01T00:00:00+08:00"}),
        json!({"from_changed_at": "2026-03-31T16:00:00Z"}),
    ];
    for filter in filters {
        let expected: Vec<String> = everything
            .iter()
            .filter(|r| matches(r, &filter))
            .map(key)
            .collect();
        assert!(!expected.is_empty(), "{filter} matches something");
        for limit in [1, 3, 7, 100] {
            let asc: Vec<String> = all_records(&app, filter.clone(), limit, true)
                .await
                .iter()
                .map(key)
                .collect();
            let mut desc: Vec<String> = all_records(&app, filter.clone(), limit, false)
                .await
                .iter()
                .map(key)
                .collect();
            assert_eq!(asc, expected, "ascending, limit {limit}, {filter}");
            desc.reverse();
            assert_eq!(desc, expected, "descending, limit {limit}, {filter}");
        }
    }
}

/// The filter semantics, re-stated independently of the sandbox's code.
fn matches(row: &Value, filter: &Value) -> bool {
    let list = |name: &str| -> Option<Vec<String>> {
        let items: Vec<String> = filter
            .get(name)?
            .as_array()?
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .filter(|s| !s.is_empty())
            .collect();
        (!items.is_empty()).then_some(items)
    };
    let time = |s: &str| card_sandbox::clock::Timestamp::parse_rfc3339(s).expect("time");
    let at = time(row["moving_account_Time"].as_str().expect("time"));
    list("fund_type_list").is_none_or(|l| l.contains(&row["fund_type"].to_string()))
        && list("program_value_list").is_none_or(|l| {
            l.iter()
                .any(|p| p.parse::<i64>().ok() == row["program_value"].as_i64())
        })
        && list("bill_currency_list")
            .is_none_or(|l| l.iter().any(|c| row["bill_currency"] == c.as_str()))
        && list("moving_account_currency_list").is_none_or(|l| {
            l.iter()
                .any(|c| row["moving_account_currency"] == c.as_str())
        })
        && filter
            .get("from_changed_at")
            .and_then(Value::as_str)
            .is_none_or(|f| at >= time(f))
        && filter
            .get("to_changed_at")
            .and_then(Value::as_str)
            .is_none_or(|t| at <= time(t))
}

fn dec(v: &Value) -> Decimal {
    v.to_string()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {v}"))
}

#[tokio::test]
async fn card_limit_amount_is_a_running_balance_per_card_account() {
    let app = busy_world().await;
    let rows = all_records(&app, json!({}), 7, true).await;
    let mut balances: BTreeMap<(i64, String), Decimal> = BTreeMap::new();
    for row in &rows {
        let account = (
            row["program_value"].as_i64().expect("program"),
            row["card_limit_currency"]
                .as_str()
                .expect("currency")
                .to_owned(),
        );
        assert_eq!(row["card_limit_currency"], row["moving_account_currency"]);
        let amount = dec(&row["moving_account_amount"]);
        let signed = match row["moving_account_type"].as_i64() {
            Some(1) => amount,
            Some(2) => -amount,
            other => panic!("moving_account_type {other:?}"),
        };
        let balance = balances.entry(account.clone()).or_default();
        *balance += signed;
        assert_eq!(
            dec(&row["card_limit_amount"]),
            *balance,
            "{account:?} after {row}"
        );
    }
}

#[tokio::test]
async fn pages_stay_stable_while_records_are_added() {
    let app = busy_world().await;
    for ascending in [false, true] {
        let first = ok(
            &app,
            "/card-api/v1/balance/change/records",
            json!({"cursor": "", "limit": 5, "ascending": ascending}),
        )
        .await;
        let cursor = first["data"]["next_cursor"]
            .as_str()
            .expect("more pages")
            .to_owned();
        let expected_next = ok(
            &app,
            "/card-api/v1/balance/change/records",
            json!({"cursor": cursor, "limit": 5, "ascending": ascending}),
        )
        .await;
        ok(&app, "/card-api/v1/load/create", json!({"accounting_currency": "USD", "bill_currency": "USD", "program_value": 6, "accounting_amount": 1})).await;
        advance(&app, 1).await;
        let next = ok(
            &app,
            "/card-api/v1/balance/change/records",
            json!({"cursor": cursor, "limit": 5, "ascending": ascending}),
        )
        .await;
        assert_eq!(
            next["data"]["data"], expected_next["data"]["data"],
            "ascending {ascending}"
        );
        let seen: Vec<String> = first["data"]["data"]
            .as_array()
            .expect("rows")
            .iter()
            .map(key)
            .collect();
        for row in next["data"]["data"].as_array().expect("rows") {
            assert!(!seen.contains(&key(row)), "repeated {row}");
        }
    }
}

#[tokio::test]
async fn bad_cursors_limits_and_filters_are_named() {
    let app = TestApp::from_yaml(SCENARIO);
    let cases = [
        ("malformed_cursor", json!({"cursor": "abc"})),
        ("unknown_cursor", json!({"cursor": "99999999"})),
        ("limit_zero", json!({"limit": 0})),
        ("limit_too_big", json!({"limit": 101})),
        ("unknown_fund_type", json!({"fund_type_list": ["26"]})),
        ("filter_not_a_list", json!({"bill_currency_list": "USD"})),
        ("bad_time", json!({"from_changed_at": "yesterday"})),
        ("bad_program", json!({"program_value_list": ["six"]})),
    ];
    for (name, body) in cases {
        assert_json_snapshot!(
            format!("opcard_records_error_{name}"),
            ok(&app, "/card-api/v1/balance/change/records", body).await
        );
    }
    assert_json_snapshot!(
        "opcard_records_first_page",
        ok(
            &app,
            "/card-api/v1/balance/change/records",
            json!({"cursor": "", "limit": 2})
        )
        .await
    );
    assert_json_snapshot!(
        "opcard_payouts_error_bad_cursor",
        ok(&app, "/card-api/v1/payouts/list", json!({"cursor": "1"})).await
    );
}
