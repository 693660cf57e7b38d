//! Authentication and the tenant clock: by default a client that signs requests and
//! counts token lifetimes on the wall clock keeps working after the tenant clock is
//! advanced or while it stands in the past; under `clock.auth: tenant` both count on
//! the tenant clock, for suites that test expiry by moving it.

use axum::body::Body;
use axum::http::{Method, Request};
use card_sandbox::clock::wall_now;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::{hypercard, interlace, opcard};

/// `yaml` with `clock.auth: tenant` added to its clock section.
pub(crate) fn on_tenant_clock(yaml: &str) -> String {
    assert!(
        yaml.contains("\nclock:\n"),
        "the scenario has a clock section"
    );
    yaml.replacen("\nclock:\n", "\nclock:\n  auth: tenant\n", 1)
}

/// A signed HyperCard balance request stamped with the wall clock, as a real client
/// stamps it.
async fn hypercard_balance_on_wall_time(client: &mut hypercard::Client<'_>) -> Value {
    client.skew = wall_now().as_secs() - client.now().await;
    let answer = client
        .post(
            "/openapi/card/balance",
            json!({ "card_id": hypercard::USD_CARD }),
        )
        .await;
    answer.json()
}

#[tokio::test]
async fn hypercard_accepts_wall_clock_timestamps_on_a_past_frozen_clock_and_a_day_on() {
    // The scenario's clock stands frozen in the past of the wall clock.
    let app = TestApp::from_yaml(hypercard::SCENARIO);
    let mut client = hypercard::Client::new(&app);
    assert_eq!(
        hypercard_balance_on_wall_time(&mut client).await["code"],
        "00000"
    );
    app.advance(86_400).await;
    assert_eq!(
        hypercard_balance_on_wall_time(&mut client).await["code"],
        "00000",
        "a day on the tenant clock changes nothing for a wall-clock client"
    );
    // A client that follows the tenant clock is served as well.
    client.skew = 0;
    let answer = client
        .call(
            "/openapi/card/balance",
            json!({ "card_id": hypercard::USD_CARD }),
        )
        .await;
    assert_eq!(answer["code"], "00000");
}

#[tokio::test]
async fn hypercard_on_the_tenant_clock_refuses_wall_clock_timestamps() {
    let app = TestApp::from_yaml(&on_tenant_clock(hypercard::SCENARIO));
    let mut client = hypercard::Client::new(&app);
    let refused = hypercard_balance_on_wall_time(&mut client).await;
    assert_eq!(refused["code"], "A0002", "{refused}");
    let message = refused["msg"].as_str().expect("a message");
    assert!(message.contains("clock.auth: tenant"), "{message}");
    app.advance(86_400).await;
    assert_eq!(
        hypercard_balance_on_wall_time(&mut client).await["code"],
        "A0002"
    );
}

#[tokio::test]
async fn a_wall_clock_nonce_is_not_forgotten_when_the_tenant_clock_jumps() {
    let app = TestApp::from_yaml(hypercard::SCENARIO);
    let client = hypercard::Client::new(&app);
    let key = card_sandbox::providers::hypercard::signature::PrivateKey::from_pem(
        card_sandbox::providers::hypercard::keys::MERCHANT_PRIVATE_KEY_PEM,
    )
    .expect("key");
    let body: serde_json::Map<String, Value> = json!({ "card_id": hypercard::USD_CARD })
        .as_object()
        .cloned()
        .expect("an object");
    let headers = card_sandbox::providers::hypercard::signature::sign_request(
        &key,
        "hc_test",
        wall_now().as_secs(),
        "wall-nonce",
        "1.0",
        None,
        &body,
    );
    let first = client.send("/openapi/card/balance", &body, &headers).await;
    assert_eq!(first.json()["code"], "00000");
    app.advance(86_400).await;
    let replay = client.send("/openapi/card/balance", &body, &headers).await;
    assert_eq!(replay.json()["code"], "A0005", "the replay is caught");
}

async fn interlace_cards(app: &TestApp, token: &str) -> axum::http::StatusCode {
    interlace::send(app, Method::GET, token, "/open-api/v3/cards", None, None)
        .await
        .status
}

#[tokio::test]
async fn interlace_tokens_live_on_the_wall_clock_unless_told_the_tenant_clock() {
    let app = TestApp::from_yaml(interlace::SCENARIO);
    let token = interlace::login(&app).await;
    app.advance(3 * 86_400).await;
    assert_eq!(
        interlace_cards(&app, &token).await,
        200,
        "a token a client cached an hour ago on its own clock still works"
    );
    // A code fetched before the jump is still good too.
    let code = app
        .get("/open-api/oauth/authorize?clientId=client-1")
        .await
        .json()["code"]
        .as_str()
        .expect("a code")
        .to_owned();
    app.advance(3_600).await;
    let exchanged = app
        .post(
            "/open-api/oauth/access-token",
            &json!({"clientId": "client-1", "clientSecret": "secret-1", "code": code}).to_string(),
        )
        .await;
    assert_eq!(exchanged.status, 200, "{}", exchanged.text());

    let app = TestApp::from_yaml(&on_tenant_clock(interlace::SCENARIO));
    let token = interlace::login(&app).await;
    assert_eq!(interlace_cards(&app, &token).await, 200);
    app.advance(86_400).await;
    assert_eq!(interlace_cards(&app, &token).await, 401);
}

async fn opcard_detail(app: &TestApp, token: &str) -> Value {
    let request = Request::get(format!("/card-api/v1/cards/{}/detail", opcard::CARD))
        .header("authorization", token)
        .body(Body::empty())
        .expect("a request");
    app.send(request).await.json()
}

async fn opcard_token(app: &TestApp) -> String {
    let issued = app
        .post(
            "/card-api/v1/auth/token",
            r#"{"app_key":"app-1","app_secret":"secret-1"}"#,
        )
        .await
        .json();
    issued["data"]["token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

#[tokio::test]
async fn opcard_tokens_live_on_the_wall_clock_unless_told_the_tenant_clock() {
    let app = TestApp::from_yaml(opcard::SCENARIO);
    let token = opcard_token(&app).await;
    app.advance(86_400).await;
    assert_eq!(opcard_detail(&app, &token).await["code"], "200");
    // Issuing another token sweeps nothing the client still holds.
    let _ = opcard_token(&app).await;
    assert_eq!(opcard_detail(&app, &token).await["code"], "200");

    let app = TestApp::from_yaml(&on_tenant_clock(opcard::SCENARIO));
    let token = opcard_token(&app).await;
    app.advance(7_201).await;
    let expired = opcard_detail(&app, &token).await;
    assert_ne!(expired["code"], "200", "{expired}");
}

#[tokio::test]
async fn the_auth_clock_survives_an_export_and_is_left_out_when_default() {
    let app = TestApp::from_yaml(&on_tenant_clock(opcard::SCENARIO));
    let export = app.get("/_sandbox/tenants/default/export").await.text();
    assert!(export.contains("auth: tenant"), "{export}");
    let app = TestApp::from_yaml(opcard::SCENARIO);
    let export = app.get("/_sandbox/tenants/default/export").await.text();
    assert!(!export.contains("auth:"), "{export}");
}
