//! Isolation and bounds: credentials a tenant issues reach only that tenant, and what
//! clients can make the sandbox keep (codes, tokens) stays within its bound.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

use crate::support::{Answer, TestApp};

/// Creates tenant `id` from the registered test scenario (same seed as `default`),
/// keeping the scenario's credentials.
async fn twin(app: &TestApp, id: &str) {
    let created = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": id, "scenario": "test", "credentials": "scenario"}).to_string(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
}

async fn il_token(app: &TestApp, tenant: &str) -> String {
    let code = app
        .send(
            Request::get("/open-api/oauth/authorize?clientId=client-1")
                .header("x-sandbox-tenant", tenant)
                .body(Body::empty())
                .expect("a request"),
        )
        .await
        .json();
    let token = app
        .send(
            Request::post("/open-api/oauth/access-token")
                .header("x-sandbox-tenant", tenant)
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"clientId": "client-1", "clientSecret": "secret-1", "code": code["code"]})
                        .to_string(),
                ))
                .expect("a request"),
        )
        .await
        .json();
    token["accessToken"].as_str().expect("a token").to_owned()
}

async fn il_wallets(app: &TestApp, token: &str, tenant: Option<&str>) -> Answer {
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(format!(
            "/open-api/v3/cards/wallets?accountId={}",
            crate::interlace::MAIN
        ))
        .header("x-access-token", token);
    if let Some(t) = tenant {
        request = request.header("x-sandbox-tenant", t);
    }
    app.send(request.body(Body::empty()).expect("a request"))
        .await
}

#[tokio::test]
async fn interlace_tokens_of_twin_tenants_differ_and_reach_only_their_issuer() {
    let app = TestApp::from_yaml(crate::interlace::SCENARIO);
    twin(&app, "c").await;
    let (a, c) = (il_token(&app, "default").await, il_token(&app, "c").await);
    assert_ne!(a, c, "the same seed, but another tenant: another token");
    // Without a header, each token finds its own tenant.
    for (token, tenant) in [(&a, "default"), (&c, "c")] {
        let answer = il_wallets(&app, token, None).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        assert_eq!(answer.header("x-sandbox-tenant"), None);
        let journal = app
            .get(&format!("/_sandbox/requests?tenant={tenant}&limit=1"))
            .await
            .json();
        assert_eq!(
            journal["requests"][0]["path"], "/open-api/v3/cards/wallets",
            "{tenant}: {journal}"
        );
    }
    // A header naming the other tenant does not make a token valid there.
    assert_eq!(il_wallets(&app, &a, Some("c")).await.status, 401);
    assert_eq!(il_wallets(&app, &c, Some("default")).await.status, 401);
}

async fn opc_token(app: &TestApp, tenant: &str) -> String {
    let answer = app
        .send(
            Request::post("/card-api/v1/auth/token")
                .header("x-sandbox-tenant", tenant)
                .header("content-type", "application/json")
                .body(Body::from(r#"{"app_key":"app-1","app_secret":"secret-1"}"#))
                .expect("a request"),
        )
        .await
        .json();
    answer["data"]["token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

#[tokio::test]
async fn opcard_tokens_of_twin_tenants_differ_and_reach_only_their_issuer() {
    let app = TestApp::from_yaml(crate::opcard::SCENARIO);
    twin(&app, "c").await;
    let (a, c) = (opc_token(&app, "default").await, opc_token(&app, "c").await);
    assert_ne!(a, c);
    let records = |token: &str, tenant: &str| {
        Request::post("/card-api/v1/balance/change/records")
            .header("authorization", token.to_owned())
            .header("x-sandbox-tenant", tenant.to_owned())
            .header("content-type", "application/json")
            .body(Body::from(r#"{"cursor":"","limit":1}"#))
            .expect("a request")
    };
    let own: Value = app.send(records(&a, "default")).await.json();
    assert_eq!(own["code"], "200", "{own}");
    let other: Value = app.send(records(&a, "c")).await.json();
    assert_ne!(other["code"], "200", "a's token in tenant c: {other}");
}

#[tokio::test]
async fn codes_and_tokens_stay_within_their_bound_and_expired_ones_leave_the_export() {
    let app = TestApp::from_yaml(&crate::auth_clock::on_tenant_clock(
        crate::interlace::SCENARIO,
    ));
    // A frozen clock: nothing expires, so only the bound keeps the codes in check.
    let mut codes = Vec::new();
    for _ in 0..1_500 {
        let code = app
            .get("/open-api/oauth/authorize?clientId=client-1")
            .await
            .json();
        codes.push(code["code"].as_str().expect("a code").to_owned());
    }
    let export = app.export_state("default").await;
    let kept = codes.iter().filter(|c| export.contains(c.as_str())).count();
    assert_eq!(kept, 1_000, "the newest 1000 codes are kept");
    let exchange = |code: &str| {
        let body =
            json!({"clientId": "client-1", "clientSecret": "secret-1", "code": code}).to_string();
        let app = &app;
        async move { app.post("/open-api/oauth/access-token", &body).await }
    };
    assert_eq!(exchange(&codes[0]).await.status, 401, "the oldest went");
    let token = exchange(&codes[1_499]).await.json();
    let token = token["accessToken"].as_str().expect("a token").to_owned();
    // Tokens too: 1000 more, and the first no longer reaches any tenant.
    for _ in 0..1_000 {
        let code = app
            .get("/open-api/oauth/authorize?clientId=client-1")
            .await
            .json();
        let code = code["code"].as_str().expect("a code").to_owned();
        assert_eq!(exchange(&code).await.status, 200);
    }
    let answer = il_wallets(&app, &token, None).await;
    assert_eq!(answer.status, 401, "{}", answer.text());
    // Expired codes and tokens are left out of the export.
    app.advance(86_401).await;
    let export = app.export_state("default").await;
    assert!(!export.contains(&codes[1_498]), "an expired code");
    assert!(
        !export.contains("expires_at"),
        "no live code or token is left"
    );
}
