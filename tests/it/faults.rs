//! Fault and latency injection: the admin API, provider envelopes of injected errors,
//! selectors over many requests, the journal, the ledger guarantee, scenario rules,
//! and what a client on a real socket sees.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use insta::assert_json_snapshot;
use serde_json::{Value, json};

use crate::support::TestApp;

/// Adds a rule through the admin API, asserting 201.
async fn add(app: &TestApp, rule: Value) -> Value {
    let answer = app.post("/_sandbox/faults", &rule.to_string()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    answer.json()
}

/// A provider request with `X-Sandbox-Tenant: default`.
fn provider_request(method: &str, path: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header("x-sandbox-tenant", "default")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .expect("a valid request")
}

#[tokio::test]
async fn an_error_rule_answers_in_each_providers_envelope() {
    let app = TestApp::embedded();
    add(
        &app,
        json!({"id": "boom", "action": {"type": "error", "status": 503, "headers": {"x-injected": "yes"}}}),
    )
    .await;
    for (provider, method, path) in [
        ("hypercard", "POST", "/openapi/card/info"),
        ("opcard", "POST", "/card-api/v1/load/create"),
        ("interlace", "GET", "/open-api/v3/cards"),
    ] {
        let answer = app.send(provider_request(method, path)).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{provider}");
        assert_eq!(answer.header("x-injected"), Some("yes"), "{provider}");
        assert_json_snapshot!(format!("fault_error_{provider}"), answer.json());
    }
    let opcard = app
        .send(provider_request("POST", "/card-api/v1/load/create"))
        .await;
    assert_eq!(
        opcard.header("x-trace-id"),
        opcard.json()["trace_id"].as_str(),
        "OPCard's trace id header matches the body"
    );
    let admin = app.get("/_sandbox/tenants").await;
    assert_eq!(
        admin.status,
        StatusCode::OK,
        "admin routes are never faulted"
    );
}

#[tokio::test]
async fn a_rule_with_a_code_and_message_uses_them() {
    let app = TestApp::embedded();
    add(
        &app,
        json!({"match": {"provider": "interlace"},
               "action": {"type": "error", "status": 500, "code": "010100", "message": "upstream down"}}),
    )
    .await;
    let answer = app
        .send(provider_request("GET", "/open-api/v3/cards"))
        .await;
    assert_eq!(
        answer.json(),
        json!({"code": "010100", "message": "upstream down"})
    );
    let untouched = app
        .send(provider_request("POST", "/card-api/v1/load/create"))
        .await;
    assert_ne!(
        untouched.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "another provider"
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_in_the_envelope() {
    let app = TestApp::embedded();
    add(
        &app,
        json!({"id": "slow-down", "first_n": 1, "action": {"type": "rate_limit", "retry_after_s": 7}}),
    )
    .await;
    let limited = app
        .send(provider_request("POST", "/card-api/v1/load/create"))
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("retry-after"), Some("7"));
    assert_eq!(limited.json()["code"], "42900");
    assert_json_snapshot!("fault_rate_limit_opcard", limited.json());
    let next = app
        .send(provider_request("POST", "/card-api/v1/load/create"))
        .await;
    assert_ne!(next.status, StatusCode::TOO_MANY_REQUESTS, "first_n: 1");
}

#[tokio::test]
async fn the_admin_api_adds_lists_and_removes_rules() {
    let app = TestApp::new();
    let global = add(&app, json!({"action": {"type": "latency", "fixed_ms": 5}})).await;
    assert_eq!(global["id"], "fault-1");
    let scoped = add(
        &app,
        json!({"id": "mine", "tenant": "default", "match": {"method": "GET", "path": "/open-api/*"},
               "probability": 0.5, "action": {"type": "malformed"}}),
    )
    .await;
    assert_json_snapshot!("faults_added", scoped);
    let listed = app.get("/_sandbox/faults").await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_json_snapshot!("faults_list", listed.json());
    let duplicate = app
        .post(
            "/_sandbox/faults",
            &json!({"id": "mine", "tenant": "default", "action": {"type": "malformed"}})
                .to_string(),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    let cases = [
        (
            "bad_probability",
            json!({"probability": 2, "action": {"type": "malformed"}}),
        ),
        (
            "bad_status",
            json!({"action": {"type": "error", "status": 302}}),
        ),
        ("unknown_action", json!({"action": {"type": "explode"}})),
        ("missing_action", json!({"probability": 0.1})),
        (
            "unknown_field",
            json!({"chance": 0.1, "action": {"type": "malformed"}}),
        ),
        (
            "wrong_type",
            json!({"first_n": "two", "action": {"type": "malformed"}}),
        ),
        (
            "two_distributions",
            json!({"action": {"type": "latency", "fixed_ms": 1, "uniform": {"min_ms": 1, "max_ms": 2}}}),
        ),
        (
            "zero_trickle",
            json!({"action": {"type": "slow_body", "bytes_per_sec": 0}}),
        ),
        (
            "unknown_tenant",
            json!({"tenant": "nobody", "action": {"type": "malformed"}}),
        ),
    ];
    for (name, body) in cases {
        let answer = app.post("/_sandbox/faults", &body.to_string()).await;
        assert!(answer.status.is_client_error(), "{name}: {}", answer.text());
        assert_json_snapshot!(format!("faults_error_{name}"), answer.json());
    }
    assert_eq!(
        app.delete("/_sandbox/faults/mine").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete("/_sandbox/faults/mine").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete("/_sandbox/faults").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/_sandbox/faults").await.json(),
        json!({"faults": []})
    );
}

#[tokio::test]
async fn probability_over_ten_thousand_requests_is_near_its_rate_and_reproducible() {
    async fn statuses() -> Vec<u16> {
        let app = TestApp::embedded();
        add(
            &app,
            json!({"tenant": "default", "probability": 0.3, "action": {"type": "error", "status": 500}}),
        )
        .await;
        let mut statuses = Vec::with_capacity(10_000);
        for _ in 0..10_000 {
            let answer = app
                .send(provider_request("GET", "/open-api/v3/nothing"))
                .await;
            statuses.push(answer.status.as_u16());
        }
        statuses
    }
    let first = statuses().await;
    let fired = first.iter().filter(|s| **s == 500).count();
    assert!((2_850..=3_150).contains(&fired), "fired {fired} times");
    assert!(first.iter().all(|s| *s == 500 || *s == 404));
    assert_eq!(first, statuses().await, "the same seed, the same requests");
}

#[tokio::test]
async fn the_journal_records_which_rules_fired() {
    let app = TestApp::embedded();
    add(
        &app,
        json!({"id": "wait", "action": {"type": "latency", "fixed_ms": 1}}),
    )
    .await;
    add(
        &app,
        json!({"id": "fail", "every_nth": 2, "action": {"type": "error", "status": 502}}),
    )
    .await;
    for _ in 0..2 {
        app.send(provider_request("GET", "/open-api/v3/cards"))
            .await;
    }
    let journal = app.get("/_sandbox/requests?tenant=default").await.json();
    let fired: Vec<(Value, Value)> = journal["requests"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| (r["status"].clone(), r["faults"].clone()))
        .collect();
    assert_eq!(
        fired,
        [
            (json!(502), json!(["wait", "fail"])),
            (json!(401), json!(["wait"])),
        ],
        "newest first"
    );
    let counters = app.get("/_sandbox/faults").await.json();
    assert_eq!(counters["faults"][1]["matched"], 2);
    assert_eq!(counters["faults"][1]["fired"], 1);
}

#[tokio::test]
async fn an_injected_error_changes_nothing_and_malformed_means_maybe_applied() {
    let app = TestApp::from_yaml(crate::opcard::SCENARIO);
    let load = json!({"accounting_currency": "USD", "bill_currency": "USD", "program_value": 6, "accounting_amount": 10});
    let before = app.export_state("default").await;
    add(
        &app,
        json!({"id": "e", "first_n": 1, "action": {"type": "error", "status": 500}}),
    )
    .await;
    let failed = crate::opcard::call(
        &app,
        "static-token",
        "/card-api/v1/load/create",
        load.clone(),
    )
    .await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    let strip = |s: String| {
        s.lines()
            .filter(|l| {
                !l.trim_start().starts_with("- id: e")
                    && !l.contains("first_n")
                    && !l.contains("status: 500")
                    && !l.contains("type: error")
                    && !l.contains("action:")
                    && !l.starts_with("faults:")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(before.clone()),
        strip(app.export_state("default").await),
        "the error came before the handler"
    );
    app.delete("/_sandbox/faults").await;
    add(&app, json!({"first_n": 1, "action": {"type": "malformed"}})).await;
    let spoiled = crate::opcard::call(&app, "static-token", "/card-api/v1/load/create", load).await;
    assert_eq!(spoiled.status, StatusCode::OK);
    assert!(
        serde_json::from_slice::<Value>(&spoiled.bytes).is_err(),
        "cut-off JSON: {}",
        spoiled.text()
    );
    assert!(spoiled.text().starts_with("{\"code\":\"200\""));
    app.delete("/_sandbox/faults").await;
    assert_ne!(
        before,
        app.export_state("default").await,
        "the malformed answer's operation happened"
    );
}

#[tokio::test]
async fn a_scenarios_rules_belong_to_its_tenant_and_survive_reset() {
    let yaml = format!(
        "{}faults:\n  - id: scripted\n    match:\n      provider: opcard\n    first_n: 1\n    action:\n      type: error\n      status: 500\n",
        crate::opcard::SCENARIO
    );
    let app = TestApp::from_yaml(&yaml);
    let body = json!({"accounting_currency": "USD", "bill_currency": "USD", "program_value": 6, "accounting_amount": 10});
    let first = crate::opcard::call(
        &app,
        "static-token",
        "/card-api/v1/load/create",
        body.clone(),
    )
    .await;
    assert_eq!(first.status, StatusCode::INTERNAL_SERVER_ERROR);
    let second = crate::opcard::call(
        &app,
        "static-token",
        "/card-api/v1/load/create",
        body.clone(),
    )
    .await;
    assert_eq!(second.status, StatusCode::OK);
    let listed = app.get("/_sandbox/faults?tenant=default").await.json();
    assert_eq!(listed["faults"][0]["id"], "scripted");
    assert_eq!(listed["faults"][0]["tenant"], "default");
    assert_eq!(listed["faults"][0]["fired"], 1);
    let export = app.export_state("default").await;
    assert!(export.contains("id: scripted"), "exported: {export}");
    app.post("/_sandbox/tenants/default/reset", "{}").await;
    let again = crate::opcard::call(&app, "static-token", "/card-api/v1/load/create", body).await;
    assert_eq!(
        again.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "reset restores the counters"
    );
}

#[test]
fn a_bad_scenario_rule_is_refused_with_its_path() {
    let yaml = format!(
        "{}faults:\n  - action:\n      type: latency\n      uniform:\n        min_ms: 10\n        max_ms: 1\n",
        crate::opcard::SCENARIO
    );
    let error = card_sandbox::scenario::parse("bad.yaml", &yaml).expect_err("refused");
    let text = error.to_string();
    assert!(text.contains("faults[0].action.uniform"), "{text}");
    assert!(text.contains("min_ms 10 is above max_ms 1"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn latency_delays_the_answer_by_exactly_the_fixed_time() {
    let app = TestApp::embedded();
    add(
        &app,
        json!({"action": {"type": "latency", "fixed_ms": 1500}}),
    )
    .await;
    add(
        &app,
        json!({"action": {"type": "latency", "fixed_ms": 250}}),
    )
    .await;
    let start = tokio::time::Instant::now();
    app.send(provider_request("GET", "/open-api/v3/cards"))
        .await;
    assert_eq!(start.elapsed(), Duration::from_millis(1750));
}

#[tokio::test(start_paused = true)]
async fn max_fault_delay_caps_latency_and_shutdown_cuts_it_short() {
    let app = TestApp::embedded();
    add(
        &app,
        json!({"action": {"type": "latency", "fixed_ms": 3_600_000}}),
    )
    .await;
    let start = tokio::time::Instant::now();
    app.send(provider_request("GET", "/open-api/v3/cards"))
        .await;
    assert_eq!(start.elapsed(), Duration::from_secs(60), "the default cap");
    let state = app.state.clone();
    let stopper = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        state.begin_shutdown();
    });
    let start = tokio::time::Instant::now();
    app.send(provider_request("GET", "/open-api/v3/cards"))
        .await;
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(5),
        "shutdown ends the wait"
    );
    stopper.await.expect("the stopper ran");
}

/// Posts the OPCard records query of the default scenario over a real socket.
async fn records_over_socket(addr: std::net::SocketAddr) -> (u16, axum::body::Bytes) {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/card-api/v1/balance/change/records"))
        .header("authorization", "opc_sandbox_static_token")
        .header("content-type", "application/json")
        .body(r#"{"limit": 40, "ascending": true}"#)
        .send()
        .await
        .expect("the request is answered");
    let status = response.status().as_u16();
    (
        status,
        response.bytes().await.expect("the whole body arrives"),
    )
}

/// The body with OPCard's per-answer trace id blanked out.
fn without_trace(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body).into_owned();
    match text.find("\"trace_id\":\"") {
        Some(at) => {
            let start = at + "\"trace_id\":\"".len();
            let end = (start + 32).min(text.len());
            format!(
                "{}{}{}",
                &text[..start],
                "-".repeat(end - start),
                &text[end..]
            )
        }
        None => text,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_client_sees_a_trickled_body_at_the_set_rate() {
    let app = TestApp::embedded();
    let addr = app.serve().await;
    let (status, real) = records_over_socket(addr).await;
    assert_eq!(status, 200);
    assert!(
        real.len() > 4_000,
        "a body worth trickling: {} bytes",
        real.len()
    );
    add(
        &app,
        json!({"first_n": 1, "action": {"type": "slow_body", "bytes_per_sec": 8000}}),
    )
    .await;
    let watch = card_sandbox::clock::Stopwatch::start();
    let (status, trickled) = records_over_socket(addr).await;
    let elapsed = watch.elapsed().as_secs_f64();
    assert_eq!(status, 200);
    assert!(
        without_trace(&trickled) == without_trace(&real),
        "the real body, only slower"
    );
    let rate = real.len() as f64 / elapsed;
    // Pieces of rate/10 bytes every 100 ms, the first at once: never faster than the
    // set rate, and (allowing for a loaded machine) not far slower.
    let pieces = real.len().div_ceil(800) as f64;
    assert!(
        elapsed >= (pieces - 1.0) * 0.1 - 0.01,
        "{} bytes in {elapsed:.3} s",
        real.len()
    );
    assert!(
        rate <= 8000.0 * 1.25 + 800.0 / elapsed,
        "rate {rate:.0} B/s"
    );
    assert!(rate >= 8000.0 / 4.0, "rate {rate:.0} B/s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_client_sees_malformed_json() {
    let app = TestApp::embedded();
    let addr = app.serve().await;
    add(&app, json!({"first_n": 1, "action": {"type": "malformed"}})).await;
    let (status, body) = records_over_socket(addr).await;
    assert_eq!(status, 200);
    let error = serde_json::from_slice::<Value>(&body).expect_err("cut off");
    assert!(error.is_eof(), "the JSON ends early: {error}");
    let (_, real) = records_over_socket(addr).await;
    let (body, real) = (without_trace(&body), without_trace(&real));
    assert!(
        body.len() * 2 <= real.len() + 1 && real.starts_with(&body),
        "the first half of the real answer"
    );
}

/// A client that opens a new connection per request (no pooled retries).
fn fresh_client(timeout: Option<Duration>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().pool_max_idle_per_host(0);
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    builder.build().expect("a client")
}

/// Sends the default tenant's Interlace card list and returns the client's error.
async fn failing_request(client: &reqwest::Client, addr: std::net::SocketAddr) -> reqwest::Error {
    client
        .get(format!("http://{addr}/open-api/v3/cards"))
        .header("x-sandbox-tenant", "default")
        .send()
        .await
        .expect_err("no answer comes")
}

/// The io::Error or hyper::Error somewhere in an error's chain.
fn chain_has(
    error: &reqwest::Error,
    test: impl Fn(&(dyn std::error::Error + 'static)) -> bool,
) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if test(e) {
            return true;
        }
        source = e.source();
    }
    false
}

fn is_reset(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionReset)
}

fn is_closed_early(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<hyper::Error>()
        .is_some_and(hyper::Error::is_incomplete_message)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_client_sees_a_reset_and_the_journal_a_status_zero() {
    let app = TestApp::embedded();
    let addr = app.serve().await;
    add(
        &app,
        json!({"id": "rst", "first_n": 1, "action": {"type": "reset"}}),
    )
    .await;
    let error = failing_request(&fresh_client(None), addr).await;
    assert!(chain_has(&error, is_reset), "a connection reset: {error:?}");
    let answer = fresh_client(None)
        .get(format!("http://{addr}/open-api/v3/cards"))
        .header("x-sandbox-tenant", "default")
        .send()
        .await
        .expect("the next request is answered");
    assert_eq!(answer.status(), 401);
    let journal = app.get("/_sandbox/requests?tenant=default").await.json();
    let cut = &journal["requests"][1];
    assert_eq!(
        (cut["status"].clone(), cut["faults"].clone()),
        (json!(0), json!(["rst"]))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_client_sees_an_empty_close() {
    let app = TestApp::embedded();
    let addr = app.serve().await;
    add(&app, json!({"first_n": 1, "action": {"type": "empty"}})).await;
    let error = failing_request(&fresh_client(None), addr).await;
    assert!(
        chain_has(&error, is_closed_early),
        "closed before any answer: {error:?}"
    );
    assert!(!chain_has(&error, is_reset), "a normal close, not a reset");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hang_outlasts_the_client_and_ends_at_the_cap() {
    let app = TestApp::embedded_with_fault_cap(Duration::from_millis(1500));
    let addr = app.serve().await;
    add(&app, json!({"action": {"type": "hang"}})).await;
    let impatient = failing_request(&fresh_client(Some(Duration::from_millis(300))), addr).await;
    assert!(impatient.is_timeout(), "the client gave up: {impatient:?}");
    let patient = failing_request(&fresh_client(Some(Duration::from_secs(30))), addr).await;
    assert!(!patient.is_timeout(), "the cap ended the hang: {patient:?}");
    assert!(
        chain_has(&patient, is_closed_early),
        "closed without an answer: {patient:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_a_hang() {
    let app = TestApp::embedded();
    let addr = app.serve().await;
    add(&app, json!({"action": {"type": "hang"}})).await;
    let state = app.state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        state.begin_shutdown();
    });
    let error = failing_request(&fresh_client(Some(Duration::from_secs(30))), addr).await;
    assert!(
        !error.is_timeout(),
        "shutdown, not the 60 s cap, ended it: {error:?}"
    );
    assert!(chain_has(&error, is_closed_early), "{error:?}");
}

#[tokio::test]
async fn connection_actions_without_a_socket_say_so_in_the_envelope() {
    let app = TestApp::embedded();
    add(&app, json!({"id": "cut", "action": {"type": "reset"}})).await;
    let answer = app
        .send(provider_request("GET", "/open-api/v3/cards"))
        .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.json()["code"], "999999");
}

/// The paused-time delay each of `n` requests saw under one latency rule.
async fn paused_delays(latency: Value, n: usize) -> Vec<Duration> {
    let app = TestApp::embedded();
    add(&app, json!({"tenant": "default", "action": latency})).await;
    let mut delays = Vec::with_capacity(n);
    for _ in 0..n {
        let start = tokio::time::Instant::now();
        app.send(provider_request("GET", "/open-api/v3/nothing"))
            .await;
        delays.push(start.elapsed());
    }
    delays
}

#[tokio::test(start_paused = true)]
async fn uniform_latency_through_the_app_stays_within_its_bounds() {
    let delays = paused_delays(
        json!({"type": "latency", "uniform": {"min_ms": 40, "max_ms": 90}}),
        2_000,
    )
    .await;
    let (low, high) = (Duration::from_millis(40), Duration::from_millis(90));
    assert!(delays.iter().all(|d| (low..=high).contains(d)));
    assert!(delays.iter().any(|d| *d <= Duration::from_millis(42)));
    assert!(delays.iter().any(|d| *d >= Duration::from_millis(88)));
    assert_eq!(
        delays,
        paused_delays(
            json!({"type": "latency", "uniform": {"min_ms": 40, "max_ms": 90}}),
            2_000
        )
        .await,
        "the same seed draws the same delays"
    );
}

#[tokio::test(start_paused = true)]
async fn lognormal_latency_through_the_app_has_its_median() {
    let mut delays = paused_delays(
        json!({"type": "latency", "lognormal": {"median_ms": 200, "sigma": 0.5}}),
        10_000,
    )
    .await;
    delays.sort();
    let median = (delays[4_999] + delays[5_000]).as_secs_f64() / 2.0 * 1000.0;
    assert!((190.0..=210.0).contains(&median), "median {median:.1} ms");
}

#[tokio::test]
async fn a_rule_is_readable_by_id_with_its_counters_and_gone_once_deleted() {
    let app = TestApp::embedded();
    add(
        &app,
        json!({"id": "slow", "action": {"type": "latency", "fixed_ms": 0}}),
    )
    .await;
    add(
        &app,
        json!({"id": "mine", "tenant": "default", "match": {"provider": "opcard"}, "action": {"type": "error", "status": 503}}),
    )
    .await;
    app.send(provider_request("POST", "/card-api/v1/auth/token"))
        .await;
    let global = app.get("/_sandbox/faults/slow").await;
    assert_eq!(global.status, StatusCode::OK, "{}", global.text());
    assert_eq!(global.json()["id"], "slow");
    assert_eq!(global.json()["fired"], 1, "{}", global.text());
    let tenant = app.get("/_sandbox/faults/mine?tenant=default").await;
    assert_eq!(tenant.status, StatusCode::OK, "{}", tenant.text());
    assert_eq!(tenant.json()["tenant"], "default");
    assert_eq!(tenant.json()["action"]["status"], 503);
    assert_eq!(tenant.json()["fired"], 1, "{}", tenant.text());
    let listed = app.get("/_sandbox/faults").await.json();
    assert!(
        listed["faults"]
            .as_array()
            .expect("list")
            .contains(&tenant.json())
    );
    assert_eq!(app.get("/_sandbox/faults/mine").await.json(), tenant.json());
    for missing in [
        "/_sandbox/faults/nothing",
        "/_sandbox/faults/slow?tenant=default",
    ] {
        let answer = app.get(missing).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(answer.json()["error"]["code"], "fault_not_found");
    }
    assert_eq!(
        app.delete("/_sandbox/faults/mine").await.status,
        StatusCode::NO_CONTENT
    );
    let gone = app.get("/_sandbox/faults/mine").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.json()["error"]["code"], "fault_not_found");
}

#[tokio::test]
async fn every_refused_rule_names_the_full_key_path_and_what_it_accepts() {
    let app = TestApp::new();
    let cases = [
        (json!({"action": "latency"}), "action: expected an object"),
        (json!({"action": {}}), "action.type: is required"),
        (
            json!({"action": {"type": 3}}),
            "action.type: expected one of latency",
        ),
        (
            json!({"action": {"type": "explode"}}),
            "action.type: expected one of latency",
        ),
        (
            json!({"action": {"type": "error", "status": "500"}}),
            "action.status: expected an HTTP error status",
        ),
        (
            json!({"action": {"type": "error", "status": 70000}}),
            "action.status: expected an HTTP error status",
        ),
        (
            json!({"action": {"type": "error"}}),
            "action.status: is required",
        ),
        (
            json!({"action": {"type": "error", "status": 500, "headers": {"x-a": 1}}}),
            "action.headers.x-a: expected a string",
        ),
        (
            json!({"action": {"type": "error", "status": 500, "headers": ["x"]}}),
            "action.headers: expected an object",
        ),
        (
            json!({"action": {"type": "error", "status": 500, "fixed_ms": 3}}),
            "action.fixed_ms: unknown field",
        ),
        (
            json!({"action": {"type": "latency", "fixed_ms": -1}}),
            "action.fixed_ms: expected milliseconds",
        ),
        (
            json!({"action": {"type": "latency", "fixed_ms": 1, "cap_ms": "x"}}),
            "action.cap_ms: expected milliseconds",
        ),
        (
            json!({"action": {"type": "latency", "uniform": {"min_ms": 1}}}),
            "action.uniform.max_ms: is required",
        ),
        (
            json!({"action": {"type": "latency", "lognormal": {"median_ms": "a", "sigma": 1}}}),
            "action.lognormal.median_ms: expected milliseconds",
        ),
        (
            json!({"action": {"type": "rate_limit", "retry_after_s": "soon"}}),
            "action.retry_after_s: expected a whole number",
        ),
        (
            json!({"action": {"type": "slow_body", "bytes_per_sec": 1.5}}),
            "action.bytes_per_sec: expected a whole number",
        ),
        (
            json!({"action": {"type": "slow_body"}}),
            "action.bytes_per_sec: is required",
        ),
        (
            json!({"action": {"type": "reset", "status": 500}}),
            "action.status: a reset action takes no field",
        ),
        (
            json!({"probability": "often", "action": {"type": "reset"}}),
            "probability: expected a number from 0 to 1",
        ),
        (
            json!({"first_n": -2, "action": {"type": "reset"}}),
            "first_n: expected a whole number",
        ),
        (
            json!({"match": {"headers": {"x": 2}}, "action": {"type": "reset"}}),
            "match.headers.x: expected a string",
        ),
        (
            json!({"match": "all", "action": {"type": "reset"}}),
            "match: expected an object",
        ),
        (json!({}), "action: is required"),
    ];
    for (body, expected) in cases {
        let answer = app.post("/_sandbox/faults", &body.to_string()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        let message = answer.json()["error"]["message"]
            .as_str()
            .expect("a message")
            .to_owned();
        assert!(
            message.starts_with(expected),
            "{body}: {message:?} should start with {expected:?}"
        );
        for serde_wording in [
            "internally tagged",
            "expected u16",
            "expected u64",
            "expected f64",
        ] {
            assert!(!message.contains(serde_wording), "{body}: {message}");
        }
    }
    assert_eq!(
        app.get("/_sandbox/faults").await.json(),
        json!({"faults": []})
    );
}
