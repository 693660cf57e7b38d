//! Fault and latency injection: the rule sets (global ones in the registry, a tenant's
//! in its world), the seeded decision for one request, and the middleware that acts
//! on it (`inject`).
//!
//! Deciding is pure bookkeeping under the tenant lock (counters and one seeded RNG
//! stream per rule set); acting (sleeping, rendering an error, spoiling a body) happens
//! outside every lock.

mod inject;
mod parse;
mod rule;

use std::time::Duration;

use axum::http::HeaderMap;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

pub use inject::inject;
pub use parse::rule_from_json;
pub use rule::{Action, FaultRule, Latency, LogNormal, RuleError, RuleMatch, Uniform};

/// The ChaCha stream fault decisions draw from (ids use 1, generated data 2).
const FAULT_STREAM: u64 = 3;

/// A rule with its counters.
#[derive(Debug, Clone, Serialize)]
pub struct RuleState {
    #[serde(flatten)]
    pub rule: FaultRule,
    /// Requests the rule matched.
    pub matched: u64,
    /// Times it fired.
    pub fired: u64,
}

impl RuleState {
    pub fn id(&self) -> &str {
        self.rule.id.as_deref().unwrap_or_default()
    }
}

/// An ordered list of rules and the seeded stream their decisions draw from.
#[derive(Debug, Clone)]
pub struct FaultSet {
    rules: Vec<RuleState>,
    rng: ChaCha20Rng,
    next_id: u64,
}

impl FaultSet {
    pub fn new(seed: u64) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        rng.set_stream(FAULT_STREAM);
        Self {
            rules: Vec::new(),
            rng,
            next_id: 0,
        }
    }

    pub fn rules(&self) -> &[RuleState] {
        &self.rules
    }

    /// Adds a checked rule at the end, giving it an id when it has none.
    pub fn add(&mut self, mut rule: FaultRule) -> Result<&RuleState, RuleError> {
        rule.validate()?;
        let id = match rule.id.take() {
            Some(id) => {
                if self.rules.iter().any(|r| r.id() == id) {
                    return Err(RuleError {
                        field: "id".to_owned(),
                        message: format!(
                            "a rule {id:?} exists already here; delete it first or pick another id"
                        ),
                    });
                }
                id
            }
            None => loop {
                self.next_id += 1;
                let id = format!("fault-{}", self.next_id);
                if !self.rules.iter().any(|r| r.id() == id) {
                    break id;
                }
            },
        };
        rule.id = Some(id);
        self.rules.push(RuleState {
            rule,
            matched: 0,
            fired: 0,
        });
        Ok(self.rules.last().expect("just pushed"))
    }

    /// Removes the rule with this id; whether there was one.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id() != id);
        self.rules.len() != before
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The rules as a scenario lists them (without counters).
    pub fn export(&self) -> Vec<FaultRule> {
        self.rules.iter().map(|r| r.rule.clone()).collect()
    }
}

/// What the decision looks at.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    pub provider: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a HeaderMap,
}

/// What to do to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// The sum of every latency rule that fired.
    pub delay: Duration,
    /// The first non-latency rule that fired.
    pub action: Option<Action>,
    /// The id of the rule `action` comes from.
    pub action_id: Option<String>,
    /// Ids of the rules that fired, in order.
    pub fired: Vec<String>,
}

/// Decides for one request: `sets` in order (global rules, then the tenant's), each
/// drawing from the RNG of `rng_set` (the tenant's set when there is a tenant).
/// Once a non-latency rule fired, later non-latency rules are not looked at (their
/// counters do not move).
pub fn decide(sets: &mut [&mut FaultSet], rng_set: usize, facts: &RequestFacts<'_>) -> Decision {
    if sets.iter().all(|s| s.rules.is_empty()) {
        return Decision::default();
    }
    let mut rng = sets
        .get(rng_set)
        .map(|s| s.rng.clone())
        .unwrap_or_else(|| ChaCha20Rng::seed_from_u64(0));
    let mut decision = Decision::default();
    for set in sets.iter_mut() {
        for state in &mut set.rules {
            if decision.action.is_some() && !state.rule.action.is_latency() {
                continue;
            }
            if !matches(&state.rule.matcher, facts) {
                continue;
            }
            if !fires(state, &mut rng) {
                continue;
            }
            decision.fired.push(state.id().to_owned());
            match &state.rule.action {
                Action::Latency(latency) => decision.delay += sample(latency, &mut rng),
                other => {
                    decision.action = Some(other.clone());
                    decision.action_id = Some(state.id().to_owned());
                }
            }
        }
    }
    if let Some(set) = sets.get_mut(rng_set) {
        set.rng = rng;
    }
    decision
}

/// Counts the match and applies the selectors; the probability draw comes last so a
/// rule held back by its counters draws nothing.
fn fires(state: &mut RuleState, rng: &mut ChaCha20Rng) -> bool {
    state.matched += 1;
    let n = state.matched;
    let rule = &state.rule;
    let passes = rule.first_n.is_none_or(|first| n <= first)
        && rule.every_nth.is_none_or(|every| n.is_multiple_of(every))
        && rule.after_n.is_none_or(|after| n > after)
        && rule.times.is_none_or(|times| state.fired < times)
        && rule.probability.is_none_or(|p| rng.random_bool(p));
    if passes {
        state.fired += 1;
    }
    passes
}

fn matches(m: &RuleMatch, facts: &RequestFacts<'_>) -> bool {
    m.provider.as_deref().is_none_or(|p| p == facts.provider)
        && m.method
            .as_deref()
            .is_none_or(|method| method.eq_ignore_ascii_case(facts.method))
        && m.path.as_deref().is_none_or(|g| glob(g, facts.path))
        && m.headers.iter().all(|(name, value)| {
            facts
                .headers
                .get(name.as_str())
                .is_some_and(|v| v.as_bytes() == value.as_bytes())
        })
}

/// `*` matches any run of characters (slashes included); everything else literally.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// One draw of a latency distribution, capped by `cap_ms`.
pub fn sample(latency: &Latency, rng: &mut impl Rng) -> Duration {
    let ms = if let Some(fixed) = latency.fixed_ms {
        fixed as f64
    } else if let Some(u) = latency.uniform {
        rng.random_range(u.min_ms..=u.max_ms) as f64
    } else if let Some(l) = latency.lognormal {
        // The median of a log-normal is e^mu. The rule's parser keeps the median above 0
        // and sigma in 0..=10, so the distribution always exists.
        rand_distr::LogNormal::new(l.median_ms.ln(), l.sigma)
            .map_or(l.median_ms, |d| rand_distr::Distribution::sample(&d, rng))
    } else {
        0.0
    };
    let capped = latency.cap_ms.map_or(ms, |cap| ms.min(cap as f64));
    Duration::from_secs_f64(capped.clamp(0.0, 86_400_000.0) / 1000.0)
}

#[cfg(test)]
mod tests;
