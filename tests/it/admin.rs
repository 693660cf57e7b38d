//! The admin API's success and error shapes, route by route.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use insta::{assert_json_snapshot, assert_snapshot};

use crate::support::TestApp;

#[tokio::test]
async fn health_answers_with_version_and_headers() {
    let app = TestApp::new();
    let answer = app.get("/_sandbox/health").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_json_snapshot!("health", answer.json());
    assert_eq!(
        answer.header("x-sandbox-version"),
        Some(card_sandbox::VERSION)
    );
    assert_eq!(answer.header("x-request-id"), Some("req-000000000001"));
}

#[tokio::test]
async fn request_ids_are_echoed_when_the_caller_sends_one() {
    let app = TestApp::new();
    let request = Request::get("/_sandbox/health")
        .header("x-request-id", "my-trace-7")
        .body(Body::empty())
        .expect("valid request");
    let answer = app.send(request).await;
    assert_eq!(answer.header("x-request-id"), Some("my-trace-7"));
    let unknown = app.get("/nowhere").await;
    assert!(
        unknown
            .header("x-request-id")
            .is_some_and(|id| id.starts_with("req-"))
    );
    assert_eq!(
        unknown.header("x-sandbox-version"),
        Some(card_sandbox::VERSION)
    );
}

#[tokio::test]
async fn ready_is_503_until_startup_scenarios_load() {
    let loading = TestApp::not_ready();
    let answer = loading.get("/_sandbox/ready").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_json_snapshot!("ready_loading", answer.json());
    let tenants = loading.get("/_sandbox/tenants").await;
    assert_eq!(tenants.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_json_snapshot!("tenants_while_loading", tenants.json());
    assert_eq!(loading.get("/_sandbox/health").await.status, StatusCode::OK);

    let app = TestApp::new();
    let answer = app.get("/_sandbox/ready").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_json_snapshot!("ready", answer.json());
}

#[tokio::test]
async fn tenants_list_names_tenants_and_loadable_scenarios() {
    let app = TestApp::new();
    let answer = app.get("/_sandbox/tenants").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_json_snapshot!("tenants_list", answer.json());
}

#[tokio::test]
async fn tenant_create_from_named_scenario_with_id_and_seed() {
    let app = TestApp::new();
    let answer = app
        .post(
            "/_sandbox/tenants",
            r#"{"id":"ci-42","scenario":"test","seed":7}"#,
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_json_snapshot!("tenant_create", answer.json());
    let shown = app.get("/_sandbox/tenants/ci-42").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.json(), answer.json());
}

#[tokio::test]
async fn tenant_create_without_id_draws_one_and_defaults_the_scenario() {
    let app = TestApp::new();
    let answer = app.post("/_sandbox/tenants", "").await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let body = answer.json();
    let id = body["id"].as_str().expect("an id");
    assert!(id.starts_with("t-") && id.len() == 14, "{id}");
    assert_eq!(body["scenario"], "default");
    let again = app.post("/_sandbox/tenants", "{}").await.json();
    assert_ne!(again["id"], body["id"], "generated ids are unique");
}

#[tokio::test]
async fn tenant_create_from_inline_yaml() {
    let app = TestApp::new();
    let body = serde_json::json!({
        "id": "inline-1",
        "scenario": "version: 1\nclock:\n  start: \"2030-01-01T00:00:00Z\"\n",
    });
    let answer = app.post("/_sandbox/tenants", &body.to_string()).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_json_snapshot!("tenant_create_inline", answer.json());
}

#[tokio::test]
async fn tenant_create_errors() {
    let app = TestApp::new();
    let cases = [
        ("duplicate_id", r#"{"id":"default"}"#, StatusCode::CONFLICT),
        (
            "unknown_scenario",
            r#"{"scenario":"nope"}"#,
            StatusCode::BAD_REQUEST,
        ),
        ("malformed_json", r#"{"id": "#, StatusCode::BAD_REQUEST),
        ("trailing_garbage", r#"{} {}"#, StatusCode::BAD_REQUEST),
        ("wrong_type", r#"{"seed":"seven"}"#, StatusCode::BAD_REQUEST),
        ("negative_seed", r#"{"seed":-1}"#, StatusCode::BAD_REQUEST),
        (
            "unknown_field",
            r#"{"tenant":"x"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "invalid_id",
            r#"{"id":"has space"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "invalid_inline_scenario",
            r#"{"scenario":"version: 1\nledger:\n  accounts:\n    - key: a\n      currency: XYZ\n"}"#,
            StatusCode::BAD_REQUEST,
        ),
        ("not_an_object", r#"[1,2]"#, StatusCode::BAD_REQUEST),
    ];
    for (name, body, status) in cases {
        let answer = app.post("/_sandbox/tenants", body).await;
        assert_eq!(answer.status, status, "{name}: {}", answer.text());
        assert_json_snapshot!(format!("tenant_create_error_{name}"), answer.json());
    }
    let listed = app.get("/_sandbox/tenants").await.json();
    assert_eq!(
        listed["tenants"].as_array().map(Vec::len),
        Some(1),
        "no refused request created a tenant"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::new();
    let huge = format!(r#"{{"id":"{}"}}"#, "a".repeat(1024 * 1024 + 1));
    let answer = app.post("/_sandbox/tenants", &huge).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_json_snapshot!("body_too_large", answer.json());
}

#[tokio::test]
async fn unknown_tenant_is_404_on_every_tenant_route() {
    let app = TestApp::new();
    let routes = [
        (Method::GET, "/_sandbox/tenants/ghost", None),
        (Method::DELETE, "/_sandbox/tenants/ghost", None),
        (Method::POST, "/_sandbox/tenants/ghost/reset", None),
        (Method::GET, "/_sandbox/tenants/ghost/export", None),
        (Method::GET, "/_sandbox/tenants/ghost/invariants", None),
        (Method::GET, "/_sandbox/tenants/ghost/clock", None),
        (Method::POST, "/_sandbox/tenants/ghost/clock", Some("{}")),
        (
            Method::POST,
            "/_sandbox/tenants/ghost/simulate/hypercard/consume",
            Some("{}"),
        ),
        (Method::GET, "/_sandbox/requests?tenant=ghost", None),
        (Method::DELETE, "/_sandbox/requests?tenant=ghost", None),
    ];
    for (method, uri, body) in routes {
        let answer = app.call(method.clone(), uri, body).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {uri}");
        assert_eq!(
            answer.json()["error"]["code"],
            "tenant_not_found",
            "{method} {uri}"
        );
    }
    assert_json_snapshot!(
        "tenant_not_found",
        app.get("/_sandbox/tenants/ghost").await.json()
    );
}

#[tokio::test]
async fn tenant_delete_then_gone() {
    let app = TestApp::new();
    app.post("/_sandbox/tenants", r#"{"id":"doomed","scenario":"test"}"#)
        .await;
    let answer = app.delete("/_sandbox/tenants/doomed").await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.bytes.is_empty());
    assert_eq!(
        app.get("/_sandbox/tenants/doomed").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn invariants_report_every_check() {
    let app = TestApp::new();
    let answer = app.get("/_sandbox/tenants/default/invariants").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_json_snapshot!("invariants", answer.json());
}

#[tokio::test]
async fn export_is_scenario_yaml() {
    let app = TestApp::new();
    let answer = app.get("/_sandbox/tenants/default/export").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("content-type"),
        Some("application/yaml; charset=utf-8")
    );
    assert_snapshot!("export", answer.text());
}

#[tokio::test]
async fn clock_show_and_change() {
    let app = TestApp::new();
    let shown = app.get("/_sandbox/tenants/default/clock").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_json_snapshot!("clock_show", shown.json());

    let advanced = app
        .post(
            "/_sandbox/tenants/default/clock",
            r#"{"advance_seconds": 7200}"#,
        )
        .await;
    assert_eq!(advanced.status, StatusCode::OK);
    assert_json_snapshot!("clock_advance_fires_hold_expiry", advanced.json());

    let frozen = app
        .post(
            "/_sandbox/tenants/default/clock",
            r#"{"freeze_at": "2026-03-02T00:00:00+08:00", "advance_seconds": 0.5}"#,
        )
        .await;
    assert_eq!(frozen.status, StatusCode::OK);
    assert_json_snapshot!("clock_freeze_at", frozen.json());

    let resumed = app
        .post("/_sandbox/tenants/default/clock", r#"{"resume": true}"#)
        .await
        .json();
    assert_eq!(resumed["mode"], "running");
}

#[tokio::test]
async fn clock_errors_change_nothing() {
    let app = TestApp::new();
    let before = app.get("/_sandbox/tenants/default/clock").await.json();
    let cases = [
        (
            "backwards",
            r#"{"freeze_at":"2020-01-01T00:00:00Z"}"#,
            StatusCode::CONFLICT,
        ),
        (
            "negative_advance",
            r#"{"advance_seconds":-5}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "bad_time",
            r#"{"freeze_at":"tomorrow"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong_type",
            r#"{"advance_seconds":"60"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "contradiction",
            r#"{"freeze_at":"now","resume":true}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown_field",
            r#"{"advance":60}"#,
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (name, body, status) in cases {
        let answer = app.post("/_sandbox/tenants/default/clock", body).await;
        assert_eq!(answer.status, status, "{name}: {}", answer.text());
        assert_json_snapshot!(format!("clock_error_{name}"), answer.json());
    }
    assert_eq!(
        app.get("/_sandbox/tenants/default/clock").await.json(),
        before
    );
}

#[tokio::test]
async fn reset_restores_the_scenario_state_and_clock() {
    let app = TestApp::new();
    let initial = app.export_state("default").await;
    app.post(
        "/_sandbox/tenants/default/clock",
        r#"{"advance_seconds":86400}"#,
    )
    .await;
    assert_ne!(app.export_state("default").await, initial);
    let answer = app.post("/_sandbox/tenants/default/reset", "").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_json_snapshot!("reset", answer.json());
    assert_eq!(app.export_state("default").await, initial);
}

#[tokio::test]
async fn simulate_names_what_is_unknown() {
    let app = TestApp::new();
    let answer = app
        .post("/_sandbox/tenants/default/simulate/acme/explode", "{}")
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_json_snapshot!("simulate_unknown", answer.json());
}

#[tokio::test]
async fn request_journal_lists_filters_and_clears() {
    let app = TestApp::new();
    let tagged = Request::post("/open-api/v3/nothing-here?x=1")
        .header("x-sandbox-tenant", "default")
        .body(Body::empty())
        .expect("valid request");
    app.send(tagged).await;
    app.get("/elsewhere").await;
    app.get("/_sandbox/health").await;

    let all = app.get("/_sandbox/requests").await;
    assert_eq!(all.status, StatusCode::OK);
    let mut body = all.json();
    for request in body["requests"].as_array_mut().expect("a list") {
        assert!(request["duration_us"].is_u64());
        request["duration_us"] = 0.into();
    }
    assert_json_snapshot!("requests_list", body);

    let filtered = app
        .get("/_sandbox/requests?tenant=default&provider=interlace&path=/open-api/")
        .await
        .json();
    assert_eq!(filtered["requests"].as_array().map(Vec::len), Some(1));
    let none = app.get("/_sandbox/requests?provider=opcard").await.json();
    assert_eq!(none["requests"].as_array().map(Vec::len), Some(0));

    let bad = app.get("/_sandbox/requests?limit=0").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_json_snapshot!("requests_bad_limit", bad.json());
    let bad_type = app.get("/_sandbox/requests?limit=many").await;
    assert_eq!(bad_type.status, StatusCode::BAD_REQUEST);
    assert_json_snapshot!("requests_bad_limit_type", bad_type.json());

    let cleared = app.delete("/_sandbox/requests").await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    let after = app.get("/_sandbox/requests").await.json();
    assert_eq!(after["requests"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn journal_is_bounded_by_its_size() {
    let app = TestApp::new();
    for i in 0..60 {
        let request = Request::get(format!("/x/{i}"))
            .header("x-sandbox-tenant", "default")
            .body(Body::empty())
            .expect("valid request");
        app.send(request).await;
    }
    let kept = app
        .get("/_sandbox/requests?tenant=default&limit=1000")
        .await
        .json();
    let paths: Vec<_> = kept["requests"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["path"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(paths.len(), 50, "the test app keeps 50 per tenant");
    assert_eq!(paths.first().map(String::as_str), Some("/x/59"));
    assert_eq!(paths.last().map(String::as_str), Some("/x/10"));
}

#[tokio::test]
async fn metrics_count_requests_per_provider_and_route() {
    let app = TestApp::new();
    app.get("/_sandbox/tenants/default").await;
    app.get("/v3/openapi/unknown").await;
    let answer = app.get("/_sandbox/metrics").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = answer.text();
    for line in [
        r#"sandbox_http_requests_total{provider="admin",route="/_sandbox/tenants/{tenant}",method="GET",status="200"} 1"#,
        r#"sandbox_http_requests_total{provider="hypercard",route="unmatched",method="GET",status="404"} 1"#,
        r#"sandbox_http_request_duration_seconds_count{provider="admin",route="/_sandbox/tenants/{tenant}",method="GET"} 1"#,
        "sandbox_tenants 1",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = TestApp::new();
    let missing = app.get("/_sandbox/nothing").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_json_snapshot!("route_not_found", missing.json());
    let wrong_method = app.call(Method::PUT, "/_sandbox/tenants", Some("{}")).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_json_snapshot!("method_not_allowed", wrong_method.json());
}

#[tokio::test]
async fn admin_token_guards_everything_but_health_and_ready() {
    let app = TestApp::with_admin_token("s3cret");
    assert_eq!(app.get("/_sandbox/health").await.status, StatusCode::OK);
    assert_eq!(app.get("/_sandbox/ready").await.status, StatusCode::OK);
    let refused = app.get("/_sandbox/tenants").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_json_snapshot!("unauthorized", refused.json());
    let wrong = Request::get("/_sandbox/tenants")
        .header("authorization", "Bearer nope")
        .body(Body::empty())
        .expect("valid request");
    assert_eq!(app.send(wrong).await.status, StatusCode::UNAUTHORIZED);
    let right = Request::get("/_sandbox/tenants")
        .header("authorization", "Bearer s3cret")
        .body(Body::empty())
        .expect("valid request");
    assert_eq!(app.send(right).await.status, StatusCode::OK);
}

#[tokio::test]
async fn made_up_methods_share_one_metrics_series_and_the_journal_stays_bounded() {
    let app = TestApp::new();
    for i in 0..200 {
        let request = axum::http::Request::builder()
            .method(axum::http::Method::from_bytes(format!("FOO{i}").as_bytes()).expect("a token"))
            .uri(format!("/nowhere/{i}?{}", "q".repeat(60_000)))
            .header("x-request-id", "r".repeat(10_000))
            .body(axum::body::Body::empty())
            .expect("a request");
        app.send(request).await;
    }
    let metrics = app.get("/_sandbox/metrics").await.text();
    assert!(
        !metrics.contains("method=\"FOO"),
        "no series per made-up method"
    );
    assert!(metrics.contains("method=\"other\""), "{metrics}");
    let series = metrics
        .lines()
        .filter(|l| l.contains("method=\"other\""))
        .count();
    assert!(series <= 20, "{series} series for made-up methods");
    // The journal keeps the records with their long fields cut and marked.
    let listed = app.get("/_sandbox/requests?limit=10000").await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(
        listed.text().len() < 4 * 1024 * 1024,
        "{} bytes",
        listed.text().len()
    );
    let first = &listed.json()["requests"][0];
    let query = first["query"].as_str().expect("a query");
    assert!(
        query.len() < 2100 && query.ends_with("bytes]"),
        "{query:.80}"
    );
    assert!(first["request_id"].as_str().expect("an id").len() < 200);
    // `limit` has a ceiling.
    let too_many = app.get("/_sandbox/requests?limit=100001").await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert!(
        too_many.text().contains("1 to 10000"),
        "{}",
        too_many.text()
    );
}

#[tokio::test]
async fn the_unknown_simulation_error_lists_every_simulation_and_each_one_exists() {
    let app = TestApp::embedded();
    let answer = app
        .post("/_sandbox/tenants/default/simulate/acme/explode", "{}")
        .await;
    let message = answer.json()["error"]["message"]
        .as_str()
        .expect("a message")
        .to_owned();
    let listed: Vec<&str> = message
        .split_once("available: ")
        .expect("a list")
        .1
        .split(", ")
        .collect();
    for expected in [
        "interlace/card-transaction",
        "interlace/fund-account",
        "interlace/negative-stat",
        "interlace/deposit",
        "interlace/transfer-outcome",
        "interlace/legal-entity-status",
        "opcard/card-spend",
        "opcard/card-refund",
        "hypercard/consume",
        "hypercard/withdrawal",
        "hypercard/refund",
        "hypercard/fee",
    ] {
        assert!(listed.contains(&expected), "{expected} in {message}");
    }
    for simulation in listed {
        let answer = app
            .post(
                &format!("/_sandbox/tenants/default/simulate/{simulation}"),
                "{}",
            )
            .await;
        assert!(
            !answer.text().contains("unknown_simulation"),
            "{simulation} is listed but unknown: {}",
            answer.text()
        );
    }
}
