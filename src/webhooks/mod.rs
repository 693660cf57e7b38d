//! Webhooks: a tenant's configuration (`config.rs`: a callback URL per provider), the
//! data of deliveries and attempts (`delivery.rs`), its outbox with the retry
//! bookkeeping on the tenant clock (`outbox.rs`), and the worker that sends due
//! attempts (`worker.rs`).
//!
//! Providers emit events through [`WebhookState::emit`] from their operations and say
//! how an attempt looks on the wire (their face's `webhook_request`: gathered under the
//! tenant lock, signed after it); the worker sends due attempts outside every lock and
//! records what happened in the outbox.

mod config;
mod delivery;
mod outbox;
mod worker;

pub use config::{Endpoint, Misbehaviour, WebhookConfig};
pub use delivery::{Attempt, Delivery, Mischief, Outbound, Policy, Status};
pub use outbox::WebhookState;
pub use worker::{deliver_due, spawn_worker};

/// Pending deliveries a tenant keeps at most unless its configuration says otherwise.
pub const DEFAULT_QUEUE_LIMIT: usize = 1000;

/// The most bytes of a receiver's answer kept in the journal.
pub const RESPONSE_KEPT: usize = 4096;

#[cfg(test)]
mod tests;
