//! The outbox's data: a provider's delivery [`Policy`], a [`Delivery`] with its
//! [`Attempt`]s and [`Status`], and what one attempt sends ([`Outbound`]) and how it
//! misbehaves ([`Mischief`]).

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::clock::Timestamp;
use crate::providers::Provider;

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
    pub(super) in_flight: bool,
    /// The first attempt of the current retry schedule (redelivery starts a new one).
    pub(super) schedule_start: usize,
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
