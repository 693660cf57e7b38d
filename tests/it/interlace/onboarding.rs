//! Onboarding through Interlace's own API, as a real integrator calls it: OAuth on both
//! path styles, sub-account registration, file upload, KYC and its review, initialisation,
//! funding from the parent, BINs, cardholders, a prepaid card under an Idempotency-Key,
//! transfers, a simulated authorisation and clearing; and each refusal on the way.

use axum::body::Body;
use axum::http::{Method, Request};
use insta::assert_json_snapshot;
use serde_json::{Value, json};

use super::{MAIN, SCENARIO, get, login, post, send, simulate};
use crate::support::{Answer, TestApp};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR sandbox test image";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF sandbox selfie";
const BIN_ID: &str = "1926684703962181636";
const STRICT_BIN_ID: &str = "1926684703962181633";

/// A multipart upload of `files` for `account`.
async fn upload(app: &TestApp, token: &str, account: &str, files: &[(&str, &[u8])]) -> Answer {
    let boundary = "sandbox-boundary-7f3a";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"accountId\"\r\n\r\n{account}\r\n"
        )
        .as_bytes(),
    );
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"files\"; filename=\"{name}\"\r\ncontent-type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/open-api/v3/files/upload")
        .header("x-access-token", token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("a valid request");
    app.send(request).await
}

fn kyc_body(front: &str, selfie: &str, country: &str, ssn: Option<&str>) -> Value {
    let mut body = json!({
        "sourceType": "api",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "dateOfBirth": "1990-12-10",
        "gender": "F",
        "nationality": "GB",
        "nationalId": "AB1234567",
        "idType": "PASSPORT",
        "issueDate": "2020-01-15",
        "expiryDate": "2030-01-14",
        "address": {"addressLine1": "1 Market St", "city": "San Francisco", "state": "CA",
                    "country": country, "postalCode": "94105"},
        "idFrontId": front,
        "selfie": selfie,
        "phoneNumber": "4155550123",
        "phoneCountryCode": "1"
    });
    if let Some(ssn) = ssn {
        body["ssn"] = json!(ssn);
    }
    body
}

fn cardholder_body(account: &str, bin: &str) -> Value {
    json!({
        "accountId": account, "binId": bin, "cardholderTier": "CONSUMER",
        "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
        "dob": "1990-12-10", "gender": "F", "nationality": "GB",
        "phoneNumber": "4155550123", "phoneCountryCode": "1",
        "address": {"addressLine1": "1 Market St", "city": "San Francisco", "state": "CA",
                    "country": "US", "postalCode": "94105"}
    })
}

fn code(answer: &Value) -> &str {
    answer["code"].as_str().unwrap_or_default()
}

/// Registers a sub-account of MAIN and returns its id.
pub(crate) async fn register(app: &TestApp, token: &str, email: &str) -> String {
    let answer = post(
        app,
        token,
        "/open-api/v3/accounts/register",
        json!({"email": email, "name": "Ada Lovelace", "parentAccountId": MAIN,
               "phoneNumber": "4155550123", "phoneCountryCode": "1"}),
    )
    .await;
    assert_eq!(code(&answer), "000000", "{answer}");
    answer["data"]["id"].as_str().expect("an id").to_owned()
}

/// Uploads an ID and a selfie for `account`, submits KYC and passes it through the
/// sandbox review; returns the case id.
pub(crate) async fn pass_kyc(app: &TestApp, token: &str, account: &str) -> String {
    let files = upload(
        app,
        token,
        account,
        &[("id.png", PNG), ("selfie.jpg", JPEG)],
    )
    .await
    .json();
    let ids = files["data"].as_array().expect("file ids");
    let kyc = post(
        app,
        token,
        &format!("/open-api/v3/accounts/{account}/kyc"),
        kyc_body(
            ids[0].as_str().expect("id"),
            ids[1].as_str().expect("id"),
            "US",
            Some("123-45-6789"),
        ),
    )
    .await;
    assert_eq!(code(&kyc), "000000", "{kyc}");
    let reviewed = post(
        app,
        token,
        "/open-api/v3/vcc/simulate/kyc/review",
        json!({"accountId": account, "status": "Passed", "message": "ok"}),
    )
    .await;
    assert_eq!(reviewed["data"]["kycStatus"], "Passed", "{reviewed}");
    kyc["data"]["caseId"].as_str().expect("a case").to_owned()
}

fn infinity(wallets: &Value) -> (String, String) {
    let w = wallets["data"]["list"]
        .as_array()
        .expect("wallets")
        .iter()
        .find(|w| w["objectType"] == 0)
        .expect("an Infinity balance");
    (
        w["id"].as_str().expect("id").to_owned(),
        w["available"].as_str().expect("available").to_owned(),
    )
}

#[tokio::test]
async fn an_integrator_goes_from_oauth_to_a_spending_prepaid_card_through_the_api_alone() {
    let app = TestApp::from_yaml(SCENARIO);
    // OAuth on the v3 paths (enveloped) and the un-versioned ones (bare).
    let v3 = app
        .get("/open-api/v3/oauth/authorize?clientId=client-1")
        .await
        .json();
    let v3_token = app
        .post(
            "/open-api/v3/oauth/access-token",
            &json!({"clientId": "client-1", "clientSecret": "secret-1", "code": v3["data"]["code"]})
                .to_string(),
        )
        .await
        .json();
    assert_eq!(code(&v3_token), "000000");
    let token = login(&app).await;

    // Register a sub-account under the API client's own account.
    let registered = post(
        &app,
        &token,
        "/open-api/v3/accounts/register",
        json!({"email": "ada@example.com", "name": "Ada Lovelace", "parentAccountId": MAIN,
               "phoneNumber": "4155550123", "phoneCountryCode": "1"}),
    )
    .await;
    assert_json_snapshot!("interlace_register", registered);
    let sub = registered["data"]["id"].as_str().expect("an id").to_owned();

    // Before KYC: no cardholder, no initialisation.
    let early = post(
        &app,
        &token,
        "/open-api/v3/cardholders",
        cardholder_body(&sub, BIN_ID),
    )
    .await;
    assert_eq!(code(&early), "010787", "{early}");

    // Upload, submit KYC, review.
    let files = upload(&app, &token, &sub, &[("id.png", PNG), ("selfie.jpg", JPEG)]).await;
    assert_eq!(files.status, 200, "{}", files.text());
    assert_json_snapshot!("interlace_files_upload", files.json());
    let ids: Vec<String> = files.json()["data"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|v| v.as_str().expect("id").to_owned())
        .collect();
    let kyc = post(
        &app,
        &token,
        &format!("/open-api/v3/accounts/{sub}/kyc"),
        kyc_body(&ids[0], &ids[1], "US", Some("123-45-6789")),
    )
    .await;
    assert_json_snapshot!("interlace_kyc_submit", kyc);
    let cdd = get(
        &app,
        &token,
        &format!("/open-api/v3/accounts/cdd/detail/{sub}"),
    )
    .await;
    assert_eq!(cdd["data"]["kycStatus"], "Pending");
    let reviewed = post(
        &app,
        &token,
        "/open-api/v3/vcc/simulate/kyc/review",
        json!({"accountId": sub, "status": "Passed", "message": "documents verified"}),
    )
    .await;
    assert_json_snapshot!("interlace_kyc_review", reviewed);
    let cdd = get(
        &app,
        &token,
        &format!("/open-api/v3/accounts/cdd/detail/{sub}"),
    )
    .await;
    assert_json_snapshot!("interlace_cdd_detail", cdd);

    // Before initialisation the Infinity balance does not exist.
    let (main_balance, main_before) = infinity(
        &get(
            &app,
            &token,
            &format!("/open-api/v3/cards/wallets?accountId={MAIN}"),
        )
        .await,
    );
    let (sub_balance, _) = infinity(
        &get(
            &app,
            &token,
            &format!("/open-api/v3/cards/wallets?accountId={sub}"),
        )
        .await,
    );
    let transfer = json!({
        "clientTransactionId": "fund-ada-1", "amount": "300.00",
        "from": {"id": main_balance, "accountId": MAIN, "currency": "USD", "businessType": 0},
        "to": {"id": sub_balance, "accountId": sub, "currency": "USD", "businessType": 0}
    });
    let refused = post(
        &app,
        &token,
        "/open-api/v3/business/transfer/external",
        transfer.clone(),
    )
    .await;
    assert_eq!(code(&refused), "010021", "{refused}");
    let initialized = post(
        &app,
        &token,
        &format!("/open-api/v2/accounts/{sub}/initialization"),
        json!({}),
    )
    .await;
    assert_json_snapshot!("interlace_initialization", initialized);

    // Fund the sub-account from the parent.
    let moved = post(
        &app,
        &token,
        "/open-api/v3/business/transfer/external",
        transfer,
    )
    .await;
    assert_json_snapshot!("interlace_transfer_between_accounts", moved);
    let (_, main_after) = infinity(
        &get(
            &app,
            &token,
            &format!("/open-api/v3/cards/wallets?accountId={MAIN}"),
        )
        .await,
    );
    let before: f64 = main_before.parse().expect("an amount");
    let after: f64 = main_after.parse().expect("an amount");
    assert!(
        (before - after - 300.0).abs() < 0.001,
        "{before} -> {after}"
    );

    // BINs, then a cardholder, reviewed on the clock.
    let bins = get(
        &app,
        &token,
        &format!("/open-api/v3/card/bins?accountId={sub}&page=1&limit=10"),
    )
    .await;
    assert_json_snapshot!("interlace_card_bins", bins);
    let holder = post(
        &app,
        &token,
        "/open-api/v3/cardholders",
        cardholder_body(&sub, BIN_ID),
    )
    .await;
    assert_json_snapshot!("interlace_cardholder_create", holder);
    let holder_id = holder["data"]["id"].as_str().expect("an id").to_owned();
    let shown = get(
        &app,
        &token,
        &format!("/open-api/v3/cardholders/{holder_id}?accountId={sub}"),
    )
    .await;
    assert_json_snapshot!("interlace_cardholder_get", shown);
    assert_eq!(shown["data"]["status"], "ACTIVE");
    let listed = get(
        &app,
        &token,
        &format!("/open-api/v3/cardholders?accountId={sub}&page=1&limit=10"),
    )
    .await;
    assert_eq!(listed["data"]["total"], 1);
    assert_eq!(listed["data"]["list"][0]["id"], holder_id.as_str());
    assert_json_snapshot!("interlace_cardholders_list", listed);

    // A prepaid card, twice under one Idempotency-Key: one card.
    let card_body = json!({
        "accountId": sub, "binId": BIN_ID, "cardholderId": holder_id,
        "referenceId": "ref-ada-card-1", "cardMode": "VIRTUAL_CARD", "amount": "100.00",
        "useType": "default", "label": "Ads"
    });
    let first = send(
        &app,
        Method::POST,
        &token,
        "/open-api/v3/prepaid-card",
        Some(card_body.clone()),
        Some("3b0c6a8e-idem-0001"),
    )
    .await;
    let again = send(
        &app,
        Method::POST,
        &token,
        "/open-api/v3/prepaid-card",
        Some(card_body),
        Some("3b0c6a8e-idem-0001"),
    )
    .await;
    assert_eq!(first.text(), again.text(), "the repeat answers the first");
    assert_json_snapshot!("interlace_prepaid_card", first.json());
    let card = first.json()["data"]["id"]
        .as_str()
        .expect("a card")
        .to_owned();
    let cards = get(&app, &token, &format!("/open-api/v3/cards?accountId={sub}")).await;
    assert_eq!(cards["data"]["total"], 1, "one card: {cards}");

    // Transfers in and out, then an authorisation and its clearing.
    for (path, amount) in [("transfer-in", "50.00"), ("transfer-out", "20.00")] {
        let moved = post(
            &app,
            &token,
            &format!("/open-api/v3/cards/{path}"),
            json!({"accountId": sub, "cardId": card, "clientTransactionId": format!("{path}-1"),
                   "amount": amount}),
        )
        .await;
        assert_eq!(code(&moved), "000000", "{moved}");
    }
    let auth = simulate(
        &app,
        "card-transaction",
        json!({"cardId": card, "type": "authorization", "amount": "25.00"}),
    )
    .await;
    let auth_id = auth["transaction"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    simulate(
        &app,
        "card-transaction",
        json!({"transactionId": auth_id, "type": "clearing", "amount": "25.00"}),
    )
    .await;

    // Wallets and card transactions agree: 100 + 50 - 20 - 25 on the card; 300 - 100 -
    // 50 + 20 on the Infinity balance.
    let wallets = get(
        &app,
        &token,
        &format!("/open-api/v3/cards/wallets?accountId={sub}"),
    )
    .await;
    let list = wallets["data"]["list"].as_array().expect("wallets");
    let card_wallet = list
        .iter()
        .find(|w| w["objectType"] == 2)
        .expect("the card's balance");
    assert_eq!(card_wallet["available"], "105.00");
    assert_eq!(infinity(&wallets).1, "170.00");
    let txs = get(
        &app,
        &token,
        &format!("/open-api/v3/card/transactions?accountId={sub}&cardId={card}"),
    )
    .await;
    let txs = txs["data"]["list"].as_array().expect("transactions");
    assert!(
        txs.iter()
            .any(|t| t["id"] == auth_id.as_str() && t["status"] == "CLOSED"),
        "{txs:?}"
    );
    let invariants = app.get("/_sandbox/tenants/default/invariants").await.json();
    assert_eq!(invariants["ok"], true, "{invariants}");
}

#[tokio::test]
async fn an_idempotency_key_reused_with_another_body_is_refused_and_moves_nothing() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    let sub = register(&app, &token, "grace@example.com").await;
    pass_kyc(&app, &token, &sub).await;
    post(
        &app,
        &token,
        &format!("/open-api/v2/accounts/{sub}/initialization"),
        json!({}),
    )
    .await;
    let holder = post(
        &app,
        &token,
        "/open-api/v3/cardholders",
        cardholder_body(&sub, BIN_ID),
    )
    .await["data"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let body = |reference: &str| {
        json!({"accountId": sub, "binId": BIN_ID, "cardholderId": holder,
               "referenceId": reference, "cardMode": "VIRTUAL_CARD"})
    };
    let first = send(
        &app,
        Method::POST,
        &token,
        "/open-api/v3/prepaid-card",
        Some(body("r-1")),
        Some("key-1"),
    )
    .await
    .json();
    assert_eq!(code(&first), "000000", "{first}");
    let other = send(
        &app,
        Method::POST,
        &token,
        "/open-api/v3/prepaid-card",
        Some(body("r-2")),
        Some("key-1"),
    )
    .await
    .json();
    assert_eq!(code(&other), "010001", "{other}");
    assert!(
        other["message"]
            .as_str()
            .is_some_and(|m| m.contains("Idempotency-Key")),
        "{other}"
    );
    assert_json_snapshot!("interlace_idempotency_conflict", other);
    let cards = get(&app, &token, &format!("/open-api/v3/cards?accountId={sub}")).await;
    assert_eq!(cards["data"]["total"], 1);
}

#[tokio::test]
async fn kyc_refusals_name_what_is_wrong_and_an_unknown_bin_is_refused() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    let sub = register(&app, &token, "ann@example.com").await;
    // The same email again.
    let again = post(
        &app,
        &token,
        "/open-api/v3/accounts/register",
        json!({"email": "ANN@example.com", "name": "Ann", "parentAccountId": MAIN}),
    )
    .await;
    assert_eq!(code(&again), "010001", "{again}");
    // An unknown parent.
    let orphan = post(
        &app,
        &token,
        "/open-api/v1/accounts/register",
        json!({"email": "orphan@example.com", "name": "Orphan", "parentAccountId": "nope"}),
    )
    .await;
    assert_eq!(code(&orphan), "010003", "{orphan}");
    // A text file is not an ID document.
    let text = upload(&app, &token, &sub, &[("id.txt", b"hello, not an image")]).await;
    assert_eq!(code(&text.json()), "010001", "{}", text.text());
    // Too large: one byte past 5 MiB.
    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let large = upload(&app, &token, &sub, &[("big.png", &big)]).await;
    assert_eq!(code(&large.json()), "010001", "{}", large.text());
    assert!(large.text().contains("5 MiB"), "{}", large.text());
    let files = upload(&app, &token, &sub, &[("id.png", PNG), ("selfie.jpg", JPEG)])
        .await
        .json();
    let ids = files["data"].as_array().expect("ids");
    let (front, selfie) = (ids[0].as_str().expect("id"), ids[1].as_str().expect("id"));
    // A US address without ssn.
    let no_ssn = post(
        &app,
        &token,
        &format!("/open-api/v3/accounts/{sub}/kyc"),
        kyc_body(front, selfie, "US", None),
    )
    .await;
    assert_eq!(code(&no_ssn), "010001");
    assert!(
        no_ssn["message"]
            .as_str()
            .is_some_and(|m| m.contains("ssn")),
        "{no_ssn}"
    );
    // A file id that was never uploaded.
    let ghost = post(
        &app,
        &token,
        &format!("/open-api/v3/accounts/{sub}/kyc"),
        kyc_body("no-such-file", selfie, "GB", None),
    )
    .await;
    assert_eq!(code(&ghost), "010001", "{ghost}");
    // Not passed yet: the review cannot run before a submission; initialisation refuses.
    let not_submitted = post(
        &app,
        &token,
        "/open-api/v3/vcc/simulate/kyc/review",
        json!({"accountId": sub, "status": "Passed"}),
    )
    .await;
    assert_eq!(code(&not_submitted), "010787", "{not_submitted}");
    let init = post(
        &app,
        &token,
        &format!("/open-api/v2/accounts/{sub}/initialization"),
        json!({}),
    )
    .await;
    assert_eq!(code(&init), "010787", "{init}");
    // A rejected KYC keeps cardholders out.
    post(
        &app,
        &token,
        &format!("/open-api/v3/accounts/{sub}/kyc"),
        kyc_body(front, selfie, "GB", None),
    )
    .await;
    let rejected = post(
        &app,
        &token,
        "/open-api/v3/vcc/simulate/kyc/review",
        json!({"accountId": sub, "status": "Canceled", "message": "document expired"}),
    )
    .await;
    assert_eq!(rejected["data"]["kycStatus"], "Canceled");
    assert_eq!(rejected["data"]["message"], "document expired");
    let holder = post(
        &app,
        &token,
        "/open-api/v3/cardholders",
        cardholder_body(&sub, BIN_ID),
    )
    .await;
    assert_eq!(code(&holder), "010787", "{holder}");
    // An unknown BIN, on an account that may have cardholders.
    let unknown = post(
        &app,
        &token,
        "/open-api/v3/cardholders",
        cardholder_body(MAIN, "1234"),
    )
    .await;
    assert_eq!(code(&unknown), "010003", "{unknown}");
    assert_json_snapshot!("interlace_unknown_bin", unknown);
}

#[tokio::test]
async fn before_initialisation_010021_strict_bins_check_phones_and_the_display_page_opens_once() {
    // The display token's five minutes pass on the tenant clock under clock.auth: tenant.
    let app = TestApp::from_yaml(&crate::auth_clock::on_tenant_clock(SCENARIO));
    let token = login(&app).await;
    let sub = register(&app, &token, "kim@example.com").await;
    pass_kyc(&app, &token, &sub).await;
    let card = post(
        &app,
        &token,
        "/open-api/v3/cards",
        json!({"accountId": sub, "cost": "0"}),
    )
    .await;
    assert_eq!(code(&card), "010021", "{card}");
    // A strict-phone BIN refuses a short +1 number that a plain BIN accepts.
    let mut body = cardholder_body(&sub, STRICT_BIN_ID);
    body["phoneNumber"] = json!("5550123");
    let strict = post(&app, &token, "/open-api/v3/cardholders", body.clone()).await;
    assert_eq!(code(&strict), "010001", "{strict}");
    assert!(
        strict["message"]
            .as_str()
            .is_some_and(|m| m.contains("493193")),
        "{strict}"
    );
    body["binId"] = json!(BIN_ID);
    let plain = post(&app, &token, "/open-api/v3/cardholders", body).await;
    assert_eq!(code(&plain), "000000", "{plain}");
    // A card-display token for a card of the account.
    post(
        &app,
        &token,
        &format!("/open-api/v2/accounts/{sub}/initialization"),
        json!({}),
    )
    .await;
    let holder = plain["data"]["id"].as_str().expect("id");
    let card = post(
        &app,
        &token,
        "/open-api/v3/prepaid-card",
        json!({"accountId": sub, "binId": BIN_ID, "cardholderId": holder,
               "referenceId": "r", "cardMode": "VIRTUAL_CARD"}),
    )
    .await;
    let card_id = card["data"]["id"].as_str().expect("a card");
    let display = get(
        &app,
        &token,
        &format!("/open-api/v3/cards/{card_id}/private-info/access-token?accountId={sub}"),
    )
    .await;
    assert_json_snapshot!("interlace_private_info_access_token", display);
    // The display page opens once, shows a Luhn-valid number ending in the card's last
    // four, and not again.
    let page_path = format!(
        "/_sandbox/files/default/interlace/card-display/{}",
        display["data"]["accessToken"].as_str().expect("a token")
    );
    let page = app.get(&page_path).await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    let pan: String = html
        .split_once("id=\"pan\">")
        .and_then(|(_, rest)| rest.split_once('<'))
        .expect("the number")
        .0
        .replace(' ', "");
    let last_four = card["data"]["cardLastFour"].as_str().expect("last four");
    assert!(
        pan.starts_with("531993") && pan.ends_with(last_four),
        "{pan}"
    );
    assert!(
        card_sandbox::card_number::luhn_valid(&pan),
        "{pan} is Luhn-valid"
    );
    assert_eq!(app.get(&page_path).await.status, 410, "single use");
    // A token unused for 5 minutes has expired.
    let later = get(
        &app,
        &token,
        &format!("/open-api/v3/cards/{card_id}/private-info/access-token?accountId={sub}"),
    )
    .await;
    app.advance(300).await;
    let expired = app
        .get(&format!(
            "/_sandbox/files/default/interlace/card-display/{}",
            later["data"]["accessToken"].as_str().expect("a token")
        ))
        .await;
    assert_eq!(expired.status, 410, "{}", expired.text());
    assert!(expired.text().contains("expired"), "{}", expired.text());
}

const REVIEWED: &str = r#"
version: 1
seed: 5
clock:
  start: "2026-03-01T12:00:00Z"
interlace:
  clients:
    - client_id: "client-1"
      client_secret: "secret-1"
  onboarding:
    kyc_review:
      outcome: more_info
      after_seconds: 600
      reason: "The selfie is blurred"
    cardholder_review:
      outcome: reject
      after_seconds: 120
      reason: "Name does not match the ID"
  accounts:
    - key: main
      id: "2e3cbb16-a420-4080-9094-e19f45371fee"
      type: 0
      name: "Example Test Account"
      balance: "1000"
    - key: sub
      id: "5ab0c0de-0000-4000-8000-000000000001"
      type: 1
      name: "Mid-journey Ltd"
      parent: main
      email: "mid@example.com"
      kyc_status: Passed
  cardholders:
    - key: ada
      account: sub
      first_name: Ada
      last_name: Lovelace
      email: "ada@example.com"
  cards:
    - account: sub
      cardholder: ada
      cost: "0"
      label: "Issued"
"#;

#[tokio::test]
async fn reviews_end_on_the_tenant_clock_as_the_scenario_says_and_worlds_start_mid_journey() {
    let app = TestApp::from_yaml(REVIEWED);
    let token = login(&app).await;
    let sub = "5ab0c0de-0000-4000-8000-000000000001";
    // Declared mid-journey: KYC passed, an ACTIVE cardholder with a card.
    let holders = get(
        &app,
        &token,
        &format!("/open-api/v3/cardholders?accountId={sub}"),
    )
    .await;
    assert_eq!(holders["data"]["list"][0]["status"], "ACTIVE");
    let holder = holders["data"]["list"][0]["id"].as_str().expect("id");
    let cards = get(&app, &token, &format!("/open-api/v3/cards?accountId={sub}")).await;
    assert_eq!(cards["data"]["list"][0]["cardholderId"], holder);
    assert_eq!(cards["data"]["list"][0]["userName"], "Ada Lovelace");
    // A cardholder created now is rejected when the clock reaches its review.
    let created = post(
        &app,
        &token,
        "/open-api/v3/cardholders",
        cardholder_body(sub, BIN_ID),
    )
    .await;
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    app.advance(119).await;
    let pending = get(&app, &token, &format!("/open-api/v3/cardholders/{id}")).await;
    assert_eq!(pending["data"]["status"], "PENDING");
    app.advance(1).await;
    let inactive = get(&app, &token, &format!("/open-api/v3/cardholders/{id}")).await;
    assert_eq!(inactive["data"]["status"], "INACTIVE");
    assert_eq!(
        inactive["data"]["rejectReason"],
        "Name does not match the ID"
    );
    // A new sub-account's KYC asks for more information after 600 s.
    let fresh = register(&app, &token, "new@example.com").await;
    let files = upload(
        &app,
        &token,
        &fresh,
        &[("id.png", PNG), ("selfie.jpg", JPEG)],
    )
    .await
    .json();
    let ids = files["data"].as_array().expect("ids");
    post(
        &app,
        &token,
        &format!("/open-api/v3/accounts/{fresh}/kyc"),
        kyc_body(
            ids[0].as_str().expect("id"),
            ids[1].as_str().expect("id"),
            "GB",
            None,
        ),
    )
    .await;
    app.advance(600).await;
    let cdd = get(
        &app,
        &token,
        &format!("/open-api/v3/accounts/cdd/detail/{fresh}"),
    )
    .await;
    assert_eq!(cdd["data"]["kycStatus"], "Request");
    assert_eq!(cdd["data"]["message"], "The selfie is blurred");
    // The export carries it all, and a tenant restored from it answers the same.
    let exported = app.export_state("default").await;
    assert!(exported.contains("onboarding:"), "{exported}");
    let full = app.get("/_sandbox/tenants/default/export").await.text();
    let restored = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": "copy", "scenario": full}).to_string(),
        )
        .await;
    assert_eq!(restored.status, 201, "{}", restored.text());
    assert_eq!(app.export_state("copy").await, exported);
}
