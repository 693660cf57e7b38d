//! A base URL per tenant: every provider path answers under `/t/{tenant}`, so two
//! tenants built from one scenario are used side by side with no `X-Sandbox-Tenant`
//! header anywhere, each seeing only its own state.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::{hypercard, interlace, opcard};

/// `app` plus tenants `a` and `b`, both built from `yaml`.
async fn two_tenants(yaml: &str) -> TestApp {
    let app = TestApp::from_yaml(yaml);
    for id in ["a", "b"] {
        let created = app
            .post(
                "/_sandbox/tenants",
                &json!({"id": id, "scenario": yaml}).to_string(),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        assert_eq!(
            created.json()["base_url"],
            format!("http://sandbox.test/t/{id}"),
            "the tenant view gives its base URL"
        );
    }
    app
}

#[tokio::test]
async fn hypercard_tenants_apart_by_base_url() {
    let app = two_tenants(hypercard::SCENARIO).await;
    let client = hypercard::Client::new(&app);
    let bought = client
        .call(
            "/t/a/openapi/card/buy/coin",
            json!({"card_id": hypercard::USD_CARD, "currency_amount": "100", "mc_trade_no": "p-1"}),
        )
        .await;
    assert_eq!(bought["code"], "00000", "{bought}");
    let balance = |tenant: &'static str| {
        let client = &client;
        async move {
            client
                .call(
                    &format!("/t/{tenant}/openapi/card/balance"),
                    json!({"card_id": hypercard::USD_CARD}),
                )
                .await["data"]["available_balance"]
                .clone()
        }
    };
    let (a, b) = (balance("a").await, balance("b").await);
    assert_ne!(a, b, "only a spent: a {a}, b {b}");
    assert_eq!(b, balance("default").await, "b is as the scenario built it");
    let journal = app.get("/_sandbox/requests?tenant=a").await.json();
    assert!(
        journal["requests"]
            .as_array()
            .expect("requests")
            .iter()
            .any(|r| r["path"] == "/openapi/card/buy/coin"),
        "the journal files the request under its tenant: {journal}"
    );
}

#[tokio::test]
async fn opcard_tenants_apart_by_base_url() {
    let app = two_tenants(opcard::SCENARIO).await;
    let released = opcard::call(
        &app,
        "static-token",
        "/t/a/card-api/v1/load/release",
        json!({"program_value": 6, "currency": "USD", "amount": 10}),
    )
    .await
    .json();
    assert_eq!(released["code"], "200", "{released}");
    let rows = |tenant: &'static str| {
        let app = &app;
        async move {
            let page = opcard::call(
                app,
                "static-token",
                &format!("/t/{tenant}/card-api/v1/balance/change/records"),
                json!({"cursor": "", "limit": 100}),
            )
            .await
            .json();
            page["data"]["data"].as_array().expect("rows").len()
        }
    };
    assert_eq!(rows("a").await, rows("b").await + 1);
}

#[tokio::test]
async fn interlace_tenants_apart_by_base_url() {
    let app = two_tenants(interlace::SCENARIO).await;
    let (a, b) = (
        interlace::login_at(&app, "/t/a", "client-1", "secret-1").await,
        interlace::login_at(&app, "/t/b", "client-1", "secret-1").await,
    );
    assert_ne!(a, b);
    let cards = |base: &'static str, token: String| {
        let app = &app;
        async move {
            interlace::send(
                app,
                Method::GET,
                &token,
                &format!("{base}/open-api/v3/cards"),
                None,
                None,
            )
            .await
        }
    };
    assert_eq!(cards("/t/a", a.clone()).await.status, 200);
    assert_eq!(cards("/t/b", b).await.status, 200);
    let crossed = cards("/t/b", a).await;
    assert_eq!(
        crossed.status,
        401,
        "a's token is not b's: {}",
        crossed.text()
    );
}

#[tokio::test]
async fn the_prefix_never_reaches_the_admin_api_and_an_unknown_tenant_is_refused() {
    let app = TestApp::from_yaml(opcard::SCENARIO);
    let admin = app.get("/t/default/_sandbox/tenants").await;
    assert_eq!(admin.status, 404);
    let request = Request::post("/t/ghost/card-api/v1/balance/change/records")
        .header("authorization", "static-token")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"cursor":"","limit":10}"#))
        .expect("a request");
    let unknown: Value = app.send(request).await.json();
    assert_ne!(unknown["code"], "200", "{unknown}");
    assert!(
        unknown["msg"]
            .as_str()
            .expect("a message")
            .contains("ghost"),
        "{unknown}"
    );
}

#[tokio::test]
async fn on_the_default_world_the_first_interlace_card_is_created_through_its_base_url() {
    let app = TestApp::embedded();
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    let base = "/t/default";
    let account = tenant["inventory"]["interlace"]["accounts"][0]
        .as_str()
        .expect("the client account")
        .to_owned();
    let token = interlace::login_at(&app, base, "il_sandbox_client", "il_sandbox_secret").await;
    let token = token.as_str();
    let card = interlace::send(
        &app,
        Method::POST,
        token,
        &format!("{base}/open-api/v3/cards"),
        Some(json!({"accountId": account, "cost": "25", "label": "first"})),
        None,
    )
    .await;
    let card = card.json();
    assert_eq!(
        card["code"], "000000",
        "the generated history leaves the account funded: {card}"
    );
}
