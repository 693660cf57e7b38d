//! A card's first mile through HTTP only: the express application, its result on the
//! tenant clock, activation, the encrypted card details, the opening deposit, the
//! `OPEN_CARD` push, and every refusal on the way.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use card_sandbox::card_number::luhn_valid;
use card_sandbox::providers::hypercard::canonical::canonical_string;
use card_sandbox::providers::hypercard::keys::PLATFORM_PUBLIC_KEY_PEM;
use card_sandbox::providers::hypercard::signature::PublicKey;
use insta::assert_json_snapshot;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};
use serde_json::{Value, json};

use super::{Client, advance, simulate};
use crate::support::TestApp;

/// A frozen world with one product per path: 1001 express, activated with an ID
/// document, details through the API; 1002 needs an opening deposit, activated
/// without a document, hosted-page details; 1003 activated by email, details by email;
/// 1004 refused, 1005 never reviewed, 1006 not express.
const SCENARIO: &str = r#"
version: 1
seed: 11
clock:
  start: "2026-03-01T12:00:00Z"
hypercard:
  recharge_settle_seconds: 0
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
      activate_type: 1
      application: {review_seconds: 60, activation_seconds: 30}
    - card_type_id: "1002"
      card_name: "Euro Virtual Card"
      card_coin: eur
      bin: "522981"
      card_org: 2
      min_first_recharge_amount: "50"
      card_detail_obtain_way: 1
      application: {review_seconds: 120, activation_seconds: 0}
    - card_type_id: "1003"
      card_name: "Mail Card"
      card_coin: usd
      bin: "404038"
      activate_type: 2
      card_detail_obtain_way: 2
    - card_type_id: "1004"
      card_name: "Refusing Card"
      card_coin: usd
      bin: "404039"
      min_first_recharge_amount: "20"
      application: {outcome: refuse, fail_code: "KYC_FAILED", fail_reason: "name does not match the document"}
    - card_type_id: "1005"
      card_name: "Slow Card"
      card_coin: usd
      bin: "404040"
      application: {outcome: pending}
    - card_type_id: "1006"
      card_name: "Binding Card"
      card_coin: usd
      bin: "404041"
      apply_type: 3
"#;

/// The test's own key pair: the sandbox encrypts card details with the public half.
const TEST_PRIVATE_KEY: &str = r"-----BEGIN PRIVATE KEY-----
MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBALnCK1e4n0TPGcyp
rmLCeGC1W5HCZN0hbKJKH5Uia3pAzHx7rY39xRW7YfzNaq9juU5xYK/6dKZd1WKn
VJZWXrn7Buc5wzPw4JtZsCPHl1ABvAh3NxW0ULj5G0cAZf6d6v234HSkUh7WNvyW
M/N2oVijXg9NTHlgNzZjT/Yq/KULAgMBAAECgYEAqsgOizbNDzkMsjJqhpfejqMO
TgMYMonRU5+sS7N6dspudiBLHxlqAiHl48ODyz53Ftx8FS7B4lawoWPQC+vaZ7b4
jd8SNN5mR0d3dr6S7YnfOtNuapCd4fzVlY0034ptdKUmJh5G5dv39R5kXR7XX7nn
8tiZ84xsXMzBHrrPsyECQQDmwugqcvbZo50LffyViFvCOdyK91JSkMj9X4l1Va7A
0BmOROXu89HER8ZWf+1rMz+07YwR+frzrqIJLRSyt0wRAkEAzhM5v9lFBUc1cDZm
pW9EwAEjZrslnw6tTfyb03XsAzQf0RGcs7lZ6Qyp9B7BGoG8qPt4Fb0YKL/TN1Oa
dfHrWwJAGxAktkXBWYjstBpUcx0I1eB/UvTqfLBqQfzgXBhuZEKDnMHLzZhes4xP
YHmkWHwsLoXldX5Bxi5m5niZAtSoYQJBAL9iaZK8NPa28HE7hM8F7IKpS/h/vGvh
FKDGBu43qS48fYQMaE0dydu/kCORYGO+s7j4esktqb9Gj+HlOiFpwNsCQQDGXBra
vRuTBJDe/EjZmRqAdPWXLImTjhIqezEtaMKlQf6gfdU+obWawoOjKSTT+17Hnvze
bCmCu836QUSfWKAe
-----END PRIVATE KEY-----
";
const TEST_PUBLIC_KEY: &str = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5witXuJ9EzxnMqa5iwnhgtVuRwmTdIWyiSh+VImt6QMx8e62N/cUVu2H8zWqvY7lOcWCv+nSmXdVip1SWVl65+wbnOcMz8OCbWbAjx5dQAbwIdzcVtFC4+RtHAGX+ner9t+B0pFIe1jb8ljPzdqFYo14PTUx5YDc2Y0/2KvylCwIDAQAB";

/// A 1x1 PNG's first bytes: enough for the sandbox's image check.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAA=";

fn base_info(card_type_id: &str, email: &str) -> Value {
    json!({"card_type_id": card_type_id, "email": email, "first_name": "Ada",
           "last_name": "Lovelace", "mobile": "5550100", "mobile_code": "1"})
}

async fn apply(c: &Client<'_>, mc_trade_no: &str, base_info: Value) -> Value {
    c.call(
        "/v4/openapi/card/apply/quick",
        json!({"mc_trade_no": mc_trade_no, "base_info": base_info}),
    )
    .await
}

async fn result(c: &Client<'_>, mc_trade_no: &str) -> Value {
    c.call(
        "/v2/openapi/card/apply/result",
        json!({"mc_trade_no": mc_trade_no}),
    )
    .await
}

fn decrypt(encoded: &str) -> Value {
    let key = RsaPrivateKey::from_pkcs8_pem(TEST_PRIVATE_KEY).expect("the test key");
    let bytes = STANDARD.decode(encoded).expect("base64");
    let mut plain = Vec::new();
    for block in bytes.chunks(key.size()) {
        plain.extend(key.decrypt(Pkcs1v15Encrypt, block).expect("decrypts"));
    }
    serde_json::from_slice(&plain).expect("JSON inside")
}

/// What a merchant's push endpoint got.
#[derive(Debug, Clone, Default)]
struct Receiver(Arc<Mutex<Vec<(HeaderMap, Bytes)>>>);

impl Receiver {
    async fn start(app: &TestApp) -> Self {
        let receiver = Self::default();
        let router = Router::new()
            .route(
                "/hc",
                axum::routing::post(
                    |State(r): State<Receiver>, headers: HeaderMap, body: Bytes| async move {
                        r.0.lock().expect("lock").push((headers, body));
                        r#"{"code": 1, "msg": "ok", "data": {}}"#
                    },
                ),
            )
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let url = format!("http://{}/hc", listener.local_addr().expect("bound"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        let config = json!({"hypercard": {"url": url}}).to_string();
        let answer = app
            .call(
                axum::http::Method::PUT,
                "/_sandbox/tenants/default/webhooks/config",
                Some(&config),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        receiver
    }

    /// Waits (up to 10 s) for a push of `notify_type`; its headers and body.
    async fn wait_for(&self, notify_type: &str) -> (HeaderMap, Value) {
        for _ in 0..200 {
            let found = self.0.lock().expect("lock").iter().find_map(|(h, b)| {
                let body: Value = serde_json::from_slice(b).ok()?;
                (body["notify_type"] == notify_type).then(|| (h.clone(), body))
            });
            if let Some(found) = found {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {notify_type} push arrived");
    }
}

/// Checks a push's signature with the platform's public key, as a merchant does.
fn verify_push(headers: &HeaderMap, body: &Value) {
    let key = PublicKey::from_pem(PLATFORM_PUBLIC_KEY_PEM).expect("platform key");
    let pairs: Vec<(&str, &str)> = ["timestamp", "nonce", "api-key", "version", "lang"]
        .iter()
        .filter_map(|n| Some((*n, headers.get(*n)?.to_str().ok()?)))
        .collect();
    let fields = body.as_object().expect("an object");
    let signature = headers["signature"].to_str().expect("signature");
    assert!(
        key.verify(&canonical_string(&pairs, fields), signature),
        "the push verifies"
    );
    let mut tampered = fields.clone();
    tampered.insert("mc_trade_no".to_owned(), json!("forged"));
    assert!(!key.verify(&canonical_string(&pairs, &tampered), signature));
}

#[tokio::test]
async fn an_express_application_becomes_a_funded_usable_card_through_http_only() {
    let app = TestApp::from_yaml(SCENARIO);
    let receiver = Receiver::start(&app).await;
    let c = Client::new(&app);

    let products = c.call("/v5/openapi/card/list", json!({})).await;
    let product = products["data"]
        .as_array()
        .expect("products")
        .iter()
        .find(|p| {
            p["apply_type"] == 2 && p["activate_type"] == 1 && p["card_detail_obtain_way"] == 0
        })
        .expect("an express product activated with a document, details by API")
        .clone();
    let card_type_id = product["card_type_id"].as_str().expect("id");

    let applied = apply(&c, "app-1", base_info(card_type_id, "ada@example.com")).await;
    assert_json_snapshot!("hypercard_apply_quick", applied);
    let pending = result(&c, "app-1").await;
    assert_json_snapshot!("hypercard_apply_result_reviewing", pending);
    let card_id = pending["data"]["result"]["card_id"]
        .as_str()
        .expect("card_id")
        .to_owned();

    advance(&app, 59).await;
    assert_eq!(
        result(&c, "app-1").await["data"]["result"]["card_status"],
        2
    );
    advance(&app, 1).await;
    let issued = result(&c, "app-1").await;
    assert_json_snapshot!("hypercard_apply_result_issued", issued);
    assert_eq!(
        c.call(
            "/openapi/card/apply/result",
            json!({"mc_trade_no": "app-1"})
        )
        .await,
        issued,
        "v1 and v2 answer alike"
    );

    let (headers, push) = receiver.wait_for("OPEN_CARD").await;
    assert_eq!(
        push,
        json!({"notify_type": "OPEN_CARD", "card_type_id": card_type_id, "email": "ada@example.com",
               "mobile": "5550100", "mobile_code": "1", "result": 1, "remark": "", "mc_trade_no": "app-1"})
    );
    verify_push(&headers, &push);

    let activated = c
        .call(
            "/openapi/card/active",
            json!({"card_id": card_id, "file": PNG}),
        )
        .await;
    assert_json_snapshot!("hypercard_card_active", activated);
    assert_eq!(
        result(&c, "app-1").await["data"]["result"]["card_status"],
        11
    );
    advance(&app, 30).await;
    assert_eq!(
        result(&c, "app-1").await["data"]["result"]["card_status"],
        9
    );

    let details = c
        .call(
            "/v2/openapi/card/bank/details",
            json!({"card_id": card_id, "pub_key": TEST_PUBLIC_KEY}),
        )
        .await;
    assert_json_snapshot!("hypercard_bank_details", details);
    let inside = decrypt(
        details["data"]["encoded_card_detail"]
            .as_str()
            .expect("encoded"),
    );
    let number = inside["card_number"].as_str().expect("card_number");
    assert!(luhn_valid(number), "{number}");
    let masked = issued["data"]["result"]["card_number"]
        .as_str()
        .expect("masked");
    assert_eq!(&number[..6], &masked[..6]);
    assert_eq!(&number[number.len() - 4..], &masked[masked.len() - 4..]);
    assert_eq!(inside["cvv"].as_str().map(str::len), Some(3));
    assert_eq!(inside["expire"], "03/2029");
    let again = c
        .call(
            "/v2/openapi/card/bank/details",
            json!({"card_id": card_id, "pub_key": TEST_PUBLIC_KEY}),
        )
        .await;
    assert_eq!(
        decrypt(
            again["data"]["encoded_card_detail"]
                .as_str()
                .expect("encoded")
        ),
        inside,
        "stable per card"
    );

    let recharge = c
        .call(
            "/openapi/card/recharge",
            json!({"card_id": card_id, "mc_trade_no": "top-1", "pay_coin": "usdt", "recharge_amount": "100"}),
        )
        .await;
    assert_eq!(recharge["code"], "00000", "{recharge}");
    advance(&app, 1).await;
    let spent = simulate(&app, "consume", json!({"card_id": card_id, "amount": "30"})).await;
    assert_eq!(spent["declined"], Value::Null);

    let balance = c
        .call("/openapi/card/balance", json!({"card_id": card_id}))
        .await;
    assert_eq!(balance["data"]["available_balance"], "70.00");
    let now = c.now().await;
    let v3 = |business_type: u8| {
        json!({"start_time": (now - 3600).to_string(), "end_time": (now + 60).to_string(),
               "page": 1, "size": 10, "business_type": business_type, "card_id": card_id})
    };
    let recharges = c.call("/v3/openapi/card/transactions", v3(2)).await;
    let consumptions = c.call("/v3/openapi/card/transactions", v3(1)).await;
    assert_eq!(recharges["data"]["total"], 1, "{recharges}");
    assert_eq!(
        recharges["data"]["records"][0]["currency_amount"], "100.00000000",
        "{recharges}"
    );
    assert_eq!(consumptions["data"]["total"], 1, "{consumptions}");
    assert_eq!(
        consumptions["data"]["records"][0]["deduction_amount"],
        "30.00000000"
    );
    let invariants = app.get("/_sandbox/tenants/default/invariants").await.json();
    assert_eq!(invariants["ok"], true, "{invariants}");
}

#[tokio::test]
async fn a_pre_apply_card_waits_for_its_opening_deposit_which_answers_empty_data() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    apply(&c, "app-eur", base_info("1002", "eve@example.com")).await;
    let waiting = result(&c, "app-eur").await;
    assert_json_snapshot!("hypercard_apply_result_pre_apply", waiting);
    let card_id = waiting["data"]["result"]["card_id"]
        .as_str()
        .expect("card_id")
        .to_owned();

    let below = c
        .call(
            "/openapi/card/recharge",
            json!({"card_id": card_id, "mc_trade_no": "dep-0", "pay_coin": "usdt", "recharge_amount": "49"}),
        )
        .await;
    assert_json_snapshot!("hypercard_recharge_error_opening_deposit_too_small", below);
    let deposit = c
        .call(
            "/openapi/card/recharge",
            json!({"card_id": card_id, "mc_trade_no": "dep-1", "pay_coin": "usdt", "recharge_amount": "60"}),
        )
        .await;
    assert_json_snapshot!("hypercard_recharge_opening_deposit", deposit);
    assert_eq!(
        result(&c, "dep-1").await["data"]["result"]["card_id"],
        card_id.as_str(),
        "the deposit's mc_trade_no names the application's outcome"
    );
    let again = c
        .call(
            "/openapi/card/recharge",
            json!({"card_id": card_id, "mc_trade_no": "dep-2", "pay_coin": "usdt", "recharge_amount": "60"}),
        )
        .await;
    assert_json_snapshot!("hypercard_recharge_error_under_review", again);

    advance(&app, 120).await;
    // Issued, then activated without a document at once (activation_seconds 0).
    assert_eq!(
        result(&c, "app-eur").await["data"]["result"]["card_status"],
        3
    );
    c.call("/openapi/card/active", json!({"card_id": card_id}))
        .await;
    advance(&app, 1).await;
    assert_eq!(
        result(&c, "app-eur").await["data"]["result"]["card_status"],
        9
    );
    let balance = c
        .call("/openapi/card/balance", json!({"card_id": card_id}))
        .await;
    assert_eq!(balance["data"]["available_balance"], "60.00");

    let hosted = c
        .call(
            "/v2/openapi/card/bank/details",
            json!({"card_id": card_id, "pub_key": TEST_PUBLIC_KEY}),
        )
        .await;
    assert_eq!(hosted["data"]["card_detail_obtain_way"], 1);
    let inside = decrypt(
        hosted["data"]["encoded_card_detail"]
            .as_str()
            .expect("encoded"),
    );
    assert_json_snapshot!("hypercard_bank_details_hosted_page", inside);
}

#[tokio::test]
async fn email_products_activate_themselves_and_send_details_by_email() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    apply(&c, "app-mail", base_info("1003", "mo@example.com")).await;
    let card_id = result(&c, "app-mail").await["data"]["result"]["card_id"]
        .as_str()
        .expect("card_id")
        .to_owned();
    advance(&app, 60).await;
    assert_eq!(
        result(&c, "app-mail").await["data"]["result"]["card_status"],
        7
    );
    let refused = c
        .call(
            "/openapi/card/active",
            json!({"card_id": card_id, "file": PNG}),
        )
        .await;
    assert_json_snapshot!("hypercard_card_active_error_email_product", refused);
    advance(&app, 60).await;
    assert_eq!(
        result(&c, "app-mail").await["data"]["result"]["card_status"],
        9
    );
    let details = c
        .call(
            "/v2/openapi/card/bank/details",
            json!({"card_id": card_id, "pub_key": TEST_PUBLIC_KEY}),
        )
        .await;
    assert_json_snapshot!("hypercard_bank_details_email", details);
}

#[tokio::test]
async fn a_refused_application_pushes_result_2_and_releases_its_deposit() {
    let app = TestApp::from_yaml(SCENARIO);
    let receiver = Receiver::start(&app).await;
    let c = Client::new(&app);
    let mut info = base_info("1004", "rex@example.com");
    info["first_recharge_amount"] = json!("25");
    apply(&c, "app-no", info).await;
    let merchant = c
        .call("/openapi/card/merchant/balance", json!({"coin": "usdt"}))
        .await;
    assert_eq!(
        merchant["data"][0]["amount"], "975.00000000",
        "the deposit is held"
    );
    advance(&app, 60).await;
    let refused = result(&c, "app-no").await;
    assert_json_snapshot!("hypercard_apply_result_refused", refused);
    let merchant = c
        .call("/openapi/card/merchant/balance", json!({"coin": "usdt"}))
        .await;
    assert_eq!(
        merchant["data"][0]["amount"], "1000.00000000",
        "the deposit is released"
    );
    let card_id = refused["data"]["result"]["card_id"]
        .as_str()
        .expect("card_id");
    let query = c
        .call(
            "/openapi/card/recharge/query",
            json!({"card_id": card_id, "mc_trade_no": "app-no"}),
        )
        .await;
    assert_eq!(query["data"]["status"], 2, "{query}");
    let (headers, push) = receiver.wait_for("OPEN_CARD").await;
    assert_eq!(push["result"], 2);
    assert_eq!(push["remark"], "name does not match the document");
    verify_push(&headers, &push);
    let (_, recharge) = receiver.wait_for("RECHARGE").await;
    assert_eq!(recharge["result"], "2");

    // A pending knob: the review never ends.
    apply(&c, "app-slow", base_info("1005", "sam@example.com")).await;
    advance(&app, 86_400).await;
    assert_eq!(
        result(&c, "app-slow").await["data"]["result"]["card_status"],
        2
    );
}

#[tokio::test]
async fn every_refusal_of_the_first_mile() {
    let app = TestApp::from_yaml(SCENARIO);
    let c = Client::new(&app);
    let path = "/v4/openapi/card/apply/quick";
    let cases = [
        ("missing_base_info", json!({"mc_trade_no": "x-1"})),
        (
            "unknown_product",
            json!({"mc_trade_no": "x-2", "base_info": base_info("9999", "a@example.com")}),
        ),
        (
            "bad_email",
            json!({"mc_trade_no": "x-3", "base_info": base_info("1001", "not-an-email")}),
        ),
        (
            "short_mobile",
            json!({"mc_trade_no": "x-4", "base_info": {"card_type_id": "1001", "email": "a@example.com",
            "first_name": "A", "last_name": "B", "mobile": "123", "mobile_code": "1"}}),
        ),
        (
            "not_express",
            json!({"mc_trade_no": "x-5", "base_info": base_info("1006", "a@example.com")}),
        ),
        (
            "first_recharge_too_small",
            json!({"mc_trade_no": "x-6", "base_info": {"card_type_id": "1002",
            "email": "a@example.com", "first_name": "A", "last_name": "B", "mobile": "5550100",
            "mobile_code": "1", "first_recharge_amount": "10"}}),
        ),
        (
            "merchant_short",
            json!({"mc_trade_no": "x-7", "base_info": {"card_type_id": "1001",
            "email": "a@example.com", "first_name": "A", "last_name": "B", "mobile": "5550100",
            "mobile_code": "1", "first_recharge_amount": "5000"}}),
        ),
    ];
    for (name, body) in cases {
        assert_json_snapshot!(
            format!("hypercard_apply_quick_error_{name}"),
            c.call(path, body).await
        );
    }
    apply(&c, "dup", base_info("1001", "dup@example.com")).await;
    assert_json_snapshot!(
        "hypercard_apply_quick_error_duplicate_trade_no",
        c.call(
            path,
            json!({"mc_trade_no": "dup", "base_info": base_info("1003", "o@example.com")})
        )
        .await
    );
    assert_json_snapshot!(
        "hypercard_apply_quick_error_incomplete_application",
        c.call(
            path,
            json!({"mc_trade_no": "dup-2", "base_info": base_info("1001", "dup@example.com")})
        )
        .await
    );
    assert_json_snapshot!(
        "hypercard_apply_result_unknown",
        c.call(
            "/v2/openapi/card/apply/result",
            json!({"mc_trade_no": "nope"})
        )
        .await
    );
    let card_id = result(&c, "dup").await["data"]["result"]["card_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let active = "/openapi/card/active";
    assert_json_snapshot!(
        "hypercard_card_active_error_not_issued",
        c.call(active, json!({"card_id": card_id, "file": PNG}))
            .await
    );
    advance(&app, 60).await;
    let jpeg_prefix = format!("data:image/png;base64,{PNG}");
    let text = STANDARD.encode("hello");
    for (name, body) in [
        (
            "data_prefix",
            json!({"card_id": card_id, "file": jpeg_prefix}),
        ),
        ("not_an_image", json!({"card_id": card_id, "file": text})),
        ("not_base64", json!({"card_id": card_id, "file": "%%%"})),
        ("missing_file", json!({"card_id": card_id})),
        ("unknown_card", json!({"card_id": "404", "file": PNG})),
    ] {
        assert_json_snapshot!(
            format!("hypercard_card_active_error_{name}"),
            c.call(active, body).await
        );
    }
    let details = "/v2/openapi/card/bank/details";
    assert_json_snapshot!(
        "hypercard_bank_details_error_not_activated",
        c.call(
            details,
            json!({"card_id": card_id, "pub_key": TEST_PUBLIC_KEY})
        )
        .await
    );
    assert_json_snapshot!(
        "hypercard_bank_details_error_bad_key",
        c.call(
            details,
            json!({"card_id": card_id, "pub_key": "bm90IGEga2V5"})
        )
        .await
    );
    assert_json_snapshot!(
        "hypercard_bank_details_error_unknown_card",
        c.call(
            details,
            json!({"card_id": "404", "pub_key": TEST_PUBLIC_KEY})
        )
        .await
    );
    c.call(active, json!({"card_id": card_id, "file": PNG}))
        .await;
    assert_json_snapshot!(
        "hypercard_card_active_error_twice",
        c.call(active, json!({"card_id": card_id, "file": PNG}))
            .await
    );
}

#[tokio::test]
async fn the_default_scenario_reaches_every_activation_and_detail_path() {
    let app = TestApp::embedded();
    let products = app.get("/_sandbox/tenants/default/export").await.text();
    let export: yaml_serde::Value = yaml_serde::from_str(&products).expect("YAML");
    let types = export["snapshot"]["hypercard"]["section"]["card_types"]
        .as_sequence()
        .expect("card types")
        .clone();
    let set = |name: &str| {
        let mut v: Vec<u64> = types.iter().filter_map(|p| p[name].as_u64()).collect();
        v.sort_unstable();
        v
    };
    assert_eq!(set("activate_type"), vec![1, 2, 3]);
    assert_eq!(set("card_detail_obtain_way"), vec![0, 1, 2]);
    assert!(
        types
            .iter()
            .any(|p| p["need_first_recharge"].as_bool() == Some(true))
    );
    assert!(types.iter().all(|p| p["apply_type"].as_u64() == Some(2)));
}

/// A world that starts mid-journey: one application at each stage.
const MID_JOURNEY: &str = r#"
    - {mc_trade_no: "s-pre", card_type_id: "1002", stage: pre_apply}
    - {mc_trade_no: "s-review", card_type_id: "1001", email: "r@example.com"}
    - {mc_trade_no: "s-issued", card_type_id: "1001", card_id: "2960680000000000077", stage: issued}
    - {mc_trade_no: "s-refused", card_type_id: "1004", stage: refused, first_recharge_amount: "30"}
    - {mc_trade_no: "s-active", card_type_id: "1003", stage: activated}
"#;

#[tokio::test]
async fn a_scenario_declares_applications_mid_journey_and_exports_them() {
    let yaml = format!("{SCENARIO}  applications:{MID_JOURNEY}");
    let app = TestApp::from_yaml(&yaml);
    let c = Client::new(&app);
    let status = |v: Value| v["data"]["result"]["card_status"].clone();
    assert_eq!(status(result(&c, "s-pre").await), 0);
    assert_eq!(status(result(&c, "s-review").await), 2);
    let issued = result(&c, "s-issued").await;
    assert_eq!(status(issued.clone()), 3);
    assert_eq!(issued["data"]["result"]["card_id"], "2960680000000000077");
    let refused = result(&c, "s-refused").await;
    assert_eq!(status(refused.clone()), 4);
    assert_eq!(refused["data"]["result"]["fail_code"], "KYC_FAILED");
    assert_eq!(status(result(&c, "s-active").await), 9);
    advance(&app, 60).await;
    assert_eq!(
        status(result(&c, "s-review").await),
        3,
        "the knob still decides"
    );

    let export = app.get("/_sandbox/tenants/default/export").await.text();
    let copy = TestApp::from_yaml(&export);
    let c2 = Client::new(&copy);
    for trade_no in ["s-pre", "s-review", "s-issued", "s-refused", "s-active"] {
        assert_eq!(
            result(&c2, trade_no).await,
            result(&c, trade_no).await,
            "{trade_no}"
        );
    }
}
