//! HyperCard through its own wire format: signed requests, every endpoint's success and
//! error envelopes, the business types of Transaction Query v3, and consistency between
//! the balance, the v3 records and the statement.

mod applications;
mod consistency;
mod endpoints;
mod signing;
mod transactions;

use axum::body::Body;
use axum::http::Request;
use card_sandbox::providers::hypercard::keys;
use card_sandbox::providers::hypercard::signature::{PrivateKey, sign_request};
use serde_json::{Map, Value};

use crate::support::{Answer, TestApp};

/// The tenant clock of [`SCENARIO`], in unix seconds.
pub(crate) const NOW: i64 = 1_772_366_400;

/// A frozen world: one merchant with the shipped test key, two products, three cards
/// (USD active, USD frozen, EUR active) and recharges that settle after 60 s.
pub(crate) const SCENARIO: &str = r#"
version: 1
seed: 7
clock:
  start: "2026-03-01T12:00:00Z"
hypercard:
  recharge_settle_seconds: 60
  merchants:
    - api_key: "hc_test"
      test_key: true
  merchant_balances:
    usdt: "1000"
  card_types:
    - card_type_id: "1001"
      card_name: "Fast Dollar Virtual Card"
      card_coin: usd
      bin: "296068"
      recharge_fee: "0.02"
      min_single_recharge_amount: "10"
      max_single_recharge_amount: "5000"
    - card_type_id: "1002"
      card_name: "Euro Virtual Card"
      card_coin: eur
      bin: "522981"
      card_org: 2
      recharge_fee: "0.025"
      cancel_fee: "1.00"
  cards:
    - card_id: "2960680000000000001"
      card_type_id: "1001"
      balance: "500.00"
    - card_id: "2960680000000000002"
      card_type_id: "1001"
      balance: "80.00"
      status: frozen
    - card_id: "5229810000000000003"
      card_type_id: "1002"
      balance: "250.00"
"#;

pub(crate) const USD_CARD: &str = "2960680000000000001";
pub(crate) const FROZEN_CARD: &str = "2960680000000000002";
pub(crate) const EUR_CARD: &str = "5229810000000000003";

/// Signs and sends HyperCard requests for one TestApp, with fresh nonces.
pub(crate) struct Client<'a> {
    pub(crate) app: &'a TestApp,
    key: PrivateKey,
    nonce: std::cell::Cell<u32>,
    /// Seconds added to the tenant clock in the `timestamp` header.
    pub(crate) skew: i64,
    /// The `api-key` header: the scenario's merchant unless a test sets another.
    pub(crate) api_key: String,
}

impl<'a> Client<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Self::with_key(app, keys::MERCHANT_PRIVATE_KEY_PEM)
    }

    pub(crate) fn with_key(app: &'a TestApp, pem: &str) -> Self {
        Self {
            app,
            key: PrivateKey::from_pem(pem).expect("a valid test key"),
            nonce: std::cell::Cell::new(0),
            skew: 0,
            api_key: "hc_test".to_owned(),
        }
    }

    fn next_nonce(&self) -> String {
        let n = self.nonce.get() + 1;
        self.nonce.set(n);
        format!("n{n:09}")
    }

    /// The tenant clock now, in unix seconds.
    pub(crate) async fn now(&self) -> i64 {
        let clock = self.app.get("/_sandbox/tenants/default/clock").await.json();
        clock["now_ms"].as_i64().expect("now_ms") / 1000
    }

    /// Signed POST of `body` to `path`.
    pub(crate) async fn post(&self, path: &str, body: Value) -> Answer {
        let map: Map<String, Value> = body.as_object().cloned().expect("an object body");
        let timestamp = self.now().await + self.skew;
        let headers = sign_request(
            &self.key,
            &self.api_key,
            timestamp,
            &self.next_nonce(),
            "1.0",
            Some("en"),
            &map,
        );
        self.send(path, &map, &headers).await
    }

    pub(crate) async fn send(
        &self,
        path: &str,
        body: &Map<String, Value>,
        headers: &[(&'static str, String)],
    ) -> Answer {
        let mut request = Request::post(path).header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(Body::from(serde_json::to_vec(body).expect("serialisable")))
            .expect("a valid request");
        self.app.send(request).await
    }

    /// Signed request, asserting HTTP 200 and returning the envelope.
    pub(crate) async fn call(&self, path: &str, body: Value) -> Value {
        let answer = self.post(path, body).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
        answer.json()
    }
}

/// Runs a hypercard simulation on tenant `default`.
pub(crate) async fn simulate(app: &TestApp, event: &str, body: Value) -> Value {
    app.simulate("hypercard", event, &body).await
}

/// Moves tenant `default`'s clock forward.
pub(crate) async fn advance(app: &TestApp, seconds: i64) {
    app.advance(seconds).await;
}

mod default_scenario;
