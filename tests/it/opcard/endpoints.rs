//! Every OPCard endpoint's success and error shapes.

use axum::body::Body;
use axum::http::Request;
use insta::assert_json_snapshot;
use serde_json::{Value, json};

use super::{CARD, SCENARIO, TRAVEL_CARD, advance, all_records, call, ok, simulate};
use crate::support::TestApp;

/// Trace ids vary per request but come from the seed; keep them in snapshots, and check
/// the header repeats the body's.
fn trace_matches(answer: &crate::support::Answer) -> Value {
    let body = answer.json();
    let trace = body["trace_id"].as_str().expect("trace_id");
    assert_eq!(trace.len(), 32);
    assert!(
        trace
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(answer.header("x-trace-id"), Some(trace));
    body
}

#[tokio::test]
async fn tokens_are_issued_checked_and_expire_on_the_tenant_clock() {
    let app = TestApp::from_yaml(&crate::auth_clock::on_tenant_clock(SCENARIO));
    let issued = app
        .post(
            "/card-api/v1/auth/token",
            r#"{"app_key":"app-1","app_secret":"secret-1"}"#,
        )
        .await;
    assert_eq!(issued.status, 200);
    let body = trace_matches(&issued);
    assert_json_snapshot!("opcard_auth_token", body);
    let token = body["data"]["token"].as_str().expect("token").to_owned();
    let detail = format!("/card-api/v1/cards/{CARD}/detail");
    let get = |token: String| {
        let app = &app;
        let detail = detail.clone();
        async move {
            let request = Request::get(detail)
                .header("authorization", token)
                .body(Body::empty())
                .expect("request");
            app.send(request).await
        }
    };
    assert_eq!(get(token.clone()).await.json()["code"], "200");
    assert_eq!(
        get(format!("Bearer {token}")).await.json()["code"],
        "200",
        "a Bearer prefix is accepted"
    );
    advance(&app, 7201).await;
    let expired = get(token).await;
    assert_eq!(expired.status, 401);
    assert_json_snapshot!("opcard_token_expired", expired.json());
    assert_eq!(
        get("static-token".to_owned()).await.json()["code"],
        "200",
        "static tokens never expire"
    );
}

/// With no fault rule anywhere, issuing a token and calling with it each lock the world
/// once: the operation (the fault decision reads an atomic count of rules, and the
/// journal takes the time the operation saw). A tenant rule, even one that matches
/// nothing, or a global rule brings the fault decision's lock back; removing them takes
/// it away again. The journal's time is still the tenant clock's.
#[tokio::test]
async fn token_requests_lock_their_world_once_without_fault_rules() {
    let app = TestApp::from_yaml(SCENARIO);
    let issued = app
        .post(
            "/card-api/v1/auth/token",
            r#"{"app_key":"app-1","app_secret":"secret-1"}"#,
        )
        .await;
    assert_eq!(issued.status, 200, "{}", issued.text());
    assert_eq!(issued.world_locks, Some(1));
    let token = issued.json()["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let detail = || async {
        let request = Request::get(format!("/card-api/v1/cards/{CARD}/detail"))
            .header("authorization", token.as_str())
            .body(Body::empty())
            .expect("request");
        let answer = app.send(request).await;
        assert_eq!(answer.json()["code"], "200", "{}", answer.text());
        answer.world_locks
    };
    assert_eq!(detail().await, Some(1));

    let rule = json!({"id": "elsewhere", "tenant": "default", "match": {"path": "/nowhere/*"},
                      "action": {"type": "malformed"}});
    let added = app.post("/_sandbox/faults", &rule.to_string()).await;
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(
        detail().await,
        Some(2),
        "a tenant rule is decided under the lock"
    );
    let removed = app
        .delete("/_sandbox/faults/elsewhere?tenant=default")
        .await;
    assert!(removed.status.is_success(), "{}", removed.text());
    assert_eq!(
        detail().await,
        Some(1),
        "no rule left: no lock for the decision"
    );

    let global = json!({"id": "global", "match": {"path": "/nowhere/*"},
                        "action": {"type": "malformed"}});
    let added = app.post("/_sandbox/faults", &global.to_string()).await;
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(
        detail().await,
        Some(2),
        "global rules are decided under the lock"
    );
    assert!(
        app.delete("/_sandbox/faults/global")
            .await
            .status
            .is_success()
    );
    assert_eq!(detail().await, Some(1));

    app.advance(3_600).await;
    assert_eq!(detail().await, Some(1));
    let clock = app.get("/_sandbox/tenants/default/clock").await.json();
    let journal = app.get("/_sandbox/tenants/default/requests").await.json();
    let last = journal["requests"]
        .as_array()
        .and_then(|r| r.first())
        .expect("a journal record, newest first")
        .clone();
    assert_eq!(last["path"], format!("/card-api/v1/cards/{CARD}/detail"));
    assert_eq!(last["at"], clock["now"], "{last} {clock}");
}

#[tokio::test]
async fn auth_failures_answer_401_in_the_envelope() {
    let app = TestApp::from_yaml(SCENARIO);
    let cases = [
        ("wrong_secret", r#"{"app_key":"app-1","app_secret":"nope"}"#),
        (
            "unknown_app_key",
            r#"{"app_key":"app-9","app_secret":"secret-1"}"#,
        ),
        ("missing_app_secret", r#"{"app_key":"app-1"}"#),
    ];
    for (name, body) in cases {
        let answer = app.post("/card-api/v1/auth/token", body).await;
        assert_eq!(
            answer.status,
            if name == "missing_app_secret" {
                200
            } else {
                401
            },
            "{name}"
        );
        assert_json_snapshot!(format!("opcard_auth_error_{name}"), trace_matches(&answer));
    }
    let no_header = app.post("/card-api/v1/balance/change/records", "{}").await;
    assert_eq!(no_header.status, 401);
    assert_json_snapshot!("opcard_missing_authorization", no_header.json());
    let unknown = call(
        &app,
        "who-knows",
        "/card-api/v1/balance/change/records",
        json!({}),
    )
    .await;
    assert_eq!(unknown.status, 401);
    assert_json_snapshot!("opcard_unknown_token", unknown.json());
}

#[tokio::test]
async fn cards_create_and_detail() {
    let app = TestApp::from_yaml(SCENARIO);
    let created = ok(
        &app,
        "/card-api/v1/cards/create",
        json!({"card_name": "Ads", "card_desc": "ads team", "card_validity_time": "202805", "program_value": "06",
               "card_holder_id": "1814356660259814571",
               "risk_list": [{"trade_risk_name": "allowed_countries", "trade_risk_value": "US,CN"}]}),
    )
    .await;
    assert_json_snapshot!("opcard_cards_create", created);
    let request = Request::get(format!("/card-api/v1/cards/{CARD}/detail"))
        .header("authorization", "static-token")
        .body(Body::empty())
        .expect("request");
    assert_json_snapshot!("opcard_card_detail", app.send(request).await.json());
    let cases = [
        (
            "missing_name",
            json!({"card_validity_time": "202805", "program_value": 6}),
        ),
        (
            "bad_validity",
            json!({"card_name": "x", "card_validity_time": "2028-05", "program_value": 6}),
        ),
        (
            "past_validity",
            json!({"card_name": "x", "card_validity_time": "202501", "program_value": 6}),
        ),
        (
            "unknown_program",
            json!({"card_name": "x", "card_validity_time": "202805", "program_value": 9}),
        ),
        (
            "bad_risk_list",
            json!({"card_name": "x", "card_validity_time": "202805", "program_value": 6, "risk_list": [1]}),
        ),
    ];
    for (name, body) in cases {
        assert_json_snapshot!(
            format!("opcard_cards_create_error_{name}"),
            ok(&app, "/card-api/v1/cards/create", body).await
        );
    }
    let request = Request::get("/card-api/v1/cards/42/detail")
        .header("authorization", "static-token")
        .body(Body::empty())
        .expect("request");
    assert_json_snapshot!("opcard_card_detail_unknown", app.send(request).await.json());
}

#[tokio::test]
async fn loads_confirm_on_the_clock_and_cross_currencies_with_a_forex_pair() {
    let yaml = SCENARIO.replace("opcard:\n", "opcard:\n  load_confirm_seconds: 30\n");
    let app = TestApp::from_yaml(&yaml);
    let load = ok(
        &app,
        "/card-api/v1/load/create",
        json!({"accounting_currency": "USD", "bill_currency": "EUR", "program_value": 6, "accounting_amount": 100}),
    )
    .await;
    assert_json_snapshot!("opcard_load_create_forex", load);
    let before = all_records(&app, json!({}), 100, true).await.len();
    advance(&app, 30).await;
    let after = all_records(&app, json!({}), 100, false).await;
    assert_eq!(
        after.len(),
        before + 3,
        "20, 24 and 25 appear on confirmation"
    );
    assert_json_snapshot!("opcard_load_forex_records", &after[..3]);
    // The JSON snapshot re-reads numbers; the raw text pins the exact wire digits.
    let raw = call(
        &app,
        "static-token",
        "/card-api/v1/balance/change/records",
        json!({"cursor": "", "limit": 3, "fund_type_list": ["24", "25"]}),
    )
    .await;
    insta::assert_snapshot!("opcard_load_forex_records_raw", raw.text());
    let same = ok(
        &app,
        "/card-api/v1/load/create",
        json!({"accounting_currency": "EUR", "bill_currency": "EUR", "program_value": "15", "accounting_amount": "50.5"}),
    )
    .await;
    assert_json_snapshot!("opcard_load_create", same);
    let cases = [
        (
            "unknown_program",
            json!({"accounting_currency": "USD", "bill_currency": "USD", "program_value": 99, "accounting_amount": 1}),
        ),
        (
            "amount_not_a_number",
            json!({"accounting_currency": "USD", "bill_currency": "USD", "program_value": 6, "accounting_amount": "lots"}),
        ),
        (
            "negative_amount",
            json!({"accounting_currency": "USD", "bill_currency": "USD", "program_value": 6, "accounting_amount": -5}),
        ),
        (
            "too_precise",
            json!({"accounting_currency": "USD", "bill_currency": "USD", "program_value": 6, "accounting_amount": 1.005}),
        ),
        (
            "unknown_currency",
            json!({"accounting_currency": "XXX", "bill_currency": "USD", "program_value": 6, "accounting_amount": 1}),
        ),
        (
            "missing_program",
            json!({"accounting_currency": "USD", "bill_currency": "USD", "accounting_amount": 1}),
        ),
    ];
    for (name, body) in cases {
        assert_json_snapshot!(
            format!("opcard_load_error_{name}"),
            ok(&app, "/card-api/v1/load/create", body).await
        );
    }
}

#[tokio::test]
async fn release_and_payout_never_take_an_account_below_zero() {
    let app = TestApp::from_yaml(SCENARIO);
    let release = ok(
        &app,
        "/card-api/v1/load/release",
        json!({"program_value": 6, "currency": "USD", "amount": 250.25}),
    )
    .await;
    assert_json_snapshot!("opcard_load_release", release);
    let payout = ok(
        &app,
        "/card-api/v1/payouts/create",
        json!({"program_value": 6, "currency": "EUR", "amount": 120}),
    )
    .await;
    assert_json_snapshot!("opcard_payouts_create", payout);
    let cases = [
        (
            "/card-api/v1/load/release",
            "release_insufficient",
            json!({"program_value": 6, "currency": "USD", "amount": 5000}),
        ),
        (
            "/card-api/v1/payouts/create",
            "payout_insufficient",
            json!({"program_value": 6, "currency": "EUR", "amount": 80.01}),
        ),
        (
            "/card-api/v1/payouts/create",
            "payout_no_account",
            json!({"program_value": 15, "currency": "USD", "amount": 1}),
        ),
    ];
    for (path, name, body) in cases {
        assert_json_snapshot!(format!("opcard_{name}"), ok(&app, path, body).await);
    }
    let list = ok(
        &app,
        "/card-api/v1/payouts/list",
        json!({"cursor": "", "limit": 10}),
    )
    .await;
    assert_json_snapshot!("opcard_payouts_list", list);
    let filtered = ok(
        &app,
        "/card-api/v1/payouts/list",
        json!({"cursor": "", "currency": "USD", "program_value": 6}),
    )
    .await;
    assert_eq!(filtered["data"]["data"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn card_spend_is_billed_at_the_month_boundary_and_may_go_negative() {
    let app = TestApp::from_yaml(SCENARIO);
    let spend = simulate(
        &app,
        "card-spend",
        json!({"card_id": CARD, "amount": "1500.50", "currency": "USD", "merchant": "HILTON"}),
    )
    .await;
    assert_json_snapshot!("opcard_simulate_card_spend", spend);
    simulate(
        &app,
        "card-refund",
        json!({"card_id": CARD.to_string(), "amount": 100, "currency": "USD"}),
    )
    .await;
    simulate(
        &app,
        "card-spend",
        json!({"card_id": TRAVEL_CARD, "amount": "20"}),
    )
    .await;
    let before = all_records(&app, json!({"fund_type_list": ["21", "22"]}), 10, true).await;
    assert!(before.is_empty(), "nothing is billed before the month ends");
    // 2026-03-10T04:00Z is 12:00 GMT+8; April starts 21 days and 12 hours later.
    advance(&app, 21 * 86_400 + 12 * 3600).await;
    let bills = all_records(&app, json!({"fund_type_list": [21, "22"]}), 10, true).await;
    assert_json_snapshot!("opcard_monthly_bills", bills);
    let usd_bill = bills
        .iter()
        .find(|r| r["fund_type"] == 21 && r["moving_account_currency"] == "USD")
        .expect("a USD bill");
    assert_eq!(usd_bill["moving_account_Time"], "2026-04-01T00:00:00+08:00");
    let unknown = app
        .post(
            "/_sandbox/tenants/default/simulate/opcard/card-spend",
            &json!({"card_id": 7, "amount": 1}).to_string(),
        )
        .await;
    assert_eq!(unknown.status, 404);
    assert_json_snapshot!("opcard_simulate_unknown_card", unknown.json());
    let no_account = app
        .post(
            "/_sandbox/tenants/default/simulate/opcard/card-spend",
            &json!({"card_id": TRAVEL_CARD, "amount": 1, "currency": "USD"}).to_string(),
        )
        .await;
    assert_eq!(no_account.status, 400);
    assert_json_snapshot!("opcard_simulate_no_account", no_account.json());
}

#[tokio::test]
async fn raw_text_keeps_rates_amounts_and_big_ids_exact() {
    let app = TestApp::from_yaml(SCENARIO);
    let answer = call(
        &app,
        "static-token",
        "/card-api/v1/balance/change/records",
        json!({"cursor": "", "limit": 5}),
    )
    .await;
    let text = answer.text();
    assert!(
        text.contains("\"card_exchange_rate\":1.0000000000"),
        "{text}"
    );
    assert!(
        text.contains("\"bill_amount\":1000,") || text.contains("\"bill_amount\":200,"),
        "{text}"
    );
    let request = Request::get(format!("/card-api/v1/cards/{CARD}/detail"))
        .header("authorization", "static-token")
        .body(Body::empty())
        .expect("request");
    let detail = app.send(request).await.text();
    assert!(
        detail.contains("\"card_id\":1955930998425718784,"),
        "{detail}"
    );
    assert!(
        detail.contains("\"card_holder_id\":1814356660259814571,"),
        "{detail}"
    );
    let request = Request::get(format!("/card-api/v1/cards/{TRAVEL_CARD}/detail"))
        .header("authorization", "static-token")
        .body(Body::empty())
        .expect("request");
    let travel = app.send(request).await.text();
    assert!(
        travel.contains("\"card_id\":1955930998425718785,"),
        "{travel}"
    );
    // A double cannot hold this id (it would read back as ...784): the text is exact.
    assert_ne!(TRAVEL_CARD as f64 as u64, TRAVEL_CARD);
}

#[tokio::test]
async fn bad_input_answers_in_the_envelope() {
    let app = TestApp::from_yaml(SCENARIO);
    let unknown = call(&app, "static-token", "/card-api/v1/nothing", json!({})).await;
    assert_eq!(unknown.status, 404);
    assert_json_snapshot!("opcard_unknown_route", unknown.json());
    let wrong = app.get("/card-api/v1/load/create").await;
    assert_eq!(wrong.status, 405);
    assert_json_snapshot!("opcard_wrong_method", wrong.json());
    let malformed = Request::post("/card-api/v1/load/create")
        .header("authorization", "static-token")
        .body(Body::from("{\"program_value\": "))
        .expect("request");
    let malformed = app.send(malformed).await;
    assert_eq!(malformed.status, 200);
    assert_json_snapshot!("opcard_malformed_json", malformed.json());
    let huge = Request::post("/card-api/v1/load/create")
        .header("authorization", "static-token")
        .body(Body::from(format!(
            "{{\"x\":\"{}\"}}",
            "y".repeat(1024 * 1024 + 1)
        )))
        .expect("request");
    let huge = app.send(huge).await;
    assert_eq!(huge.status, 413);
    assert_json_snapshot!("opcard_body_too_large", huge.json());
}

#[tokio::test]
async fn credentials_and_inventory_let_a_test_start_at_once() {
    let app = TestApp::from_yaml(SCENARIO);
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    assert_json_snapshot!("opcard_credentials", tenant["credentials"]["opcard"]);
    assert_json_snapshot!("opcard_inventory", tenant["inventory"]["opcard"]);
}

#[tokio::test]
async fn the_default_scenario_has_every_fund_type_over_six_months() {
    let app = TestApp::embedded();
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    assert_eq!(tenant["inventory"]["opcard"]["programs"], json!([5, 6, 15]));
    assert!(
        tenant["inventory"]["opcard"]["cards"]
            .as_array()
            .map_or(0, Vec::len)
            >= 4
    );
    let rows =
        super::all_records_with(&app, "opc_sandbox_static_token", json!({}), 100, true).await;
    assert!(rows.len() >= 150, "only {} records", rows.len());
    let funds: std::collections::BTreeSet<i64> = rows
        .iter()
        .filter_map(|r| r["fund_type"].as_i64())
        .collect();
    assert_eq!(
        funds.into_iter().collect::<Vec<_>>(),
        [20, 21, 22, 23, 24, 25, 28]
    );
    let currencies: std::collections::BTreeSet<(i64, &str)> = rows
        .iter()
        .filter_map(|r| {
            Some((
                r["program_value"].as_i64()?,
                r["moving_account_currency"].as_str()?,
            ))
        })
        .collect();
    for program in [5, 6, 15] {
        for currency in ["USD", "EUR"] {
            assert!(
                currencies.contains(&(program, currency)),
                "program {program} {currency}"
            );
        }
    }
    let first = rows
        .first()
        .and_then(|r| r["moving_account_Time"].as_str())
        .unwrap_or_default()
        .to_owned();
    let last = rows
        .last()
        .and_then(|r| r["moving_account_Time"].as_str())
        .unwrap_or_default()
        .to_owned();
    let days = |t: &str| {
        card_sandbox::clock::Timestamp::parse_rfc3339(t)
            .expect("time")
            .as_secs()
            / 86_400
    };
    assert!(
        days(&last) - days(&first) >= 150,
        "history spans {first} to {last}"
    );
}

#[tokio::test]
async fn a_load_in_a_currency_without_a_card_account_is_refused_like_a_release() {
    let app = TestApp::from_yaml(SCENARIO);
    let before = all_records(&app, json!({}), 100, false).await.len();
    for body in [
        json!({"accounting_currency": "GBP", "bill_currency": "GBP", "program_value": 6, "accounting_amount": 10}),
        json!({"accounting_currency": "USD", "bill_currency": "GBP", "program_value": 6, "accounting_amount": 10}),
        json!({"accounting_currency": "GBP", "bill_currency": "USD", "program_value": 6, "accounting_amount": 10}),
    ] {
        let load = ok(&app, "/card-api/v1/load/create", body.clone()).await;
        assert_eq!(load["code"], "40400", "{body}: {load}");
    }
    let release = ok(
        &app,
        "/card-api/v1/load/release",
        json!({"program_value": 6, "currency": "GBP", "amount": 1}),
    )
    .await;
    assert_eq!(release["code"], "40400", "{release}");
    advance(&app, 60).await;
    assert_eq!(all_records(&app, json!({}), 100, false).await.len(), before);
    let export = app.export_state("default").await;
    assert!(!export.contains("opcard:account:6:GBP"), "no GBP account");
}

#[tokio::test]
async fn a_records_printed_time_finds_it_again_at_either_edge_of_a_window() {
    let app = TestApp::from_yaml(SCENARIO);
    let moved = app
        .post(
            "/_sandbox/tenants/default/clock",
            r#"{"advance_seconds": 1.25}"#,
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    ok(
        &app,
        "/card-api/v1/load/release",
        json!({"program_value": 6, "currency": "USD", "amount": 1}),
    )
    .await;
    let rows = all_records(&app, json!({"fund_type_list": [23]}), 100, false).await;
    let row = rows.last().expect("the release's record").clone();
    let time = row["moving_account_Time"]
        .as_str()
        .expect("a time")
        .to_owned();
    for filter in [
        json!({"from_changed_at": time, "to_changed_at": time}),
        json!({"from_changed_at": time}),
        json!({"to_changed_at": time}),
    ] {
        let mut filter = filter;
        filter["fund_type_list"] = json!([23]);
        let found = all_records(&app, filter.clone(), 100, false).await;
        assert!(found.contains(&row), "{filter} finds {row}: {found:?}");
    }
}
