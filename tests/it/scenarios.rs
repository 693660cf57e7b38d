//! Scenario files: every shipped scenario loads into a valid world; bad scenarios fail
//! with the file, the key path and the reason.

use std::sync::Arc;

use card_sandbox::scenario::{self, build_world};
use card_sandbox::tenant::core_handlers;
use insta::assert_snapshot;

use crate::support::TEST_SCENARIO;

#[test]
fn every_shipped_scenario_loads_and_balances() {
    let mut seen = 0;
    for entry in std::fs::read_dir("scenarios").expect("the scenarios folder exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        seen += 1;
        let named = scenario::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let world = build_world(
            &named.name,
            &named.scenario,
            named.scenario.seed.unwrap_or(0),
            Arc::new(core_handlers()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for check in world.ledger.check_invariants() {
            assert!(
                check.ok,
                "{}: {}: {}",
                path.display(),
                check.name,
                check.detail
            );
        }
    }
    assert!(seen >= 1, "no scenario was checked");
}

#[test]
fn the_embedded_scenario_is_the_shipped_file() {
    let shipped = std::fs::read_to_string("scenarios/default.yaml").expect("shipped file");
    assert_eq!(scenario::DEFAULT_SCENARIO, shipped);
    for (name, text) in scenario::LIBRARY {
        let shipped = std::fs::read_to_string(format!("scenarios/{name}.yaml"))
            .unwrap_or_else(|e| panic!("scenarios/{name}.yaml: {e}"));
        assert_eq!(text, shipped, "{name}");
    }
}

#[test]
fn scenarios_round_trip_through_yaml() {
    let shipped = [
        ("test", TEST_SCENARIO),
        ("default", scenario::DEFAULT_SCENARIO),
    ];
    for (name, text) in shipped.into_iter().chain(scenario::LIBRARY) {
        let parsed = scenario::parse(name, text).expect("parses");
        let written = scenario::to_yaml(&parsed);
        let reparsed = scenario::parse(name, &written).expect("its own output parses");
        assert_eq!(reparsed, parsed, "{name}");
    }
}

/// Each bad scenario and the one line its error prints.
#[test]
fn scenario_errors_name_the_file_and_key_path() {
    let cases = [
        ("unknown top-level key", "version: 1\nsede: 4\n"),
        (
            "unknown nested key",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\n      balanse: \"1\"\n",
        ),
        ("missing version", "seed: 1\n"),
        ("wrong version", "version: 2\n"),
        ("wrong type", "version: 1\nseed: many\n"),
        ("bad time", "version: 1\nclock:\n  start: yesterday\n"),
        ("bad clock mode", "version: 1\nclock:\n  mode: paused\n"),
        (
            "unknown currency",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: XYZ\n",
        ),
        (
            "float amount",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\n      balance: 10.5\n",
        ),
        (
            "too precise",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: JPY\n      balance: \"10.5\"\n",
        ),
        (
            "negative balance",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\n      balance: \"-1\"\n",
        ),
        (
            "duplicate key",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\n    - key: a\n      currency: USD\n",
        ),
        (
            "reserved key",
            "version: 1\nledger:\n  accounts:\n    - key: \"opening:USD\"\n      currency: USD\n",
        ),
        (
            "hold on missing account",
            "version: 1\nledger:\n  holds:\n    - account: ghost\n      amount: \"1\"\n",
        ),
        (
            "hold too large",
            "version: 1\nclock:\n  start: \"2026-01-01T00:00:00Z\"\nledger:\n  accounts:\n    - key: a\n      currency: USD\n      balance: \"5\"\n  holds:\n    - account: a\n      amount: \"6\"\n",
        ),
        (
            "unknown generator",
            "version: 1\nactivity:\n  - refunds: {}\n",
        ),
        ("empty generator", "version: 1\nactivity:\n  - {}\n"),
        (
            "generator names missing account",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\nactivity:\n  - transfers:\n      from: [a]\n      to: [b]\n      count: 1\n      min: \"1\"\n      max: \"2\"\n",
        ),
        (
            "generator mixes currencies",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\n    - key: b\n      currency: EUR\nactivity:\n  - transfers:\n      from: [a]\n      to: [b]\n      count: 1\n      min: \"1\"\n      max: \"2\"\n",
        ),
        (
            "generator min above max",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\n    - key: b\n      currency: USD\nactivity:\n  - transfers:\n      from: [a]\n      to: [b]\n      count: 1\n      min: \"5\"\n      max: \"2\"\n",
        ),
        (
            "time scale zero",
            "version: 1\nclock:\n  mode: running\n  time_scale: 0\n",
        ),
        (
            "bad fault rule",
            "version: 1\nfaults:\n  - action: {type: slow_body, bytes_per_sec: 0}\n",
        ),
        (
            "unknown provider key",
            "version: 1\nhypercard:\n  merchant: []\n",
        ),
        (
            "card of unknown type",
            "version: 1\nhypercard:\n  cards:\n    - card_type_id: \"9\"\n",
        ),
        (
            "bad merchant key",
            "version: 1\nhypercard:\n  merchants:\n    - api_key: m\n      public_key_pem: nope\n",
        ),
        (
            "snapshot with ledger",
            "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\nsnapshot:\n  ids: {word_pos: \"0\", display_next: 1}\n  rng: {word_pos: \"0\"}\n",
        ),
        (
            "realism share out of range",
            "version: 1\nopcard: {}\nactivity:\n  - opcard:\n      count: 1\n      realism: {refund_rate: 1.5}\n",
        ),
        (
            "unknown realism knob",
            "version: 1\nopcard: {}\nactivity:\n  - opcard:\n      count: 1\n      realism: {declines: 0.1}\n",
        ),
        ("not yaml", "version: 1\nledger: {accounts: [\n"),
    ];
    let mut lines = Vec::new();
    for (name, text) in cases {
        let outcome = scenario::parse("bad.yaml", text).and_then(|parsed| {
            build_world("bad.yaml", &parsed, 0, Arc::new(core_handlers())).map(|_| ())
        });
        match outcome {
            Ok(()) => panic!("{name}: the scenario was accepted"),
            Err(e) => lines.push(format!("{name}: {e}")),
        }
    }
    assert_snapshot!("scenario_errors", lines.join("\n"));
}
