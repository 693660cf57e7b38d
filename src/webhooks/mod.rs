//! Webhooks: a tenant's configuration (a callback URL per provider), its outbox of
//! deliveries with every attempt, and the retry bookkeeping on the tenant clock.
//!
//! Providers emit events through [`WebhookState::emit`] from their operations and say
//! how an attempt looks on the wire (`providers::webhook_request`); the worker
//! (`worker.rs`) sends due attempts outside every lock and records what happened here.

mod worker;

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::clock::Timestamp;
use crate::faults::Latency;
use crate::file_links::FileLinks;
use crate::ids::IdGen;
use crate::providers::Provider;

pub use worker::spawn_worker;

/// Pending deliveries a tenant keeps at most unless its configuration says otherwise.
pub const DEFAULT_QUEUE_LIMIT: usize = 1000;

/// Finished deliveries (delivered, failed, dropped) a tenant keeps for its journal.
const FINISHED_KEPT: usize = 1000;

/// The most bytes of a receiver's answer kept in the journal.
pub const RESPONSE_KEPT: usize = 4096;

/// A tenant's webhook configuration, as `PUT /_sandbox/tenants/{t}/webhooks/config` and
/// a scenario's `webhooks:` spell it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlace: Option<Endpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypercard: Option<Endpoint>,
    /// Pending deliveries kept at most; events beyond it are dropped and journaled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_limit: Option<usize>,
    /// Seeded ways to misbehave on purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misbehaviour: Option<Misbehaviour>,
}

/// Delivery misbehaviour, every knob optional; decisions come from the tenant's webhook
/// stream, so a run is reproducible.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Misbehaviour {
    /// Chance that an event is queued twice (two deliveries, one event id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
    /// Events wait this long on the tenant clock, and due ones go out in a seeded
    /// shuffled order instead of oldest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reorder_window_ms: Option<u64>,
    /// A real delay before each attempt, drawn like a fault rule's latency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Latency>,
    /// The first N attempts of each delivery are "lost": not sent, counted as failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_first_attempts: Option<u32>,
    /// Chance that an attempt carries a corrupted signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_signature: Option<f64>,
}

impl Misbehaviour {
    fn validate(&self) -> Result<(), (String, String)> {
        for (name, p) in [
            ("duplicate", self.duplicate),
            ("fail_signature", self.fail_signature),
        ] {
            if let Some(p) = p
                && !(0.0..=1.0).contains(&p)
            {
                return Err((
                    format!("misbehaviour.{name}"),
                    format!("must be between 0 and 1, got {p}"),
                ));
            }
        }
        if let Some(delay) = &self.delay {
            delay.validate().map_err(|e| {
                (
                    e.field.replacen("action", "misbehaviour.delay", 1),
                    e.message,
                )
            })?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub url: String,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Dropped => "dropped",
        }
    }
}

impl WebhookConfig {
    /// Checks the URLs and options; the error names the field.
    pub fn validate(&self) -> Result<(), (String, String)> {
        for (name, endpoint) in [
            ("interlace", &self.interlace),
            ("hypercard", &self.hypercard),
        ] {
            let Some(endpoint) = endpoint else { continue };
            let field = format!("{name}.url");
            let url = reqwest::Url::parse(&endpoint.url).map_err(|e| {
                (
                    field.clone(),
                    format!("{:?} is not a URL: {e}", endpoint.url),
                )
            })?;
            match url.scheme() {
                "http" => {}
                "https" => {
                    return Err((
                        field,
                        "https callbacks are not supported by this build (no TLS client); the sandbox runs next to your app, so use an http:// URL".to_owned(),
                    ));
                }
                other => {
                    return Err((field, format!("the scheme must be http, got {other:?}")));
                }
            }
            if url.host().is_none() {
                return Err((field, "the URL needs a host".to_owned()));
            }
        }
        if self.queue_limit == Some(0) {
            return Err((
                "queue_limit".to_owned(),
                "must be at least 1, got 0".to_owned(),
            ));
        }
        if let Some(misbehaviour) = &self.misbehaviour {
            misbehaviour.validate()?;
        }
        Ok(())
    }

    /// Sends each provider that has no URL yet to `url` (`--webhook-url`).
    pub fn fill_missing_urls(&mut self, url: &str) {
        for endpoint in [&mut self.interlace, &mut self.hypercard] {
            endpoint.get_or_insert_with(|| Endpoint {
                url: url.to_owned(),
            });
        }
    }

    pub fn url(&self, provider: Provider) -> Option<&str> {
        match provider {
            Provider::Interlace => self.interlace.as_ref(),
            Provider::Hypercard => self.hypercard.as_ref(),
            Provider::Opcard => None,
        }
        .map(|e| e.url.as_str())
    }
}

/// How a provider delivers: its retry delays (each after the previous attempt), how long
/// a receiver may take, and when it gives up counting from the first attempt.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub retry_delays_s: &'static [i64],
    pub timeout: Duration,
    pub give_up_after_s: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for its next attempt.
    Pending,
    Delivered,
    /// Every retry failed.
    Failed,
    /// Never sent: the queue was full.
    Dropped,
}

/// One event on its way to a receiver.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub provider: Provider,
    /// `eventType` (Interlace) or `notify_type` (HyperCard).
    pub event: String,
    /// The provider's event id (Interlace's body `id`).
    pub event_id: String,
    /// The object the event carries, as the provider's wire shows it.
    pub payload: Value,
    pub created_at: Timestamp,
    pub status: Status,
    pub attempts: Vec<Attempt>,
    pub next_attempt_at: Option<Timestamp>,
    pub error: Option<String>,
    /// The delivery this one duplicates (misbehaviour `duplicate`).
    pub duplicate_of: Option<String>,
    in_flight: bool,
    /// The first attempt of the current retry schedule (redelivery starts a new one).
    schedule_start: usize,
}

/// One try at delivering, as the journal shows it.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: Timestamp,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub response_status: Option<u16>,
    pub response_body: Option<String>,
    pub latency_ms: u64,
    /// The misbehaviour delay waited before sending.
    pub delayed_ms: u64,
    pub error: Option<String>,
    pub ok: bool,
}

/// How one attempt misbehaves.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Mischief {
    pub delay: Option<Duration>,
    pub lost: bool,
    pub bad_signature: bool,
}

/// What the worker sends for one attempt.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub delivery: String,
    pub provider: Provider,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// A tenant's configuration and outbox.
#[derive(Debug, Clone)]
pub struct WebhookState {
    pub config: WebhookConfig,
    /// How links to the tenant's provider files are written, for links inside
    /// notifications; set by the registry.
    pub files: FileLinks,
    deliveries: VecDeque<Delivery>,
    ids: IdGen,
    /// The stream misbehaviour decisions draw from (ChaCha stream 4).
    rng: ChaCha20Rng,
    next: u64,
    dirty: bool,
    dropped_total: std::collections::BTreeMap<Provider, u64>,
}

/// Offsets the webhook id stream from the tenant's own, so webhooks never shift ids.
const ID_STREAM_SALT: u64 = 0x5745_4248_4f4f_4b53;

impl WebhookState {
    pub fn new(seed: u64) -> Self {
        Self {
            config: WebhookConfig::default(),
            files: FileLinks::default(),
            deliveries: VecDeque::new(),
            ids: IdGen::new(seed ^ ID_STREAM_SALT),
            rng: {
                let mut rng = ChaCha20Rng::seed_from_u64(seed);
                rng.set_stream(4);
                rng
            },
            next: 0,
            dirty: false,
            dropped_total: std::collections::BTreeMap::new(),
        }
    }

    /// Whether the worker should look now: something was queued or redelivered since
    /// the last poke, or a pending attempt is due at `now`.
    pub fn poke(&mut self, now: Timestamp) -> bool {
        let dirty = std::mem::take(&mut self.dirty);
        dirty || self.next_due().is_some_and(|t| t <= now)
    }

    /// Whether events of `provider` go anywhere (emitters skip rendering otherwise).
    pub fn wants(&self, provider: Provider) -> bool {
        self.config.url(provider).is_some()
    }

    /// Queues an event for its provider's URL, due at once; drops it (journaled) when
    /// the queue is full. Does nothing when the provider has no URL.
    pub fn emit(&mut self, now: Timestamp, provider: Provider, event: &str, payload: Value) {
        if !self.wants(provider) {
            return;
        }
        let limit = self.config.queue_limit.unwrap_or(DEFAULT_QUEUE_LIMIT);
        let pending = self
            .deliveries
            .iter()
            .filter(|d| d.status == Status::Pending)
            .count();
        let misbehaviour = self.config.misbehaviour.clone().unwrap_or_default();
        let due = now.plus_millis(
            i64::try_from(misbehaviour.reorder_window_ms.unwrap_or(0)).unwrap_or(i64::MAX / 4),
        );
        let event_id = self.ids.uuid();
        let payloads = if misbehaviour
            .duplicate
            .is_some_and(|p| self.rng.random_bool(p))
        {
            vec![payload.clone(), payload]
        } else {
            vec![payload]
        };
        let mut original: Option<String> = None;
        for (copy, payload) in payloads.into_iter().enumerate() {
            let full = pending + copy >= limit;
            if full {
                *self.dropped_total.entry(provider).or_default() += 1;
            }
            self.next += 1;
            self.dirty = true;
            let id = format!("wh-{:06}", self.next);
            self.deliveries.push_back(Delivery {
                id: id.clone(),
                provider,
                event: event.to_owned(),
                event_id: event_id.clone(),
                payload,
                created_at: now,
                status: if full {
                    Status::Dropped
                } else {
                    Status::Pending
                },
                attempts: Vec::new(),
                next_attempt_at: (!full).then_some(due),
                error: full.then(|| format!("the queue was full ({limit} pending deliveries)")),
                duplicate_of: original.clone(),
                in_flight: false,
                schedule_start: 0,
            });
            original.get_or_insert(id);
        }
        self.trim();
    }

    /// How this attempt of `delivery` misbehaves: a real delay before it, whether it is
    /// lost, whether its signature is corrupted.
    pub fn misbehave(&mut self, delivery: &Delivery) -> Mischief {
        let Some(m) = self.config.misbehaviour.clone() else {
            return Mischief::default();
        };
        Mischief {
            delay: m
                .delay
                .as_ref()
                .map(|latency| crate::faults::sample(latency, &mut self.rng)),
            lost: m
                .drop_first_attempts
                .is_some_and(|n| delivery.attempts.len() < n as usize),
            bad_signature: m.fail_signature.is_some_and(|p| self.rng.random_bool(p)),
        }
    }

    /// The delivery due first (at or before `now`, not in flight), marked in flight.
    pub fn take_due(&mut self, now: Timestamp) -> Option<&Delivery> {
        let mut due: Vec<(Timestamp, usize)> = self
            .deliveries
            .iter()
            .enumerate()
            .filter(|(_, d)| d.status == Status::Pending && !d.in_flight)
            .filter_map(|(i, d)| d.next_attempt_at.filter(|t| *t <= now).map(|t| (t, i)))
            .collect();
        due.sort_unstable();
        let shuffled = self
            .config
            .misbehaviour
            .as_ref()
            .is_some_and(|m| m.reorder_window_ms.is_some());
        let pick = if shuffled && due.len() > 1 {
            self.rng.random_range(0..due.len())
        } else {
            0
        };
        let index = due.get(pick)?.1;
        let delivery = &mut self.deliveries[index];
        delivery.in_flight = true;
        Some(delivery)
    }

    /// A nonce or other hex from the webhook stream.
    pub fn hex(&mut self, len: usize) -> String {
        self.ids.hex(len)
    }

    /// Gives a delivery taken with `take_due` back without an attempt (it could not be
    /// rendered): it fails with `error`.
    pub fn abandon(&mut self, id: &str, error: String) {
        if let Some(d) = self.deliveries.iter_mut().find(|d| d.id == id) {
            d.in_flight = false;
            d.status = Status::Failed;
            d.next_attempt_at = None;
            d.error = Some(error);
        }
    }

    /// Records an attempt and schedules the next one (or ends the delivery).
    pub fn record(&mut self, id: &str, attempt: Attempt, policy: &Policy) {
        let Some(d) = self.deliveries.iter_mut().find(|d| d.id == id) else {
            return;
        };
        d.in_flight = false;
        let at = attempt.at;
        let ok = attempt.ok;
        d.attempts.push(attempt);
        if ok {
            d.status = Status::Delivered;
            d.next_attempt_at = None;
            d.error = None;
            return;
        }
        let failures = d.attempts.len() - d.schedule_start;
        let first = d.attempts[d.schedule_start].at;
        let next = policy
            .retry_delays_s
            .get(failures - 1)
            .map(|delay| at.plus_secs(*delay))
            // No retry is scheduled once the give-up window since the first attempt
            // has passed (one scheduled inside it still goes).
            .filter(|_| {
                policy
                    .give_up_after_s
                    .is_none_or(|limit| at.as_millis() - first.as_millis() < limit * 1000)
            });
        match next {
            Some(next) => d.next_attempt_at = Some(next),
            None => {
                d.status = Status::Failed;
                d.next_attempt_at = None;
                d.error = Some(format!("gave up after {} attempts", d.attempts.len()));
            }
        }
    }

    /// Sends a delivery again now, whatever its state; its retry schedule restarts.
    pub fn redeliver(&mut self, id: &str, now: Timestamp) -> Option<&Delivery> {
        let index = self.deliveries.iter().position(|d| d.id == id)?;
        self.dirty = true;
        let d = &mut self.deliveries[index];
        d.status = Status::Pending;
        d.next_attempt_at = Some(now);
        d.error = None;
        // A new schedule: the attempts before this point no longer count.
        d.schedule_start = d.attempts.len();
        Some(d)
    }

    /// Deliveries, newest first.
    pub fn deliveries(&self) -> impl Iterator<Item = &Delivery> {
        self.deliveries.iter().rev()
    }

    /// Adds this outbox to the metrics gauges.
    pub fn gauges(&self, gauges: &mut crate::metrics::WebhookGauges) {
        for d in &self.deliveries {
            *gauges
                .deliveries
                .entry((d.provider.name(), d.status.name()))
                .or_default() += 1;
        }
        for (provider, n) in &self.dropped_total {
            *gauges.dropped.entry(provider.name()).or_default() += n;
        }
    }

    /// When the next pending attempt is due, if any.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.deliveries
            .iter()
            .filter(|d| d.status == Status::Pending && !d.in_flight)
            .filter_map(|d| d.next_attempt_at)
            .min()
    }

    fn trim(&mut self) {
        let finished = self
            .deliveries
            .iter()
            .filter(|d| d.status != Status::Pending)
            .count();
        let mut excess = finished.saturating_sub(FINISHED_KEPT);
        self.deliveries.retain(|d| {
            if excess > 0 && d.status != Status::Pending {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }
}

#[cfg(test)]
mod tests;
