//! Reading a fault rule from a JSON body (`POST /_sandbox/faults`) so that every
//! refusal names the full key path of the wrong field and what it accepts.
//!
//! serde reads `action` as an internally tagged enum: it buffers the object, so a wrong
//! nested field (`action.status`, `action.fixed_ms`, ...) came out as `action` alone or
//! as "expected internally tagged enum Action". Here `action.type` is read first and the
//! rest of `action` as that type's own struct, so each field keeps its path.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::rule::{Action, FaultRule, Latency, RuleError};

const TYPES: &str = "latency, error, rate_limit, reset, empty, malformed, slow_body, hang";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorFields {
    status: u16,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitFields {
    #[serde(default = "one")]
    retry_after_s: u64,
}

fn one() -> u64 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlowBodyFields {
    bytes_per_sec: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoFields {}

/// A rule from a JSON object, refusing a wrong field with its full key path. The
/// checks serde's types cannot make are [`FaultRule::validate`]'s.
pub fn rule_from_json(mut body: Map<String, Value>) -> Result<FaultRule, RuleError> {
    let action = body.remove("action");
    body.insert("action".to_owned(), serde_json::json!({"type": "hang"}));
    let mut rule: FaultRule = read("", Value::Object(body))?;
    rule.action = match action {
        Some(action) => action_from_json(action)?,
        None => return Err(required("action")),
    };
    Ok(rule)
}

fn action_from_json(action: Value) -> Result<Action, RuleError> {
    let Value::Object(mut fields) = action else {
        return Err(error(
            "action",
            format!("expected {}, got {}", accepts("action"), kind(&action)),
        ));
    };
    let kind_name = match fields.remove("type") {
        None => return Err(required("action.type")),
        Some(Value::String(t)) => t,
        Some(other) => {
            return Err(error(
                "action.type",
                format!("expected one of {TYPES}, got {}", kind(&other)),
            ));
        }
    };
    let rest = Value::Object(fields);
    Ok(match kind_name.as_str() {
        "latency" => Action::Latency(read::<Latency>("action", rest)?),
        "error" => {
            let e: ErrorFields = read("action", rest)?;
            Action::Error {
                status: e.status,
                code: e.code,
                message: e.message,
                headers: e.headers,
            }
        }
        "rate_limit" => Action::RateLimit {
            retry_after_s: read::<RateLimitFields>("action", rest)?.retry_after_s,
        },
        "slow_body" => Action::SlowBody {
            bytes_per_sec: read::<SlowBodyFields>("action", rest)?.bytes_per_sec,
        },
        "reset" | "empty" | "malformed" | "hang" => {
            read::<NoFields>("action", rest).map_err(|e| RuleError {
                message: format!("a {kind_name} action takes no field but type"),
                ..e
            })?;
            match kind_name.as_str() {
                "reset" => Action::Reset,
                "empty" => Action::Empty,
                "malformed" => Action::Malformed,
                _ => Action::Hang,
            }
        }
        other => {
            return Err(error(
                "action.type",
                format!("expected one of {TYPES}, got {other:?}"),
            ));
        }
    })
}

/// Deserializes `value`, the object at `prefix`, naming a wrong field by its full path.
fn read<T: DeserializeOwned>(prefix: &str, value: Value) -> Result<T, RuleError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let path = join(prefix, if inner == "." { "" } else { &inner });
        let message = e.into_inner().to_string();
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            return required(&join(&path, field));
        }
        let got = message
            .strip_prefix("invalid type: ")
            .or_else(|| message.strip_prefix("invalid value: "))
            .and_then(|m| m.split_once(", expected "))
            .map(|(got, _)| got.to_owned());
        match got {
            Some(got) => error(&path, format!("expected {}, got {got}", accepts(&path))),
            None => error(&path, message),
        }
    })
}

fn join(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty()) {
        (true, _) => field.to_owned(),
        (_, true) => prefix.to_owned(),
        _ => format!("{prefix}.{field}"),
    }
}

fn required(path: &str) -> RuleError {
    error(path, format!("is required: {}", accepts(path)))
}

fn error(path: &str, message: String) -> RuleError {
    RuleError {
        field: path.to_owned(),
        message,
    }
}

/// What the field at `path` accepts, in words.
fn accepts(path: &str) -> String {
    let whole = "a whole number, 0 or more";
    let text = match path {
        "id" => "a string of 1 to 64 letters, digits, '-', '_', '.' or ':'",
        "tenant" => "a tenant id (a string)",
        "match" => "an object with any of provider, method, path, headers",
        "match.provider" => "one of interlace, opcard, hypercard",
        "match.method" => "an HTTP method such as \"POST\"",
        "match.path" => "a path glob starting with '/' or '*'",
        "match.headers" | "action.headers" => "an object of header names to string values",
        "probability" => "a number from 0 to 1",
        "first_n" | "after_n" | "times" | "action.retry_after_s" => whole,
        "every_nth" | "action.bytes_per_sec" => "a whole number, 1 or more",
        "action" => return format!("an object whose type is one of {TYPES}"),
        "action.type" => return format!("one of {TYPES}"),
        "action.fixed_ms" | "action.cap_ms" | "action.uniform.min_ms" | "action.uniform.max_ms" => {
            "milliseconds, a whole number, 0 or more"
        }
        "action.uniform" => "an object {min_ms, max_ms}",
        "action.lognormal" => "an object {median_ms, sigma}",
        "action.lognormal.median_ms" => "milliseconds, a number above 0",
        "action.lognormal.sigma" => "a number from 0 to 10",
        "action.status" => "an HTTP error status, a whole number from 400 to 599",
        "action.code" | "action.message" => "a string",
        p if p.starts_with("match.headers.") || p.starts_with("action.headers.") => "a string",
        _ => "a value of the right type",
    };
    text.to_owned()
}

fn kind(value: &Value) -> String {
    match value {
        Value::String(s) => format!("string {s:?}"),
        Value::Number(n) => format!("number {n}"),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Null => "null".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
