//! A tenant's outbox ([`WebhookState`]): queueing events (with the queue limit and
//! seeded duplicates and reordering), handing the worker due deliveries, recording each
//! attempt and scheduling retries on the tenant clock, redelivery, and the gauges.
//! Ids come from a salted stream and misbehaviour from ChaCha stream 4, so webhooks
//! never shift the tenant's own ids or data.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

use super::{Attempt, DEFAULT_QUEUE_LIMIT, Delivery, Mischief, Policy, Status, WebhookConfig};
use crate::clock::Timestamp;
use crate::file_links::FileLinks;
use crate::ids::IdGen;
use crate::providers::Provider;

/// Finished deliveries (delivered, failed, dropped) a tenant keeps for its journal.
const FINISHED_KEPT: usize = 1000;

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
