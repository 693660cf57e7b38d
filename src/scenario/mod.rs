//! Scenarios: the YAML format (`schema`), parsing with errors that name the file and key
//! path, building a tenant's world from a scenario through ledger operations (`build`,
//! `activity`), and writing a world back as a scenario (`export`).
//!
//! The schema types never leave this module's boundary into the ledger: conversion goes
//! through ledger constructors, so a scenario that loads is a valid ledger.

pub(crate) mod activity;
mod build;
mod check;
mod error;
mod export;
pub mod schema;

pub use build::{build_world, build_world_at, resolve_start};
pub use error::ScenarioError;
pub use export::{export_scenario, to_yaml};
pub use schema::Scenario;

/// The scenario `card-sandbox` serves when given none, embedded in the binary.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.yaml");

/// The scenario library shipped beside the default (see `scenarios/README.md`), by
/// name; registered at startup so `POST /_sandbox/tenants` can name them.
pub const LIBRARY: [(&str, &str); 5] = [
    (
        "ci-minimal",
        include_str!("../../scenarios/ci-minimal.yaml"),
    ),
    ("demo", include_str!("../../scenarios/demo.yaml")),
    (
        "programme-in-trouble",
        include_str!("../../scenarios/programme-in-trouble.yaml"),
    ),
    (
        "onboarding",
        include_str!("../../scenarios/onboarding.yaml"),
    ),
    ("chaos", include_str!("../../scenarios/chaos.yaml")),
];

/// The library's scenarios, parsed.
pub fn library() -> Result<Vec<NamedScenario>, ScenarioError> {
    LIBRARY
        .iter()
        .map(|(name, text)| {
            Ok(NamedScenario {
                name: (*name).to_owned(),
                scenario: parse(&format!("{name}.yaml (embedded)"), text)?,
            })
        })
        .collect()
}

/// A parsed scenario with the name it is known by.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedScenario {
    /// `default` for the embedded one, the file stem for `--scenario` files, `inline`
    /// for scenarios sent in requests.
    pub name: String,
    pub scenario: Scenario,
}

/// Parses YAML text. `file` names the source in error messages.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let deserializer = yaml_serde::Deserializer::from_str(text);
    let scenario: Scenario = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let location = inner.location().map(|l| (l.line(), l.column()));
        let message = strip_path(&path, &strip_location(&inner.to_string()));
        ScenarioError {
            file: file.to_owned(),
            path,
            message,
            location,
        }
    })?;
    check::check_static(file, &scenario)?;
    Ok(scenario)
}

/// Reads and parses a scenario file.
pub fn load_file(path: &std::path::Path) -> Result<NamedScenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::new(&file, ".", format!("cannot read the file: {e}")))?;
    let scenario = parse(&file, &text)?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.clone());
    Ok(NamedScenario { name, scenario })
}

/// The YAML reader appends "at line L column C" to its messages; the location is
/// reported separately, so the message reads the same wherever the key is.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The YAML reader starts its messages with the path of the map it was reading (the
/// parent of an unknown key); the full path is reported separately, so drop it.
fn strip_path(path: &str, message: &str) -> String {
    if let Some((prefix, rest)) = message.split_once(": ") {
        let is_path_prefix = path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|tail| tail.starts_with('.') || tail.starts_with('['));
        if is_path_prefix {
            return rest.to_owned();
        }
    }
    message.to_owned()
}

/// One line describing a scenario, for `card-sandbox validate`.
pub fn summary(scenario: &Scenario) -> String {
    let mut parts = vec![format!("version 1, seed {}", scenario.seed.unwrap_or(0))];
    if let Some(snapshot) = &scenario.snapshot {
        parts.push(format!(
            "snapshot of {} accounts, {} entries, {} holds",
            snapshot.accounts.len(),
            snapshot.entries.len(),
            snapshot.holds.len()
        ));
    } else {
        parts.push(plural(scenario.ledger.accounts.len(), "ledger account"));
        parts.push(plural(scenario.ledger.holds.len(), "hold"));
        parts.push(plural(scenario.activity.len(), "activity generator"));
    }
    let providers: Vec<&str> = [
        ("interlace", scenario.interlace.is_some()),
        ("opcard", scenario.opcard.is_some()),
        ("hypercard", scenario.hypercard.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, present)| present.then_some(name))
    .collect();
    if !providers.is_empty() {
        parts.push(format!("providers: {}", providers.join(", ")));
    }
    parts.join(", ")
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
