//! Unit tests of the outbox: queueing, the queue limit, retry schedules and redelivery.

use std::time::Duration;

use serde_json::Value;

use super::*;
use crate::clock::Timestamp;
use crate::providers::Provider;

const POLICY: Policy = Policy {
    retry_delays_s: &[10, 30],
    timeout: Duration::from_secs(5),
    give_up_after_s: None,
};

fn state(limit: Option<usize>) -> WebhookState {
    let mut state = WebhookState::new(1);
    state.config = WebhookConfig {
        endpoints: [(
            Provider::Interlace,
            Endpoint {
                url: "http://127.0.0.1:9/hook".to_owned(),
            },
        )]
        .into(),
        queue_limit: limit,
        ..WebhookConfig::default()
    };
    state
}

fn attempt(at: Timestamp, ok: bool) -> Attempt {
    Attempt {
        at,
        url: String::new(),
        request_headers: Vec::new(),
        request_body: String::new(),
        response_status: Some(if ok { 200 } else { 500 }),
        response_body: None,
        latency_ms: 0,
        delayed_ms: 0,
        error: None,
        ok,
    }
}

fn t(secs: i64) -> Timestamp {
    Timestamp::from_secs(1_800_000_000 + secs)
}

#[test]
fn events_without_a_url_go_nowhere() {
    let mut state = WebhookState::new(1);
    state.emit(t(0), Provider::Interlace, "X", Value::Null);
    assert_eq!(state.deliveries().count(), 0);
    assert!(!state.poke(t(0)));
}

#[test]
fn failures_follow_the_schedule_until_it_runs_out() {
    let mut state = state(None);
    state.emit(t(0), Provider::Interlace, "X", Value::Null);
    assert!(state.poke(t(0)));
    let id = state.take_due(t(0)).expect("due at once").id.clone();
    assert!(state.take_due(t(0)).is_none(), "in flight");
    state.record(&id, attempt(t(0), false), &POLICY);
    assert!(state.take_due(t(9)).is_none());
    assert_eq!(state.next_due(), Some(t(10)));
    state.take_due(t(10)).expect("the first retry");
    state.record(&id, attempt(t(10), false), &POLICY);
    assert_eq!(state.next_due(), Some(t(40)));
    state.take_due(t(40)).expect("the second retry");
    state.record(&id, attempt(t(40), false), &POLICY);
    let d = state.deliveries().next().expect("one");
    assert_eq!(d.status, Status::Failed);
    assert_eq!(d.attempts.len(), 3);
    assert_eq!(d.error.as_deref(), Some("gave up after 3 attempts"));
    state.redeliver(&id, t(100)).expect("known");
    state.take_due(t(100)).expect("redelivered now");
    state.record(&id, attempt(t(100), false), &POLICY);
    assert_eq!(state.next_due(), Some(t(110)), "a fresh schedule");
}

#[test]
fn success_stops_retries() {
    let mut state = state(None);
    state.emit(t(0), Provider::Interlace, "X", Value::Null);
    let id = state.take_due(t(0)).expect("due").id.clone();
    state.record(&id, attempt(t(0), true), &POLICY);
    assert_eq!(
        state.deliveries().next().map(|d| d.status),
        Some(Status::Delivered)
    );
    assert_eq!(state.next_due(), None);
}

#[test]
fn give_up_counts_from_the_first_attempt() {
    let policy = Policy {
        retry_delays_s: &[60, 60, 60],
        timeout: Duration::from_secs(5),
        give_up_after_s: Some(100),
    };
    let mut state = state(None);
    state.emit(t(0), Provider::Interlace, "X", Value::Null);
    let id = state.take_due(t(0)).expect("due").id.clone();
    state.record(&id, attempt(t(0), false), &policy);
    state.take_due(t(60)).expect("within the window");
    state.record(&id, attempt(t(60), false), &policy);
    state
        .take_due(t(120))
        .expect("scheduled while within the window");
    state.record(&id, attempt(t(120), false), &policy);
    assert_eq!(
        state.deliveries().next().map(|d| d.status),
        Some(Status::Failed)
    );
}

#[test]
fn a_full_queue_drops_and_journals() {
    let mut state = state(Some(2));
    for _ in 0..3 {
        state.emit(t(0), Provider::Interlace, "X", Value::Null);
    }
    let mut gauges = crate::metrics::WebhookGauges::default();
    state.gauges(&mut gauges);
    assert_eq!(gauges.dropped.get("interlace"), Some(&1));
    assert_eq!(gauges.deliveries.get(&("interlace", "pending")), Some(&2));
    let newest = state.deliveries().next().expect("three");
    assert_eq!(newest.status, Status::Dropped);
    assert_eq!(
        newest.error.as_deref(),
        Some("the queue was full (2 pending deliveries)")
    );
}

#[test]
fn bad_configurations_name_the_field() {
    let config = |json: serde_json::Value| -> WebhookConfig {
        serde_json::from_value(json).expect("parses")
    };
    let field = |c: WebhookConfig| c.validate().expect_err("refused").0;
    assert_eq!(
        field(config(serde_json::json!({"interlace": {"url": "nope"}}))),
        "interlace.url"
    );
    assert_eq!(
        field(config(
            serde_json::json!({"hypercard": {"url": "https://x.test/h"}})
        )),
        "hypercard.url"
    );
    assert_eq!(
        field(config(serde_json::json!({"queue_limit": 0}))),
        "queue_limit"
    );
    assert_eq!(
        field(config(
            serde_json::json!({"misbehaviour": {"duplicate": 1.5}})
        )),
        "misbehaviour.duplicate"
    );
    assert_eq!(
        field(config(
            serde_json::json!({"misbehaviour": {"delay": {"uniform": {"min_ms": 5, "max_ms": 1}}}})
        )),
        "misbehaviour.delay.uniform"
    );
    assert!(
        config(serde_json::json!({"interlace": {"url": "http://127.0.0.1:8/h"}}))
            .validate()
            .is_ok()
    );
}
