//! Interlace through its own wire format: OAuth, cards, transfers, wallets, card
//! transactions, card negatives (statistics, bills and their CSV, repayments, batch
//! hooks), idempotency, and consistency under random activity.

mod auth;
mod cards;
pub(crate) mod global;
mod negatives;
pub(crate) mod onboarding;

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

use crate::support::{Answer, TestApp};

/// A frozen world on 2026-03-01 12:00 UTC: a client, an API-client account with a budget,
/// a customer account, an account not yet initialised, a customer without KYC; a prepaid
/// card, a budget card and a customer card.
pub(crate) const SCENARIO: &str = r#"
version: 1
seed: 5
clock:
  start: "2026-03-01T12:00:00Z"
interlace:
  clients:
    - client_id: "client-1"
      client_secret: "secret-1"
  accounts:
    - key: main
      id: "2e3cbb16-a420-4080-9094-e19f45371fee"
      type: 0
      name: "Example Test Account"
      balance: "1000"
      budget: "100"
    - key: customer
      id: "7d1b2c3a-0000-4000-8000-000000000002"
      type: 1
      name: "Example Customer"
      balance: "200"
    - key: fresh
      id: "7d1b2c3a-0000-4000-8000-000000000003"
      type: 0
      name: "Not Initialised"
      initialized: false
    - key: unverified
      id: "7d1b2c3a-0000-4000-8000-000000000004"
      type: 1
      name: "No KYC Ltd"
      balance: "50"
      kyc_passed: false
  cards:
    - account: main
      id: "c0000000-0000-4000-8000-000000000001"
      cost: "100"
      label: "Ads"
    - account: main
      id: "c0000000-0000-4000-8000-000000000002"
      budget: true
      label: "Team budget"
    - account: customer
      id: "c0000000-0000-4000-8000-000000000003"
      cost: "50"
      label: "Marketplace"
"#;

pub(crate) const MAIN: &str = "2e3cbb16-a420-4080-9094-e19f45371fee";
pub(crate) const CUSTOMER: &str = "7d1b2c3a-0000-4000-8000-000000000002";
pub(crate) const FRESH: &str = "7d1b2c3a-0000-4000-8000-000000000003";
pub(crate) const UNVERIFIED: &str = "7d1b2c3a-0000-4000-8000-000000000004";
pub(crate) const CARD: &str = "c0000000-0000-4000-8000-000000000001";
pub(crate) const BUDGET_CARD: &str = "c0000000-0000-4000-8000-000000000002";
pub(crate) const CUSTOMER_CARD: &str = "c0000000-0000-4000-8000-000000000003";

/// Logs in through the two OAuth steps on the un-versioned paths (bare answers, as
/// real clients read them) and returns the access token.
pub(crate) async fn login(app: &TestApp) -> String {
    login_at(app, "", "client-1", "secret-1").await
}

/// [`login`] under a base path (`/t/{tenant}` or empty) with a client's credentials.
pub(crate) async fn login_at(app: &TestApp, base: &str, client: &str, secret: &str) -> String {
    let code = app
        .get(&format!(
            "{base}/open-api/oauth/authorize?clientId={client}"
        ))
        .await
        .json();
    let code = code["code"].as_str().expect("a code").to_owned();
    let token = app
        .post(
            &format!("{base}/open-api/oauth/access-token"),
            &json!({"clientId": client, "clientSecret": secret, "code": code}).to_string(),
        )
        .await
        .json();
    token["accessToken"].as_str().expect("a token").to_owned()
}

pub(crate) async fn send(
    app: &TestApp,
    method: Method,
    token: &str,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> Answer {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("x-access-token", token)
        .header("content-type", "application/json");
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    app.send(request.body(body).expect("a valid request")).await
}

pub(crate) async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let answer = send(app, Method::GET, token, path, None, None).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    answer.json()
}

pub(crate) async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let answer = send(app, Method::POST, token, path, Some(body), None).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    answer.json()
}

pub(crate) async fn simulate(app: &TestApp, event: &str, body: Value) -> Value {
    app.simulate("interlace", event, &body).await
}
