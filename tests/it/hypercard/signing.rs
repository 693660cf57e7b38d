//! Signed requests: the shipped key is accepted; another key, a tampered body, a stale
//! timestamp, a reused nonce and an unknown merchant are refused with their codes.

use card_sandbox::providers::hypercard::keys;
use card_sandbox::providers::hypercard::signature::{PrivateKey, sign_request};
use insta::assert_json_snapshot;
use serde_json::{Map, Value, json};

use super::{Client, SCENARIO, USD_CARD};
use crate::support::TestApp;

fn body(card: &str) -> Map<String, Value> {
    json!({ "card_id": card })
        .as_object()
        .cloned()
        .expect("object")
}

#[tokio::test]
async fn a_request_signed_with_the_shipped_key_is_accepted() {
    let app = TestApp::from_yaml(SCENARIO);
    let client = Client::new(&app);
    let answer = client
        .call("/openapi/card/balance", json!({ "card_id": USD_CARD }))
        .await;
    assert_eq!(answer["code"], "00000", "{answer}");
}

/// A signed request locks its tenant's world twice: the merchant's key and signature
/// mode (the signature is verified after the lock), then the operation with its
/// timestamp and nonce checks. With no fault rule the fault decision takes no lock, and
/// the journal takes the time the operation saw.
#[tokio::test]
async fn a_signed_request_locks_its_world_twice() {
    let app = TestApp::from_yaml(SCENARIO);
    let client = Client::new(&app);
    let answer = client
        .post("/openapi/card/balance", json!({ "card_id": USD_CARD }))
        .await;
    assert_eq!(answer.json()["code"], "00000", "{}", answer.text());
    assert_eq!(answer.world_locks, Some(2));
}

#[tokio::test]
async fn a_request_signed_with_another_key_gets_a0001() {
    let app = TestApp::from_yaml(SCENARIO);
    let client = Client::with_key(&app, keys::PLATFORM_PRIVATE_KEY_PEM);
    let answer = client
        .call("/openapi/card/balance", json!({ "card_id": USD_CARD }))
        .await;
    assert_json_snapshot!("hypercard_signature_wrong_key", answer);
}

#[tokio::test]
async fn a_tampered_body_gets_a0001() {
    let app = TestApp::from_yaml(SCENARIO);
    let client = Client::new(&app);
    let key = PrivateKey::from_pem(keys::MERCHANT_PRIVATE_KEY_PEM).expect("key");
    let signed_for = body(USD_CARD);
    let headers = sign_request(&key, "hc_test", super::NOW, "abc", "1.0", None, &signed_for);
    let answer = client
        .send(
            "/openapi/card/balance",
            &body("2960680000000000002"),
            &headers,
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["code"], "A0001");
}

#[tokio::test]
async fn missing_headers_and_unknown_merchants_get_a0001() {
    let app = TestApp::from_yaml(SCENARIO);
    let client = Client::new(&app);
    let no_key = client
        .send(
            "/openapi/card/balance",
            &body(USD_CARD),
            &[("timestamp", super::NOW.to_string())],
        )
        .await;
    assert_json_snapshot!("hypercard_missing_api_key", no_key.json());
    let unsigned = client
        .send(
            "/openapi/card/balance",
            &body(USD_CARD),
            &[("api-key", "hc_test".to_owned())],
        )
        .await;
    assert_json_snapshot!("hypercard_missing_signature", unsigned.json());
    let stranger = client
        .send(
            "/openapi/card/balance",
            &body(USD_CARD),
            &[("api-key", "nobody".to_owned())],
        )
        .await;
    assert_json_snapshot!("hypercard_unknown_api_key", stranger.json());
    let wrong_tenant = client
        .send(
            "/openapi/card/balance",
            &body(USD_CARD),
            &[
                ("api-key", "hc_test".to_owned()),
                ("x-sandbox-tenant", "ghost".to_owned()),
            ],
        )
        .await;
    assert_json_snapshot!("hypercard_unknown_tenant", wrong_tenant.json());
}

#[tokio::test]
async fn a_timestamp_more_than_300_s_from_the_tenant_clock_gets_a0002() {
    let app = TestApp::from_yaml(SCENARIO);
    let mut client = Client::new(&app);
    client.skew = 300;
    let edge = client
        .call("/openapi/card/balance", json!({ "card_id": USD_CARD }))
        .await;
    assert_eq!(edge["code"], "00000", "300 s is still inside the window");
    client.skew = -301;
    let stale = client
        .call("/openapi/card/balance", json!({ "card_id": USD_CARD }))
        .await;
    assert_json_snapshot!("hypercard_stale_timestamp", stale);
}

#[tokio::test]
async fn a_nonce_reused_within_ten_minutes_gets_a0005() {
    // Ten minutes pass on the tenant clock alone under clock.auth: tenant.
    let app = TestApp::from_yaml(&crate::auth_clock::on_tenant_clock(SCENARIO));
    let client = Client::new(&app);
    let key = PrivateKey::from_pem(keys::MERCHANT_PRIVATE_KEY_PEM).expect("key");
    let sign = || {
        sign_request(
            &key,
            "hc_test",
            super::NOW,
            "same-nonce",
            "1.0",
            None,
            &body(USD_CARD),
        )
    };
    let first = client
        .send("/openapi/card/balance", &body(USD_CARD), &sign())
        .await;
    assert_eq!(first.json()["code"], "00000");
    let again = client
        .send("/openapi/card/balance", &body(USD_CARD), &sign())
        .await;
    assert_json_snapshot!("hypercard_nonce_reused", again.json());
    // Ten minutes later the nonce may be used again (with a fresh timestamp).
    super::advance(&app, 601).await;
    let later = sign_request(
        &key,
        "hc_test",
        super::NOW + 601,
        "same-nonce",
        "1.0",
        None,
        &body(USD_CARD),
    );
    let reused = client
        .send("/openapi/card/balance", &body(USD_CARD), &later)
        .await;
    assert_eq!(reused.json()["code"], "00000");
}

#[tokio::test]
async fn on_a_frozen_clock_the_newest_nonces_are_remembered_up_to_the_limit() {
    let limits = card_sandbox::tenant::Limits {
        nonces: 20,
        ..Default::default()
    };
    let app = TestApp::from_yaml_with_limits(SCENARIO, limits);
    let client = Client::new(&app);
    let now = super::NOW;
    for i in 0..100 {
        let answer = balance_at(&client, now, &format!("n-{i}"), "1.0").await;
        assert_eq!(answer["code"], "00000", "{answer}");
    }
    let newest = balance_at(&client, now, "n-99", "1.0").await;
    assert_eq!(
        newest["code"], "A0005",
        "the newest are remembered: {newest}"
    );
    let oldest = balance_at(&client, now, "n-0", "1.0").await;
    assert_eq!(
        oldest["code"], "00000",
        "beyond the limit the oldest are forgotten: {oldest}"
    );
}

#[tokio::test]
async fn signatures_off_accepts_unsigned_requests() {
    let yaml = SCENARIO.replace(
        "recharge_settle_seconds: 60",
        "recharge_settle_seconds: 60\n  signatures: off",
    );
    let app = TestApp::from_yaml(&yaml);
    let client = Client::new(&app);
    let answer = client
        .send(
            "/openapi/card/balance",
            &body(USD_CARD),
            &[("api-key", "hc_test".to_owned())],
        )
        .await;
    assert_eq!(answer.json()["code"], "00000", "{}", answer.text());
}

#[tokio::test]
async fn nested_objects_and_unicode_sign_and_verify_end_to_end() {
    let app = TestApp::from_yaml(SCENARIO);
    let client = Client::new(&app);
    let answer = client
        .call(
            "/openapi/card/operation",
            json!({
                "card_id": USD_CARD,
                "request_number": "reissue-1",
                "type": 5,
                "address": {"country_code": "CN", "city": "上海", "address": "1 Rue d'Été, Apt 2", "zip_code": ""},
                "remark": "补卡 ✓"
            }),
        )
        .await;
    assert_eq!(answer["code"], "00000", "{answer}");
}

/// Signs and sends a balance request with `timestamp`, `nonce` and `version`.
async fn balance_at(client: &Client<'_>, timestamp: i64, nonce: &str, version: &str) -> Value {
    let key = PrivateKey::from_pem(keys::MERCHANT_PRIVATE_KEY_PEM).expect("key");
    let headers = sign_request(
        &key,
        "hc_test",
        timestamp,
        nonce,
        version,
        None,
        &body(USD_CARD),
    );
    client
        .send("/openapi/card/balance", &body(USD_CARD), &headers)
        .await
        .json()
}

#[tokio::test]
async fn timestamps_anywhere_in_the_i64_range_outside_the_window_get_a0002() {
    use rand::{Rng, SeedableRng};
    let app = TestApp::from_yaml(SCENARIO);
    let client = Client::new(&app);
    let now = super::NOW;
    let mut edges = vec![
        i64::MIN,
        i64::MIN + 1,
        now - i64::MAX,
        now.wrapping_sub(i64::MIN),
        i64::MAX,
        now - 301,
        now + 301,
        -1,
        0,
    ];
    // A seeded sample over the whole range: every one is outside the 300 s window.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(19);
    edges.extend((0..200).map(|_| rng.random::<i64>()));
    for (i, timestamp) in edges.into_iter().enumerate() {
        if timestamp.abs_diff(now) <= 300 {
            continue;
        }
        let answer = balance_at(&client, timestamp, &format!("ts-{i}"), "1.0").await;
        assert_eq!(answer["code"], "A0002", "timestamp {timestamp}: {answer}");
    }
    let edge = balance_at(&client, now - 300, "in-window", "1.0").await;
    assert_eq!(edge["code"], "00000", "{edge}");
}

#[tokio::test]
async fn a_nonce_hypercard_would_not_send_and_a_missing_version_are_refused() {
    let app = TestApp::from_yaml(SCENARIO);
    let client = Client::new(&app);
    let now = super::NOW;
    let long = "n".repeat(65_536);
    let answer = balance_at(&client, now, &long, "1.0").await;
    assert_eq!(answer["code"], "A0003", "{answer}");
    assert!(
        answer["msg"].as_str().is_some_and(|m| m.len() < 300),
        "the answer does not echo the nonce"
    );
    let at_limit = "n".repeat(64);
    assert_eq!(
        balance_at(&client, now, &at_limit, "1.0").await["code"],
        "00000"
    );
    let over = "m".repeat(65);
    assert_eq!(
        balance_at(&client, now, &over, "1.0").await["code"],
        "A0003"
    );
    let spaced = balance_at(&client, now, "a nonce", "1.0").await;
    assert_eq!(spaced["code"], "A0003", "{spaced}");
    let unversioned = balance_at(&client, now, "no-version", "").await;
    assert_eq!(unversioned["code"], "A0003", "{unversioned}");
    assert!(
        unversioned["msg"]
            .as_str()
            .is_some_and(|m| m.contains("version")),
        "{unversioned}"
    );
}
