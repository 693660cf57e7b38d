//! A tenant per test with the app unchanged: two tenants built from one scenario used
//! at once, `a` by its base URL (`/t/a`, keeping the scenario's credentials) and `b` by
//! the fresh credentials it was given, with no `X-Sandbox-Tenant` header anywhere, each
//! seeing only its own state; a credential several tenants share is refused.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::{hypercard, interlace, opcard};

/// `app` (its `default` tenant built from `yaml`) plus `a`, created with the scenario's
/// credentials, and `b`, created with none said (so fresh, as `default` holds the
/// scenario's). Returns `b`'s view.
async fn two_tenants(yaml: &str) -> (TestApp, Value) {
    let app = TestApp::from_yaml(yaml);
    let a = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": "a", "scenario": yaml, "credentials": "scenario"}).to_string(),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text());
    assert_eq!(a.json()["base_url"], "http://sandbox.test/t/a");
    assert_eq!(a.json()["credential_mode"], "scenario");
    let b = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": "b", "scenario": yaml}).to_string(),
        )
        .await;
    assert_eq!(b.status, 201, "{}", b.text());
    let b = b.json();
    assert_eq!(b["credential_mode"], "fresh", "{b}");
    assert_eq!(b["base_url"], "http://sandbox.test/t/b");
    (app, b)
}

/// The first credential of `provider` in a tenant view, field `field`.
fn credential(view: &Value, provider: &str, field: &str) -> String {
    view["credentials"][provider][0][field]
        .as_str()
        .unwrap_or_else(|| panic!("{provider}.{field} in {view}"))
        .to_owned()
}

#[tokio::test]
async fn fresh_credentials_are_derived_from_the_tenant_and_survive_a_reset() {
    let (app, b) = two_tenants(opcard::SCENARIO).await;
    for (field, scenario) in [
        ("app_key", "app-1"),
        ("app_secret", "secret-1"),
        ("token", "static-token"),
    ] {
        let fresh = credential(&b, "opcard", field);
        let suffix = fresh
            .strip_prefix(&format!("{scenario}_"))
            .unwrap_or_else(|| panic!("{field} {fresh:?} names the scenario's"));
        assert_eq!(suffix.len(), 16, "{fresh}");
        assert!(suffix.bytes().all(|b| b.is_ascii_hexdigit()), "{fresh}");
    }
    let reset = app.post("/_sandbox/tenants/b/reset", "").await.json();
    assert_eq!(reset["credentials"], b["credentials"], "a reset keeps them");
    // Same scenario and seed, another id: other credentials.
    let c = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": "c", "scenario": opcard::SCENARIO}).to_string(),
        )
        .await
        .json();
    assert_ne!(c["credentials"], b["credentials"]);
    // Delete and create again: the same credentials as before.
    let gone = app.delete("/_sandbox/tenants/b").await;
    assert_eq!(gone.status, 204);
    let again = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": "b", "scenario": opcard::SCENARIO}).to_string(),
        )
        .await
        .json();
    assert_eq!(again["credentials"], b["credentials"]);
}

async fn balance(client: &hypercard::Client<'_>, path: &str) -> Value {
    let answer = client
        .call(path, json!({"card_id": hypercard::USD_CARD}))
        .await;
    answer["data"]["available_balance"].clone()
}

#[tokio::test]
async fn hypercard_tenants_apart_by_base_url_and_by_fresh_credentials() {
    let (app, b) = two_tenants(hypercard::SCENARIO).await;
    let by_url = hypercard::Client::new(&app);
    let mut by_key = hypercard::Client::new(&app);
    by_key.api_key = credential(&b, "hypercard", "api_key");
    assert_ne!(by_key.api_key, "hc_test");
    let buy = |client: &'static str, amount: &'static str| {
        let (c, path) = match client {
            "a" => (&by_url, "/t/a/openapi/card/buy/coin"),
            _ => (&by_key, "/openapi/card/buy/coin"),
        };
        async move {
            c.call(
                path,
                json!({"card_id": hypercard::USD_CARD, "currency_amount": amount, "mc_trade_no": format!("p-{client}")}),
            )
            .await
        }
    };
    let (a_bought, b_bought) = tokio::join!(buy("a", "100"), buy("b", "30"));
    assert_eq!(a_bought["code"], "00000", "{a_bought}");
    assert_eq!(b_bought["code"], "00000", "{b_bought}");
    let a = balance(&by_url, "/t/a/openapi/card/balance").await;
    let b = balance(&by_key, "/openapi/card/balance").await;
    let untouched = balance(&by_url, "/t/default/openapi/card/balance").await;
    let number = |v: &Value| {
        v.as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .expect("an amount")
    };
    assert_eq!(number(&untouched) - number(&a), 100.0, "a spent 100 alone");
    assert_eq!(number(&untouched) - number(&b), 30.0, "b spent 30 alone");
    for tenant in ["a", "b"] {
        let journal = app
            .get(&format!("/_sandbox/requests?tenant={tenant}"))
            .await
            .json();
        assert!(
            journal["requests"]
                .as_array()
                .expect("requests")
                .iter()
                .any(|r| r["path"] == "/openapi/card/buy/coin"),
            "the journal files the request under {tenant}: {journal}"
        );
    }
}

#[tokio::test]
async fn opcard_tenants_apart_by_base_url_and_by_fresh_credentials() {
    let (app, b) = two_tenants(opcard::SCENARIO).await;
    let b_token = credential(&b, "opcard", "token");
    let release = |token: String, path: &'static str| {
        let app = &app;
        async move {
            opcard::call(
                app,
                &token,
                path,
                json!({"program_value": 6, "currency": "USD", "amount": 10}),
            )
            .await
            .json()
        }
    };
    let (a_released, b_released) = tokio::join!(
        release("static-token".to_owned(), "/t/a/card-api/v1/load/release"),
        release(b_token.clone(), "/card-api/v1/load/release"),
    );
    assert_eq!(a_released["code"], "200", "{a_released}");
    assert_eq!(b_released["code"], "200", "{b_released}");
    let rows = |token: String, path: String| {
        let app = &app;
        async move {
            let page = opcard::call(app, &token, &path, json!({"cursor": "", "limit": 100}))
                .await
                .json();
            page["data"]["data"].as_array().expect("rows").len()
        }
    };
    let records = "/card-api/v1/balance/change/records";
    let untouched = rows("static-token".to_owned(), format!("/t/default{records}")).await;
    let a_rows = rows("static-token".to_owned(), format!("/t/a{records}")).await;
    let b_rows = rows(b_token.clone(), records.to_owned()).await;
    assert_eq!(
        (a_rows, b_rows),
        (untouched + 1, untouched + 1),
        "one release each"
    );
    // A token b issues finds b alone too.
    let issued = app
        .post(
            "/card-api/v1/auth/token",
            &json!({"app_key": credential(&b, "opcard", "app_key"), "app_secret": credential(&b, "opcard", "app_secret")}).to_string(),
        )
        .await
        .json();
    let token = issued["data"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    assert_eq!(rows(token, records.to_owned()).await, b_rows);
}

#[tokio::test]
async fn interlace_tenants_apart_by_base_url_and_by_fresh_credentials() {
    let (app, b) = two_tenants(interlace::SCENARIO).await;
    let (b_client, b_secret) = (
        credential(&b, "interlace", "clientId"),
        credential(&b, "interlace", "clientSecret"),
    );
    let (a_token, b_token) = tokio::join!(
        interlace::login_at(&app, "/t/a", "client-1", "secret-1"),
        interlace::login_at(&app, "", &b_client, &b_secret),
    );
    let create = |base: &'static str, token: String, label: &'static str| {
        let app = &app;
        async move {
            interlace::send(
                app,
                Method::POST,
                &token,
                &format!("{base}/open-api/v3/cards"),
                Some(json!({"accountId": interlace::MAIN, "cost": "10", "label": label})),
                None,
            )
            .await
            .json()
        }
    };
    let (a_card, b_card) = tokio::join!(
        create("/t/a", a_token.clone(), "only-a"),
        create("", b_token.clone(), "only-b"),
    );
    assert_eq!(a_card["code"], "000000", "{a_card}");
    assert_eq!(b_card["code"], "000000", "{b_card}");
    let labels = |base: &'static str, token: String| {
        let app = &app;
        async move {
            let page = interlace::send(
                app,
                Method::GET,
                &token,
                &format!(
                    "{base}/open-api/v3/cards?accountId={}&limit=100",
                    interlace::MAIN
                ),
                None,
                None,
            )
            .await
            .json();
            page.to_string()
        }
    };
    let a_cards = labels("/t/a", a_token.clone()).await;
    let b_cards = labels("", b_token.clone()).await;
    assert!(
        a_cards.contains("only-a") && !a_cards.contains("only-b"),
        "{a_cards}"
    );
    assert!(
        b_cards.contains("only-b") && !b_cards.contains("only-a"),
        "{b_cards}"
    );
    let crossed = interlace::send(
        &app,
        Method::GET,
        &a_token,
        "/t/b/open-api/v3/cards",
        None,
        None,
    )
    .await;
    assert_eq!(
        crossed.status,
        401,
        "a's token is not b's: {}",
        crossed.text()
    );
}

#[tokio::test]
async fn a_credential_two_tenants_share_is_refused_naming_both_ways() {
    // `default` and `a` both keep the scenario's credentials.
    let (app, _) = two_tenants(opcard::SCENARIO).await;
    let refused = opcard::call(
        &app,
        "static-token",
        "/card-api/v1/balance/change/records",
        json!({"cursor": "", "limit": 10}),
    )
    .await;
    assert_eq!(refused.status, 401, "{}", refused.text());
    let msg = refused.json()["msg"]
        .as_str()
        .expect("a message")
        .to_owned();
    for said in [
        "\"default\", \"a\"",
        "/t/{tenant}",
        "X-Sandbox-Tenant",
        "\"fresh\"",
    ] {
        assert!(msg.contains(said), "{said} in {msg}");
    }
    let (app_hc, _) = two_tenants(hypercard::SCENARIO).await;
    let refused = hypercard::Client::new(&app_hc)
        .post(
            "/openapi/card/balance",
            json!({"card_id": hypercard::USD_CARD}),
        )
        .await
        .json();
    assert_eq!(refused["code"], "A0001", "{refused}");
    assert!(
        refused["msg"]
            .as_str()
            .expect("a message")
            .contains("X-Sandbox-Tenant"),
        "{refused}"
    );
    let (app_il, _) = two_tenants(interlace::SCENARIO).await;
    let refused = app_il
        .get("/open-api/oauth/authorize?clientId=client-1")
        .await;
    assert_eq!(refused.status, 401, "{}", refused.text());
    assert!(refused.text().contains("/t/{tenant}"), "{}", refused.text());
    // Deleting one of the two makes the credential find the other again.
    assert_eq!(app.delete("/_sandbox/tenants/a").await.status, 204);
    let found = opcard::call(
        &app,
        "static-token",
        "/card-api/v1/balance/change/records",
        json!({"cursor": "", "limit": 10}),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text());
}

#[tokio::test]
async fn a_tenant_named_with_the_scenario_credentials_it_does_not_keep_says_where_its_own_are() {
    let (app, _) = two_tenants(hypercard::SCENARIO).await;
    let refused = hypercard::Client::new(&app)
        .post(
            "/t/b/openapi/card/balance",
            json!({"card_id": hypercard::USD_CARD}),
        )
        .await
        .json();
    assert_eq!(refused["code"], "A0001", "{refused}");
    let msg = refused["msg"].as_str().expect("a message");
    assert!(msg.contains("GET /_sandbox/tenants/b"), "{msg}");
    assert!(msg.contains("\"credentials\": \"scenario\""), "{msg}");
}

#[tokio::test]
async fn bill_and_batch_hook_links_carry_the_tenant_base_url() {
    let (app, b) = two_tenants(interlace::SCENARIO).await;
    let simulate = "/_sandbox/tenants/b/simulate/interlace";
    let fee = json!({"cardId": interlace::CARD, "type": "fee", "amount": "130.50"});
    let made = app
        .post(&format!("{simulate}/card-transaction"), &fee.to_string())
        .await;
    assert_eq!(made.status, 200, "{}", made.text());
    let stat = app.post(&format!("{simulate}/negative-stat"), "{}").await;
    assert_eq!(stat.status, 200, "{}", stat.text());
    let token = interlace::login_at(
        &app,
        "",
        &credential(&b, "interlace", "clientId"),
        &credential(&b, "interlace", "clientSecret"),
    )
    .await;
    let bills = interlace::get(
        &app,
        &token,
        &format!(
            "/open-api/v3/card-negative/bills?accountId={}",
            interlace::MAIN
        ),
    )
    .await;
    let batches = app
        .get("/_sandbox/tenants/b/interlace/batches")
        .await
        .json();
    let links = [
        bills["data"]["list"][0]["negativeUrl"].clone(),
        batches["batches"][0]["fileUrl"].clone(),
    ];
    for link in links {
        let link = link
            .as_str()
            .unwrap_or_else(|| panic!("a link in {bills} {batches}"));
        let path = link
            .strip_prefix("http://sandbox.test")
            .unwrap_or_else(|| panic!("an absolute link: {link}"));
        assert!(path.starts_with("/t/b/files/interlace/"), "{link}");
        let file = app.get(path).await;
        assert_eq!(file.status, 200, "{link}: {}", file.text());
        assert_eq!(file.header("content-type"), Some("text/csv; charset=utf-8"));
    }
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
