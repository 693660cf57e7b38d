//! OPCard through its own wire format: tokens, cards, loads, releases, payouts, the
//! balance change records' cursor paging and running balance, monthly bills, and exact
//! numbers in the raw response text.

mod endpoints;
mod paging;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::support::{Answer, TestApp};

/// A frozen world on 2026-03-10: program 6 with USD and EUR accounts, program 15 with
/// EUR, two cards, a client with a static token.
pub(crate) const SCENARIO: &str = r#"
version: 1
seed: 11
clock:
  start: "2026-03-10T04:00:00Z"
opcard:
  clients:
    - app_key: "app-1"
      app_secret: "secret-1"
      token: "static-token"
  programs:
    - program_value: 6
      cn_name: "OTA"
      en_name: "USD Multi Card_OTA"
      accounts:
        - currency: USD
          balance: "1000"
        - currency: EUR
          balance: "200"
    - program_value: 15
      cn_name: "差旅"
      en_name: "EUR Travel Card"
      accounts:
        - currency: EUR
  cards:
    - card_id: 1955930998425718784
      program_value: 6
      card_name: "Hotels"
      card_validity_time: "202805"
      card_holder_id: 1814356660259814571
      risk_list:
        - trade_risk_name: purchase_1d
          trade_risk_value: "500"
    - card_id: 1955930998425718785
      program_value: 15
      card_name: "Travel"
      card_validity_time: "202712"
"#;

pub(crate) const CARD: u64 = 1_955_930_998_425_718_784;
pub(crate) const TRAVEL_CARD: u64 = 1_955_930_998_425_718_785;

/// Sends an OPCard request with a token.
pub(crate) async fn call(app: &TestApp, token: &str, path: &str, body: Value) -> Answer {
    let request = Request::post(path)
        .header("content-type", "application/json")
        .header("authorization", token)
        .body(Body::from(body.to_string()))
        .expect("a valid request");
    app.send(request).await
}

/// `call` with the scenario's static token, asserting HTTP 200.
pub(crate) async fn ok(app: &TestApp, path: &str, body: Value) -> Value {
    let answer = call(app, "static-token", path, body).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    answer.json()
}

/// Runs a opcard simulation on tenant `default`.
pub(crate) async fn simulate(app: &TestApp, event: &str, body: Value) -> Value {
    app.simulate("opcard", event, &body).await
}

/// Moves tenant `default`'s clock forward.
pub(crate) async fn advance(app: &TestApp, seconds: i64) {
    app.advance(seconds).await;
}

/// Every balance change record, oldest first, paging with `limit`.
pub(crate) async fn all_records(
    app: &TestApp,
    filter: Value,
    limit: u32,
    ascending: bool,
) -> Vec<Value> {
    all_records_with(app, "static-token", filter, limit, ascending).await
}

/// `all_records` with another token.
pub(crate) async fn all_records_with(
    app: &TestApp,
    token: &str,
    filter: Value,
    limit: u32,
    ascending: bool,
) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut body = filter.clone();
        body["cursor"] = json!(cursor);
        body["limit"] = json!(limit);
        body["ascending"] = json!(ascending);
        let page = call(app, token, "/card-api/v1/balance/change/records", body).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        assert_eq!(page["code"], "200", "{page}");
        let data = page["data"]["data"].as_array().expect("rows").clone();
        assert!(data.len() <= limit as usize);
        rows.extend(data);
        match page["data"]["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(page["data"]["has_more"], true);
                cursor = next.to_owned();
            }
            None => {
                assert_eq!(page["data"]["has_more"], false);
                break;
            }
        }
    }
    rows
}
