//! Request verification: the journal keeps each request's headers (secrets masked) and
//! bodies, a test finds requests by a JSON body subset, `verify` checks a count and
//! explains near misses, and the bounds hold.

use card_sandbox::Settings;
use serde_json::{Value, json};

use crate::hypercard::{self, Client, EUR_CARD, USD_CARD};
use crate::support::TestApp;

fn journal_url(query: &str) -> String {
    format!("/_sandbox/tenants/default/requests?{query}")
}

#[tokio::test]
async fn a_request_is_found_by_body_subset_with_its_headers_and_both_bodies() {
    let app = TestApp::from_yaml(hypercard::SCENARIO);
    let client = Client::new(&app);
    client
        .call("/openapi/card/balance", json!({ "card_id": USD_CARD }))
        .await;
    client
        .call("/openapi/card/balance", json!({ "card_id": EUR_CARD }))
        .await;
    let subset = format!(r#"{{"card_id":"{USD_CARD}"}}"#);
    let found = app
        .get(&journal_url(&format!(
            "body_contains={}",
            urlencode(&subset)
        )))
        .await;
    assert_eq!(found.status, 200, "{}", found.text());
    let found = found.json();
    assert_eq!(found["total"], 1, "{found}");
    let request = &found["requests"][0];
    assert_eq!(request["path"], "/openapi/card/balance");
    assert_eq!(request["request_body"]["card_id"], USD_CARD);
    assert_eq!(request["response_body"]["code"], "00000");
    let headers: Vec<(String, String)> =
        serde_json::from_value(request["headers"].clone()).expect("header pairs");
    let value = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        value("signature").as_deref(),
        Some("***"),
        "masked, present"
    );
    assert_eq!(value("api-key").as_deref(), Some("hc_test"));
    let all = app
        .get(&journal_url("method=POST&path=/openapi/card/*"))
        .await
        .json();
    assert_eq!(all["total"], 2, "newest first: {all}");
    assert_eq!(all["requests"][0]["request_body"]["card_id"], EUR_CARD);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn verify_passes_on_the_count_and_explains_a_near_miss_by_the_field_that_differed() {
    let app = TestApp::from_yaml(hypercard::SCENARIO);
    let client = Client::new(&app);
    client
        .call("/openapi/card/balance", json!({ "card_id": USD_CARD }))
        .await;
    let verify = |body: Value| {
        let app = &app;
        async move {
            app.post(
                "/_sandbox/tenants/default/requests/verify",
                &body.to_string(),
            )
            .await
        }
    };
    let ok = verify(json!({
        "method": "POST", "path": "/openapi/card/balance",
        "body_contains": {"card_id": USD_CARD}, "count": {"exactly": 1}
    }))
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["matched"], 1);
    let missed = verify(json!({
        "path": "/openapi/card/balance", "body_contains": {"card_id": EUR_CARD}
    }))
    .await;
    assert_eq!(missed.status, 422, "{}", missed.text());
    let missed = missed.json();
    assert_eq!(missed["error"]["code"], "verification_failed");
    assert_eq!(missed["matched"], 0);
    let why = missed["near_misses"][0]["why"].to_string();
    assert!(why.contains("body.card_id"), "{why}");
    assert!(why.contains(EUR_CARD) && why.contains(USD_CARD), "{why}");
    let too_many = verify(json!({"status": 200, "count": {"at_most": 0}})).await;
    assert_eq!(too_many.status, 422);
    let bad = verify(json!({"colour": "red"})).await;
    assert_eq!(
        bad.status,
        400,
        "unknown fields are refused: {}",
        bad.text()
    );
    let cleared = app.delete("/_sandbox/tenants/default/requests").await;
    assert_eq!(cleared.status, 204);
    let after = app.get(&journal_url("")).await.json();
    assert_eq!(after["total"], 0, "{after}");
}

#[tokio::test]
async fn secrets_never_reach_the_journal() {
    let app = TestApp::from_yaml(crate::interlace::SCENARIO);
    let token = crate::interlace::login(&app).await;
    let journal = app.get(&journal_url("limit=100")).await.text();
    assert!(!journal.contains("secret-1"), "client secret: {journal}");
    assert!(!journal.contains(&token), "access token: {journal}");
    assert!(
        journal.contains("access-token"),
        "the calls are there: {journal}"
    );
    let _ = crate::interlace::get(&app, &token, "/open-api/v3/cards").await;
    let journal = app
        .get(&journal_url("path=/open-api/v3/cards"))
        .await
        .text();
    assert!(journal.contains(r#"["x-access-token","***"]"#), "{journal}");
    assert!(!journal.contains(&token), "{journal}");
}

#[tokio::test]
async fn bodies_are_cut_at_the_bound_and_the_cut_is_marked() {
    let settings = Settings {
        journal_body_bytes: 64,
        ..Settings::new("http://sandbox.test")
    };
    let app = TestApp::embedded_with(settings);
    let big = json!({ "card_id": "1", "remark": "x".repeat(10_000) }).to_string();
    let request = axum::http::Request::post("/openapi/card/balance")
        .header("x-sandbox-tenant", "default")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(big))
        .expect("a request");
    let _ = app.send(request).await;
    let journal = app.get(&journal_url("")).await.json();
    let kept = journal["requests"][0]["request_body"]
        .as_str()
        .expect("a cut body is text")
        .to_owned();
    assert!(kept.len() < 64 + 24, "{kept}");
    assert!(kept.ends_with("bytes]"), "{kept}");
}
