//! OAuth: codes, tokens, refresh, and each documented failure.

use insta::assert_json_snapshot;
use serde_json::json;

use super::{MAIN, SCENARIO, login};
use crate::support::TestApp;

/// A call with an access token locks its world once: the token check with the
/// operation (no fault rule, so no lock for the fault decision; the journal takes the
/// time the operation saw).
#[tokio::test]
async fn a_token_call_locks_its_world_once() {
    let app = TestApp::from_yaml(SCENARIO);
    let token = login(&app).await;
    let answer = super::send(
        &app,
        axum::http::Method::GET,
        &token,
        &format!("/open-api/v3/cards/wallets?accountId={MAIN}"),
        None,
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.world_locks, Some(1));
}

#[tokio::test]
async fn authorize_then_access_token_on_both_path_styles() {
    let app = TestApp::from_yaml(SCENARIO);
    let code = app
        .get("/open-api/v3/oauth/authorize?clientId=client-1")
        .await;
    assert_eq!(code.status, 200);
    assert_json_snapshot!("interlace_authorize", code.json());
    let code = code.json()["data"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let token = app
        .post(
            "/open-api/v3/oauth/access-token",
            &json!({"clientId": "client-1", "clientSecret": "secret-1", "code": code}).to_string(),
        )
        .await;
    assert_eq!(token.status, 200);
    assert_json_snapshot!("interlace_access_token", token.json());
}

#[tokio::test]
async fn unversioned_oauth_paths_answer_bare_objects_and_v3_paths_the_envelope() {
    let app = TestApp::from_yaml(SCENARIO);
    let bare = app
        .get("/open-api/oauth/authorize?clientId=client-1")
        .await
        .json();
    let keys: Vec<&String> = bare.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["timestamp", "code"], "{bare}");
    assert_json_snapshot!("interlace_authorize_bare", bare);
    assert!(bare["timestamp"].is_i64());
    let token = app
        .post(
            "/open-api/oauth/access-token",
            &json!({"clientId": "client-1", "clientSecret": "secret-1", "code": bare["code"]})
                .to_string(),
        )
        .await
        .json();
    let keys: Vec<&String> = token.as_object().expect("an object").keys().collect();
    assert_eq!(
        keys,
        ["accessToken", "refreshToken", "expiresIn", "timestamp"],
        "{token}"
    );
    assert_eq!(token["expiresIn"], 86_400);
    assert_json_snapshot!("interlace_access_token_bare", token);
    let enveloped = app
        .get("/open-api/v3/oauth/authorize?clientId=client-1")
        .await
        .json();
    assert_eq!(enveloped["code"], "000000");
    assert_eq!(enveloped["data"]["code"].as_str().map(str::len), Some(32));
    // A refusal is in the envelope on both path styles, so clients read its code.
    let refused = app.get("/open-api/oauth/authorize?clientId=nobody").await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["code"], "010002");
}

#[tokio::test]
async fn a_reused_or_expired_code_and_a_wrong_secret_are_401() {
    let app = TestApp::from_yaml(&crate::auth_clock::on_tenant_clock(SCENARIO));
    let code = app
        .get("/open-api/oauth/authorize?clientId=client-1")
        .await
        .json()["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let exchange = |secret: &'static str, code: String| {
        let app = &app;
        async move {
            app.post(
                "/open-api/oauth/access-token",
                &json!({"clientId": "client-1", "clientSecret": secret, "code": code}).to_string(),
            )
            .await
        }
    };
    let wrong = exchange("nope", code.clone()).await;
    assert_eq!(wrong.status, 401);
    assert_json_snapshot!("interlace_wrong_secret", wrong.json());
    assert_eq!(exchange("secret-1", code.clone()).await.status, 200);
    let reused = exchange("secret-1", code).await;
    assert_eq!(reused.status, 401);
    assert_json_snapshot!("interlace_code_reused", reused.json());
    let late = app
        .get("/open-api/oauth/authorize?clientId=client-1")
        .await
        .json()["code"]
        .as_str()
        .expect("code")
        .to_owned();
    app.advance(301).await;
    let expired = exchange("secret-1", late).await;
    assert_eq!(expired.status, 401);
    assert_json_snapshot!("interlace_code_expired", expired.json());
    let unknown = app.get("/open-api/oauth/authorize?clientId=nobody").await;
    assert_eq!(unknown.status, 401);
    assert_json_snapshot!("interlace_unknown_client", unknown.json());
    let missing = app.get("/open-api/oauth/authorize").await;
    assert_json_snapshot!("interlace_authorize_missing_client", missing.json());
}

#[tokio::test]
async fn tokens_expire_after_a_day_and_refresh_rotates() {
    let app = TestApp::from_yaml(&crate::auth_clock::on_tenant_clock(SCENARIO));
    let code = app
        .get("/open-api/oauth/authorize?clientId=client-1")
        .await
        .json()["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let tokens = app
        .post(
            "/open-api/oauth/access-token",
            &json!({"clientId": "client-1", "clientSecret": "secret-1", "code": code}).to_string(),
        )
        .await
        .json();
    let access = tokens["accessToken"].as_str().expect("token").to_owned();
    let refresh = tokens["refreshToken"].as_str().expect("refresh").to_owned();
    assert_eq!(access.len(), 40);
    assert_eq!(refresh.len(), 64);
    let cards = super::send(
        &app,
        axum::http::Method::GET,
        &access,
        "/open-api/v3/cards",
        None,
        None,
    )
    .await;
    assert_eq!(cards.status, 200);
    app.advance(86_400).await;
    let expired = super::send(
        &app,
        axum::http::Method::GET,
        &access,
        "/open-api/v3/cards",
        None,
        None,
    )
    .await;
    assert_eq!(expired.status, 401);
    assert_json_snapshot!("interlace_token_expired", expired.json());
    let renewed = app
        .post(
            "/open-api/v3/oauth/refresh-token",
            &json!({"clientId": "client-1", "refreshToken": refresh}).to_string(),
        )
        .await;
    assert_eq!(renewed.status, 200, "{}", renewed.text());
    let fresh = renewed.json()["data"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        super::send(
            &app,
            axum::http::Method::GET,
            &fresh,
            "/open-api/v3/cards",
            None,
            None
        )
        .await
        .status,
        200
    );
    let again = app
        .post(
            "/open-api/v3/oauth/refresh-token",
            &json!({"clientId": "client-1", "refreshToken": refresh}).to_string(),
        )
        .await;
    assert_eq!(again.status, 401, "a refresh token is single use");
}

#[tokio::test]
async fn a_missing_or_unknown_token_is_401() {
    let app = TestApp::from_yaml(SCENARIO);
    let missing = app.get("/open-api/v3/cards").await;
    assert_eq!(missing.status, 401);
    assert_json_snapshot!("interlace_missing_token", missing.json());
    let unknown = super::send(
        &app,
        axum::http::Method::GET,
        "nope",
        "/open-api/v3/cards",
        None,
        None,
    )
    .await;
    assert_eq!(unknown.status, 401);
    assert_json_snapshot!("interlace_unknown_token", unknown.json());
    let token = login(&app).await;
    assert_eq!(
        super::get(&app, &token, "/open-api/v3/cards").await["code"],
        "000000"
    );
}
