//! The demo console without a browser: the page and its embedded assets, the landing
//! page, the console under `--admin-token`, the admin routes it added (HyperCard signing,
//! due events), and opt-in CORS (`--cors-origin`). tests/browser/ drives the page itself.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use card_sandbox::request::Settings;
use serde_json::{Value, json};

use crate::support::TestApp;

#[tokio::test]
async fn the_page_is_html_and_names_its_embedded_assets_and_every_simulation() {
    let app = TestApp::embedded();
    let page = app.get("/_sandbox/console").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains(r#"src="/_sandbox/console/console.js""#));
    assert!(html.contains(r#"href="/_sandbox/console/console.css""#));
    for provider in card_sandbox::providers::Provider::ALL {
        for event in provider.simulations() {
            assert!(
                html.contains(&format!(
                    r#""provider":"{}","event":"{event}""#,
                    provider.name()
                )),
                "the page offers {}/{event}",
                provider.name()
            );
        }
    }

    let script = app.get("/_sandbox/console/console.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.text().contains("/_sandbox/tenants"));
    assert!(script.text().contains("sessionStorage"));
    let style = app.get("/_sandbox/console/console.css").await;
    assert_eq!(style.status, StatusCode::OK);
    assert_eq!(
        style.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert!(style.text().contains("nav.tabs"));
}

#[tokio::test]
async fn the_landing_page_links_to_the_console() {
    let app = TestApp::embedded();
    let landing = app.get("/").await;
    assert_eq!(landing.status, StatusCode::OK);
    assert_eq!(
        landing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(landing.text().contains(r#"href="/_sandbox/console""#));
    assert!(
        landing.text().contains(r#"href="/_sandbox/openapi""#),
        "the landing page links the OpenAPI documents"
    );
    // Other unknown paths still answer the admin 404 envelope.
    let unknown = app.get("/nowhere").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["error"]["code"], "route_not_found");
}

#[tokio::test]
async fn under_an_admin_token_the_page_opens_but_its_data_needs_the_token() {
    let app = TestApp::with_admin_token("s3cret");
    let page = app.get("/_sandbox/console").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("s3cret"));
    assert_eq!(
        app.get("/_sandbox/console/console.js").await.status,
        StatusCode::OK
    );
    // The routes the console reads stay guarded.
    for uri in ["/_sandbox/tenants", "/_sandbox/tenants/default/clock/due"] {
        let answer = app.get(uri).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(answer.json()["error"]["code"], "unauthorized");
    }
    let signed = app
        .post("/_sandbox/tenants/default/hypercard/sign", r#"{"body":{}}"#)
        .await;
    assert_eq!(signed.status, StatusCode::UNAUTHORIZED);
    let with_token = app
        .send(
            Request::get("/_sandbox/tenants/default/clock/due")
                .header("authorization", "Bearer s3cret")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(with_token.status, StatusCode::OK);
}

#[tokio::test]
async fn due_events_list_the_scheduler_soonest_first_with_the_clock() {
    let app = TestApp::embedded();
    let due = app
        .get("/_sandbox/tenants/default/clock/due?limit=3")
        .await
        .json();
    assert_eq!(due["mode"], "running");
    assert_eq!(due["scale"], 1);
    let events = due["events"].as_array().expect("events");
    assert!(!events.is_empty() && events.len() <= 3, "{due}");
    assert!(due["pending"].as_u64().expect("pending") >= events.len() as u64);
    let times: Vec<i64> = events
        .iter()
        .map(|e| e["due_ms"].as_i64().expect("due_ms"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(times[0] >= due["now_ms"].as_i64().expect("now_ms"));
    assert!(events[0]["kind"].is_string() && events[0]["data"].is_object());

    for bad in ["limit=0", "limit=501", "limit=x", "other=1"] {
        let answer = app
            .get(&format!("/_sandbox/tenants/default/clock/due?{bad}"))
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(answer.json()["error"]["code"].is_string(), "{bad}");
    }
    let missing = app.get("/_sandbox/tenants/nobody/clock/due").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"]["code"], "tenant_not_found");
}

#[tokio::test]
async fn signed_headers_are_accepted_by_the_hypercard_api() {
    let app = TestApp::embedded();
    let body = json!({ "coin": "usdt" });
    let signed = app
        .post(
            "/_sandbox/tenants/default/hypercard/sign",
            &json!({ "body": body }).to_string(),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.text());
    let signed = signed.json();
    let headers = signed["headers"].as_object().expect("headers");
    let names: Vec<&str> = headers.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "timestamp",
            "nonce",
            "api-key",
            "version",
            "lang",
            "signature"
        ]
    );
    assert!(
        signed["curl_headers"]
            .as_str()
            .expect("curl")
            .starts_with("-H 'timestamp: ")
    );
    let mut request = Request::post("/t/default/openapi/card/merchant/balance")
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str().expect("string"));
    }
    let answer = app
        .send(request.body(Body::from(body.to_string())).expect("request"))
        .await;
    assert_eq!(answer.json()["code"], "00000", "{}", answer.text());

    // Each signature has a nonce of its own (HyperCard refuses a nonce seen before).
    let two = app
        .post("/_sandbox/tenants/default/hypercard/sign", r#"{"body":{}}"#)
        .await
        .json();
    assert_ne!(two["headers"]["nonce"], signed["headers"]["nonce"]);
}

#[tokio::test]
async fn signing_refuses_bad_input_in_the_admin_envelope() {
    let app = TestApp::embedded();
    for (body, status) in [
        (r#"{"body":[]}"#, StatusCode::BAD_REQUEST),
        (r#"{}"#, StatusCode::BAD_REQUEST),
        (r#"{"body":{},"extra":1}"#, StatusCode::BAD_REQUEST),
        (r#"not json"#, StatusCode::BAD_REQUEST),
        (r#"{"body":{},"api_key":"nobody"}"#, StatusCode::NOT_FOUND),
    ] {
        let answer = app
            .post("/_sandbox/tenants/default/hypercard/sign", body)
            .await;
        assert_eq!(answer.status, status, "{body}: {}", answer.text());
        assert!(answer.json()["error"]["message"].is_string(), "{body}");
    }
}

fn with_cors(origins: &[&str]) -> TestApp {
    TestApp::embedded_with(Settings {
        cors_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
        ..Settings::new("http://sandbox.test")
    })
}

fn preflight(path: &str, origin: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri(path)
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,signature,api-key,timestamp,nonce,x-sandbox-tenant",
        )
        .body(Body::empty())
        .expect("request")
}

fn from_origin(path: &str, origin: &str) -> Request<Body> {
    Request::get(path)
        .header("origin", origin)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn cors_answers_preflights_and_requests_from_an_allowed_origin() {
    let app = with_cors(&["http://app.test"]);
    // A known route, an admin one, and paths no route matches (the CORS layer wraps
    // the fallbacks too, and sees paths without their tenant prefix).
    for path in [
        "/openapi/card/balance",
        "/_sandbox/tenants",
        "/open-api/v3/no-such-route",
        "/t/default/openapi/card/balance",
    ] {
        let answer = app.send(preflight(path, "http://app.test")).await;
        assert!(answer.status.is_success(), "{path}: {}", answer.status);
        assert_eq!(
            answer.header("access-control-allow-origin"),
            Some("http://app.test"),
            "{path}"
        );
        let allowed = answer
            .header("access-control-allow-headers")
            .expect("allow-headers");
        for header in ["signature", "api-key", "x-access-token", "x-sandbox-tenant"] {
            assert!(allowed.contains(header), "{path}: {allowed}");
        }
        assert!(
            answer
                .header("access-control-allow-methods")
                .expect("methods")
                .contains("POST")
        );
    }
    let answer = app
        .send(from_origin("/_sandbox/health", "http://app.test"))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("http://app.test")
    );
    assert!(
        answer
            .header("access-control-expose-headers")
            .expect("expose")
            .contains("x-request-id")
    );
    // Preflights are not provider requests: the journal does not keep them.
    let journal = app.get("/_sandbox/requests").await.json();
    assert_eq!(journal["requests"], Value::Array(vec![]));
}

#[tokio::test]
async fn cors_refuses_other_origins_and_star_allows_any() {
    let app = with_cors(&["http://app.test"]);
    let answer = app
        .send(preflight("/openapi/card/balance", "http://evil.test"))
        .await;
    assert_eq!(answer.header("access-control-allow-origin"), None);
    let answer = app
        .send(from_origin("/_sandbox/health", "http://evil.test"))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("access-control-allow-origin"), None);

    let any = with_cors(&["*"]);
    let answer = any
        .send(preflight("/card-api/v1/auth/token", "http://anywhere.test"))
        .await;
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn without_the_flag_no_cors_header_is_sent() {
    let app = TestApp::embedded();
    let answer = app
        .send(preflight("/openapi/card/balance", "http://app.test"))
        .await;
    assert!(
        answer
            .headers
            .keys()
            .all(|name| !name.as_str().starts_with("access-control-")),
        "{:?}",
        answer.headers
    );
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    let answer = app
        .send(from_origin("/_sandbox/health", "http://app.test"))
        .await;
    assert!(
        answer
            .headers
            .keys()
            .all(|name| !name.as_str().starts_with("access-control-"))
    );
}

#[test]
fn cors_origins_are_checked_on_the_command_line() {
    use card_sandbox::cli::{Cli, Command, Config};
    use clap::Parser;
    let config = |args: &[&str]| {
        let cli = Cli::try_parse_from([&["card-sandbox"], args].concat()).expect("parses");
        let Command::Serve(serve) = cli.command_or_serve() else {
            panic!("serve")
        };
        Config::from_args(serve)
    };
    let ok = config(&[
        "--cors-origin",
        "http://localhost:3000",
        "--cors-origin",
        "*",
    ])
    .expect("valid");
    assert_eq!(ok.cors_origins, ["http://localhost:3000", "*"]);
    assert!(config(&[]).expect("valid").cors_origins.is_empty());
    for bad in ["localhost:3000", "http://app.test/path", "http://", ""] {
        let error = config(&["--cors-origin", bad]).expect_err(bad).to_string();
        assert!(error.contains("--cors-origin"), "{bad}: {error}");
    }
}

#[tokio::test]
async fn only_providers_whose_clients_sign_have_a_signing_route() {
    let app = TestApp::embedded();
    for provider in ["opcard", "interlace", "nobody"] {
        let answer = app
            .post(
                &format!("/_sandbox/tenants/default/{provider}/sign"),
                r#"{"body":{}}"#,
            )
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{provider}");
        assert!(
            answer.text().contains("not signed"),
            "{provider}: {}",
            answer.text()
        );
    }
    let signed = app
        .post(
            "/_sandbox/tenants/default/hypercard/sign",
            r#"{"body":{"card_id":"1"}}"#,
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.text());
    assert!(signed.json()["headers"]["signature"].is_string());
}
