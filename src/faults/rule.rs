//! What a fault rule is: its match, its selectors and its action, as the admin API and
//! a scenario's `faults:` section spell them, and the checks that refuse a bad rule
//! naming the field that is wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::providers::Provider;

/// One rule, as posted to `POST /_sandbox/faults` or listed in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Filled in when absent (`fault-1`, `fault-2`, ... per scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Only for `POST /_sandbox/faults`: the tenant the rule belongs to (absent: every
    /// tenant). A scenario's rules always belong to the tenant built from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, rename = "match", skip_serializing_if = "RuleMatch::is_empty")]
    pub matcher: RuleMatch,
    /// Fires with this chance (0..=1) once the other selectors let the request through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Only the first n matching requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_n: Option<u64>,
    /// Only every nth matching request (the nth, 2nth, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_nth: Option<u64>,
    /// Only after n matching requests have passed untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_n: Option<u64>,
    /// Fires at most this many times in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    pub action: Action,
}

/// Which requests a rule looks at; every part optional (absent matches everything).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// A glob over the path: `*` matches any run of characters, including `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Header name (any case) -> exact value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

impl RuleMatch {
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// What a rule does to a request it fires on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Waits before the answer; several latency rules add up.
    Latency(Latency),
    /// Answers `status` in the provider's error envelope; the operation does not happen.
    Error {
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        headers: BTreeMap<String, String>,
    },
    /// 429 with `Retry-After` in the provider's envelope; the operation does not happen.
    RateLimit {
        #[serde(default = "default_retry_after")]
        retry_after_s: u64,
    },
    /// Closes the connection with a TCP reset before any byte of the answer.
    Reset,
    /// Closes the connection without answering.
    Empty,
    /// Runs the request, then answers 200 with the first half of the JSON body.
    Malformed,
    /// Runs the request, then trickles the real body at this rate.
    SlowBody { bytes_per_sec: u64 },
    /// Never answers (until the client gives up or `--max-fault-delay` passes).
    Hang,
}

fn default_retry_after() -> u64 {
    1
}

impl Action {
    /// Latency adds up with other rules; every other action ends the decision.
    pub fn is_latency(&self) -> bool {
        matches!(self, Self::Latency(_))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Latency(_) => "latency",
            Self::Error { .. } => "error",
            Self::RateLimit { .. } => "rate_limit",
            Self::Reset => "reset",
            Self::Empty => "empty",
            Self::Malformed => "malformed",
            Self::SlowBody { .. } => "slow_body",
            Self::Hang => "hang",
        }
    }
}

/// A delay distribution: exactly one of `fixed_ms`, `uniform`, `lognormal`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniform: Option<Uniform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lognormal: Option<LogNormal>,
    /// No single draw is longer than this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uniform {
    pub min_ms: u64,
    pub max_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogNormal {
    pub median_ms: f64,
    pub sigma: f64,
}

/// A rule that cannot be used: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RuleError {
    pub field: String,
    pub message: String,
}

fn bad(field: &str, message: impl Into<String>) -> RuleError {
    RuleError {
        field: field.to_owned(),
        message: message.into(),
    }
}

impl FaultRule {
    /// A rule with this id and action for every provider request, no selectors.
    pub fn new(id: &str, action: Action) -> Self {
        Self {
            id: Some(id.to_owned()),
            tenant: None,
            matcher: RuleMatch::default(),
            probability: None,
            first_n: None,
            every_nth: None,
            after_n: None,
            times: None,
            action,
        }
    }

    /// Checks every field that serde's types do not already pin down.
    pub fn validate(&self) -> Result<(), RuleError> {
        if let Some(id) = &self.id {
            let ok = !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
            if !ok {
                return Err(bad(
                    "id",
                    format!("{id:?} must be 1 to 64 letters, digits, '-', '_', '.' or ':'"),
                ));
            }
        }
        if let Some(provider) = &self.matcher.provider
            && !Provider::ALL.iter().any(|p| p.name() == provider)
        {
            return Err(bad(
                "match.provider",
                format!("{provider:?} is not one of interlace, opcard, hypercard"),
            ));
        }
        if let Some(method) = &self.matcher.method
            && (method.is_empty() || !method.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return Err(bad(
                "match.method",
                format!("{method:?} is not an HTTP method"),
            ));
        }
        if let Some(path) = &self.matcher.path
            && !path.starts_with('/')
            && !path.starts_with('*')
        {
            return Err(bad(
                "match.path",
                format!("{path:?} must start with '/' or '*'"),
            ));
        }
        if let Some(p) = self.probability
            && !(0.0..=1.0).contains(&p)
        {
            return Err(bad(
                "probability",
                format!("must be between 0 and 1, got {p}"),
            ));
        }
        if self.every_nth == Some(0) {
            return Err(bad("every_nth", "must be at least 1, got 0"));
        }
        self.validate_action()
    }

    fn validate_action(&self) -> Result<(), RuleError> {
        match &self.action {
            Action::Latency(latency) => latency.validate(),
            Action::Error {
                status, headers, ..
            } => {
                if !(400..=599).contains(status) {
                    return Err(bad(
                        "action.status",
                        format!("must be an error status between 400 and 599, got {status}"),
                    ));
                }
                for (name, value) in headers {
                    if axum::http::HeaderName::try_from(name.as_str()).is_err() {
                        return Err(bad(
                            "action.headers",
                            format!("{name:?} is not a header name"),
                        ));
                    }
                    if axum::http::HeaderValue::try_from(value.as_str()).is_err() {
                        return Err(bad(
                            "action.headers",
                            format!("the value of {name:?} is not a header value"),
                        ));
                    }
                }
                Ok(())
            }
            Action::SlowBody { bytes_per_sec } if *bytes_per_sec == 0 => {
                Err(bad("action.bytes_per_sec", "must be at least 1, got 0"))
            }
            Action::RateLimit { .. }
            | Action::Malformed
            | Action::SlowBody { .. }
            | Action::Reset
            | Action::Empty
            | Action::Hang => Ok(()),
        }
    }
}

impl Latency {
    pub fn validate(&self) -> Result<(), RuleError> {
        let given = [
            self.fixed_ms.is_some(),
            self.uniform.is_some(),
            self.lognormal.is_some(),
        ]
        .iter()
        .filter(|g| **g)
        .count();
        if given != 1 {
            return Err(bad(
                "action",
                format!("a latency needs exactly one of fixed_ms, uniform, lognormal; got {given}"),
            ));
        }
        if let Some(u) = self.uniform
            && u.min_ms > u.max_ms
        {
            return Err(bad(
                "action.uniform",
                format!("min_ms {} is above max_ms {}", u.min_ms, u.max_ms),
            ));
        }
        if let Some(l) = self.lognormal {
            if !(l.median_ms.is_finite() && l.median_ms > 0.0) {
                return Err(bad(
                    "action.lognormal.median_ms",
                    format!("must be above 0, got {}", l.median_ms),
                ));
            }
            if !(l.sigma.is_finite() && l.sigma >= 0.0 && l.sigma <= 10.0) {
                return Err(bad(
                    "action.lognormal.sigma",
                    format!("must be between 0 and 10, got {}", l.sigma),
                ));
            }
        }
        Ok(())
    }
}
