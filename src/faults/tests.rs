//! Unit tests of rule checks, selectors, globs and latency distributions.

use axum::http::HeaderMap;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;

fn rule(json: serde_json::Value) -> FaultRule {
    serde_json::from_value(json).expect("the rule parses")
}

fn facts<'a>(path: &'a str, headers: &'a HeaderMap) -> RequestFacts<'a> {
    RequestFacts {
        provider: "hypercard",
        method: "POST",
        path,
        headers,
    }
}

/// Runs `n` requests through one set and says which fired.
fn run(set: &mut FaultSet, n: usize) -> Vec<bool> {
    let headers = HeaderMap::new();
    (0..n)
        .map(|_| {
            !decide(&mut [set], 0, &facts("/openapi/card/info", &headers))
                .fired
                .is_empty()
        })
        .collect()
}

fn set_with(json: serde_json::Value, seed: u64) -> FaultSet {
    let mut set = FaultSet::new(seed);
    set.add(rule(json)).expect("the rule is valid");
    set
}

#[test]
fn fixed_latency_is_exact() {
    let latency = Latency {
        fixed_ms: Some(250),
        ..Latency::default()
    };
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for _ in 0..100 {
        assert_eq!(sample(&latency, &mut rng), Duration::from_millis(250));
    }
}

#[test]
fn uniform_latency_stays_within_bounds_and_spreads() {
    let latency = Latency {
        uniform: Some(Uniform {
            min_ms: 50,
            max_ms: 150,
        }),
        ..Latency::default()
    };
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let draws: Vec<Duration> = (0..10_000).map(|_| sample(&latency, &mut rng)).collect();
    assert!(
        draws
            .iter()
            .all(|d| (Duration::from_millis(50)..=Duration::from_millis(150)).contains(d))
    );
    assert!(draws.iter().any(|d| *d < Duration::from_millis(60)));
    assert!(draws.iter().any(|d| *d > Duration::from_millis(140)));
}

#[test]
fn lognormal_median_is_within_five_percent_over_ten_thousand_draws() {
    let latency = Latency {
        lognormal: Some(LogNormal {
            median_ms: 120.0,
            sigma: 0.8,
        }),
        ..Latency::default()
    };
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let mut draws: Vec<f64> = (0..10_000)
        .map(|_| sample(&latency, &mut rng).as_secs_f64() * 1000.0)
        .collect();
    draws.sort_by(f64::total_cmp);
    let median = (draws[4_999] + draws[5_000]) / 2.0;
    assert!((median - 120.0).abs() <= 6.0, "median {median}");
    assert!(draws[9_900] > 400.0, "a heavy tail: p99 {}", draws[9_900]);
}

#[test]
fn cap_bounds_every_draw() {
    let latency = Latency {
        lognormal: Some(LogNormal {
            median_ms: 100.0,
            sigma: 2.0,
        }),
        cap_ms: Some(300),
        ..Latency::default()
    };
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let draws: Vec<Duration> = (0..2_000).map(|_| sample(&latency, &mut rng)).collect();
    assert!(draws.iter().all(|d| *d <= Duration::from_millis(300)));
    assert!(draws.contains(&Duration::from_millis(300)));
}

#[test]
fn probability_fires_near_its_rate_and_repeats_with_the_seed() {
    let json = serde_json::json!({"probability": 0.3, "action": {"type": "error", "status": 500}});
    let first = run(&mut set_with(json.clone(), 42), 10_000);
    let fired = first.iter().filter(|f| **f).count();
    assert!((2_850..=3_150).contains(&fired), "fired {fired} times");
    let second = run(&mut set_with(json.clone(), 42), 10_000);
    assert_eq!(first, second, "the same seed fires on the same requests");
    let other = run(&mut set_with(json, 43), 10_000);
    assert_ne!(first, other, "another seed fires elsewhere");
}

#[test]
fn counters_select_the_right_requests() {
    let pick = |json: serde_json::Value| -> Vec<usize> {
        run(&mut set_with(json, 1), 12)
            .iter()
            .enumerate()
            .filter(|(_, f)| **f)
            .map(|(i, _)| i + 1)
            .collect()
    };
    let action = serde_json::json!({"type": "rate_limit"});
    assert_eq!(
        pick(serde_json::json!({"first_n": 2, "action": action})),
        [1, 2]
    );
    assert_eq!(
        pick(serde_json::json!({"every_nth": 3, "action": action})),
        [3, 6, 9, 12]
    );
    assert_eq!(
        pick(serde_json::json!({"after_n": 10, "action": action})),
        [11, 12]
    );
    assert_eq!(
        pick(serde_json::json!({"after_n": 2, "times": 3, "action": action})),
        [3, 4, 5]
    );
    assert_eq!(pick(serde_json::json!({"action": action})).len(), 12);
}

#[test]
fn latencies_add_up_and_the_first_terminal_rule_wins() {
    let mut set = FaultSet::new(1);
    for json in [
        serde_json::json!({"id": "slow", "action": {"type": "latency", "fixed_ms": 100}}),
        serde_json::json!({"id": "boom", "action": {"type": "error", "status": 503}}),
        serde_json::json!({"id": "limit", "action": {"type": "rate_limit"}}),
        serde_json::json!({"id": "slower", "action": {"type": "latency", "fixed_ms": 50}}),
    ] {
        set.add(rule(json)).expect("valid");
    }
    let headers = HeaderMap::new();
    let decision = decide(&mut [&mut set], 0, &facts("/x", &headers));
    assert_eq!(decision.delay, Duration::from_millis(150));
    assert_eq!(decision.fired, ["slow", "boom", "slower"]);
    assert_eq!(decision.action_id.as_deref(), Some("boom"));
    assert_eq!(
        set.rules()[2].matched,
        0,
        "rules after the winner are not looked at"
    );
}

#[test]
fn matches_look_at_provider_method_path_and_headers() {
    let mut set = set_with(
        serde_json::json!({
            "match": {"provider": "hypercard", "method": "post", "path": "/openapi/card/*",
                      "headers": {"x-case": "one"}},
            "action": {"type": "error", "status": 500}
        }),
        1,
    );
    let mut headers = HeaderMap::new();
    let check = |set: &mut FaultSet, path: &str, headers: &HeaderMap| {
        !decide(&mut [set], 0, &facts(path, headers))
            .fired
            .is_empty()
    };
    assert!(
        !check(&mut set, "/openapi/card/info", &headers),
        "header missing"
    );
    headers.insert("x-case", "one".parse().expect("value"));
    assert!(check(&mut set, "/openapi/card/info", &headers));
    assert!(!check(&mut set, "/v2/openapi/card/info", &headers));
}

#[test]
fn globs_match_any_run_of_characters() {
    assert!(glob("/a/*", "/a/b/c"));
    assert!(glob("*/info", "/openapi/card/info"));
    assert!(glob("/a/*/c*", "/a/b/c"));
    assert!(glob("/exact", "/exact"));
    assert!(!glob("/exact", "/exact/no"));
    assert!(!glob("/a/*/d", "/a/b/c"));
    assert!(!glob("/ab*ba", "/aba"));
}

#[test]
fn bad_rules_name_the_wrong_field() {
    let field = |json: serde_json::Value| rule(json).validate().expect_err("refused").field;
    assert_eq!(
        field(serde_json::json!({"probability": 1.5, "action": {"type": "malformed"}})),
        "probability"
    );
    assert_eq!(
        field(serde_json::json!({"action": {"type": "error", "status": 200}})),
        "action.status"
    );
    assert_eq!(
        field(serde_json::json!({"action": {"type": "latency"}})),
        "action"
    );
    assert_eq!(
        field(
            serde_json::json!({"action": {"type": "latency", "uniform": {"min_ms": 9, "max_ms": 1}}})
        ),
        "action.uniform"
    );
    assert_eq!(
        field(
            serde_json::json!({"match": {"provider": "stripe"}, "action": {"type": "malformed"}})
        ),
        "match.provider"
    );
    assert_eq!(
        field(serde_json::json!({"every_nth": 0, "action": {"type": "malformed"}})),
        "every_nth"
    );
    assert_eq!(
        field(serde_json::json!({"action": {"type": "slow_body", "bytes_per_sec": 0}})),
        "action.bytes_per_sec"
    );
    assert_eq!(
        field(
            serde_json::json!({"action": {"type": "error", "status": 500, "headers": {"bad name": "x"}}})
        ),
        "action.headers"
    );
    assert!(
        rule(serde_json::json!({"action": {"type": "reset"}}))
            .validate()
            .is_ok()
    );
}

#[test]
fn generated_ids_skip_taken_ones_and_duplicates_are_refused() {
    let mut set = FaultSet::new(1);
    set.add(rule(
        serde_json::json!({"id": "fault-1", "action": {"type": "malformed"}}),
    ))
    .expect("valid");
    let generated = set
        .add(rule(serde_json::json!({"action": {"type": "malformed"}})))
        .expect("valid")
        .id()
        .to_owned();
    assert_eq!(generated, "fault-2");
    let dup = set.add(rule(
        serde_json::json!({"id": "fault-2", "action": {"type": "malformed"}}),
    ));
    assert_eq!(dup.expect_err("taken").field, "id");
    assert!(set.remove("fault-1"));
    assert!(!set.remove("fault-1"));
}
