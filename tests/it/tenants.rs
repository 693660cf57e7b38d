//! Tenants through the admin API: isolation, determinism, export round trips, and the
//! scheduler firing due events as the clock moves.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TEST_SCENARIO, TestApp};

#[tokio::test]
async fn same_seed_and_scenario_give_identical_worlds() {
    let first = TestApp::new();
    let second = TestApp::new();
    assert_eq!(
        first.export_state("default").await,
        second.export_state("default").await
    );
    for app in [&first, &second] {
        app.post(
            "/_sandbox/tenants",
            r#"{"id":"a","scenario":"test","seed":99}"#,
        )
        .await;
    }
    assert_eq!(
        first.export_state("a").await,
        second.export_state("a").await
    );
    assert_ne!(
        first.export_state("a").await,
        first.export_state("default").await,
        "another seed draws other history"
    );
}

#[tokio::test]
async fn a_change_in_one_tenant_is_invisible_in_another() {
    let app = TestApp::new();
    for id in ["left", "right"] {
        let created = app
            .post(
                "/_sandbox/tenants",
                &json!({"id": id, "scenario": "test"}).to_string(),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED);
    }
    let right_before = app.export_state("right").await;
    let right_clock = app.get("/_sandbox/tenants/right/clock").await.json();
    let changed = app
        .post(
            "/_sandbox/tenants/left/clock",
            r#"{"advance_seconds": 7200}"#,
        )
        .await
        .json();
    assert_eq!(changed["events_fired"], 1, "left's hold expired");
    assert_ne!(app.export_state("left").await, right_before);
    assert_eq!(app.export_state("right").await, right_before);
    assert_eq!(
        app.get("/_sandbox/tenants/right/clock").await.json(),
        right_clock
    );
    app.delete("/_sandbox/tenants/left").await;
    assert_eq!(app.export_state("right").await, right_before);
}

#[tokio::test]
async fn export_then_create_from_export_gives_equal_state() {
    let app = TestApp::new();
    // Move the world on first, so the export carries a fired event and a pending one.
    app.post(
        "/_sandbox/tenants/default/clock",
        r#"{"advance_seconds": 1800}"#,
    )
    .await;
    let exported = app.get("/_sandbox/tenants/default/export").await.text();
    let created = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": "copy", "scenario": exported}).to_string(),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["scenario"], "inline");
    assert_eq!(
        app.export_state("copy").await,
        app.export_state("default").await
    );
    // Both go on identically: the pending hold expiry fires in each.
    for id in ["default", "copy"] {
        let moved = app
            .post(
                &format!("/_sandbox/tenants/{id}/clock"),
                r#"{"advance_seconds": 3600}"#,
            )
            .await
            .json();
        assert_eq!(moved["events_fired"], 1, "{id}");
    }
    assert_eq!(
        app.export_state("copy").await,
        app.export_state("default").await
    );
    let invariants = app.get("/_sandbox/tenants/copy/invariants").await.json();
    assert_eq!(invariants["ok"], true);
}

#[tokio::test]
async fn reset_of_a_tenant_made_from_an_export_returns_to_the_export() {
    let app = TestApp::new();
    let exported = app.get("/_sandbox/tenants/default/export").await.text();
    app.post(
        "/_sandbox/tenants",
        &json!({"id": "copy", "scenario": exported}).to_string(),
    )
    .await;
    let initial = app.export_state("copy").await;
    app.post(
        "/_sandbox/tenants/copy/clock",
        r#"{"advance_seconds": 99999}"#,
    )
    .await;
    app.post("/_sandbox/tenants/copy/reset", "").await;
    assert_eq!(app.export_state("copy").await, initial);
}

#[tokio::test]
async fn the_embedded_default_scenario_builds_a_valid_world() {
    let app = TestApp::embedded();
    let tenant = app.get("/_sandbox/tenants/default").await.json();
    assert_eq!(tenant["scenario"], "default");
    assert_eq!(tenant["seed"], 20_260_101);
    assert_eq!(tenant["clock"]["mode"], "running");
    let invariants = app.get("/_sandbox/tenants/default/invariants").await.json();
    assert_eq!(invariants["ok"], true, "{invariants}");
    let export = app.get("/_sandbox/tenants/default/export").await.text();
    assert!(export.contains("kind: card_spend"), "activity ran");
    assert!(export.contains("state: active"), "the hold is placed");
}

#[tokio::test]
async fn the_test_scenario_text_is_what_the_test_app_loads() {
    // Guards the harness: the scenario named `test` is the TEST_SCENARIO constant.
    let app = TestApp::new();
    let via_name = app
        .post("/_sandbox/tenants", r#"{"id":"named","scenario":"test"}"#)
        .await;
    let via_text = app
        .post(
            "/_sandbox/tenants",
            &json!({"id": "text", "scenario": TEST_SCENARIO}).to_string(),
        )
        .await;
    assert_eq!(via_name.status, StatusCode::CREATED);
    assert_eq!(via_text.status, StatusCode::CREATED);
    assert_eq!(
        app.export_state("named").await,
        app.export_state("text").await
    );
}

/// The third tenant of a scenario and seed is a copy of the kept template (the first
/// build is remembered, the second kept; `src/tenant/templates.rs`): its export is the
/// first tenant's, which was built from the scenario, and so is every answer after.
#[tokio::test]
async fn a_tenant_copied_from_a_template_is_the_world_a_fresh_build_gives() {
    let app = TestApp::embedded();
    for scenario in ["ci-minimal", "onboarding", "chaos"] {
        let mut exports = Vec::new();
        for n in 1..=3 {
            let id = format!("{scenario}-{n}");
            let created = app
                .post(
                    "/_sandbox/tenants",
                    &json!({"id": id, "scenario": scenario, "seed": 7}).to_string(),
                )
                .await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
            exports.push(app.export_state(&id).await);
        }
        assert_eq!(
            exports[0], exports[2],
            "{scenario}: the copy exports as built"
        );
        assert_eq!(exports[0], exports[1], "{scenario}");
        // A copy is its own world: a change to it leaves the others (and the template
        // the next copy comes from) as they were.
        let moved = app
            .post(
                &format!("/_sandbox/tenants/{scenario}-3/clock"),
                r#"{"advance_seconds": 86400}"#,
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
        assert_ne!(app.export_state(&format!("{scenario}-3")).await, exports[0]);
        let id = format!("{scenario}-4");
        app.post(
            "/_sandbox/tenants",
            &json!({"id": id, "scenario": scenario, "seed": 7}).to_string(),
        )
        .await;
        assert_eq!(app.export_state(&id).await, exports[0], "{scenario}");
    }
}

/// A scenario whose clock starts at the wall clock: tenants created within a second of
/// each other share the start instant, so a copy holds the same history as the build.
#[tokio::test]
async fn tenants_of_a_wall_clock_scenario_created_together_share_their_start() {
    let app = TestApp::embedded();
    let mut starts = Vec::new();
    for n in 1..=3 {
        let id = format!("wall-{n}");
        let created = app
            .post(
                "/_sandbox/tenants",
                &json!({"id": id, "scenario": "default"}).to_string(),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let freeze = app
            .post(
                &format!("/_sandbox/tenants/{id}/clock"),
                r#"{"freeze_at": "now"}"#,
            )
            .await;
        assert_eq!(freeze.status, StatusCode::OK, "{}", freeze.text());
        starts.push(app.export_state(&id).await);
    }
    let history = |export: &str| -> String {
        export
            .lines()
            .filter(|l| !l.contains("now") && !l.contains("start"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(history(&starts[0]), history(&starts[2]));
}

/// A running clock from a fixed start reads that start when its tenant is created,
/// whether the world was built for it or copied from a template built a while ago.
#[tokio::test]
async fn a_copied_tenant_with_a_running_clock_starts_where_the_scenario_says() {
    let app = TestApp::from_yaml(
        "version: 1\nclock:\n  start: \"2026-01-15T12:00:00Z\"\n  mode: running\n",
    );
    for n in 1..=2 {
        let body = json!({"id": format!("run-{n}"), "scenario": "test", "seed": 3});
        let created = app.post("/_sandbox/tenants", &body.to_string()).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    }
    // Long enough that a copy still carrying the template's clock would show it.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let body = json!({"id": "run-3", "scenario": "test", "seed": 3});
    let created = app.post("/_sandbox/tenants", &body.to_string()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let clock = app.get("/_sandbox/tenants/run-3/clock").await.json();
    let now = clock["now"]
        .as_str()
        .expect("the clock's reading")
        .to_owned();
    assert!(
        now.as_str() < "2026-01-15T12:00:01",
        "the copy's clock reads {now}, not the scenario's start"
    );
    assert_eq!(clock["mode"], "running", "{clock}");
}
