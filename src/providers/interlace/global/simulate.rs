//! Global-account simulations, under `POST /_sandbox/tenants/{t}/simulate/interlace/...`:
//!
//! - `deposit` `{businessAccountId, amount, counterparty?, reference?, outcome?}`: an
//!   inbound transaction; `outcome` is `closed` (default: REQUESTED, PENDING, CLOSED),
//!   `confirm` (through INBOUND_RELATIONSHIP_CONFIRM_REQUEST and _CONFIRM to CLOSED),
//!   `rejected`, `cancelled` or `unknown`;
//! - `transfer-outcome` `{transactionId, outcome: "failed"}`: a pending outbound
//!   transfer fails (PAYMENT_FAILED, then REFUNDING with amount and fee back);
//! - `legal-entity-status` `{id, status}`: forces a legal entity's status.

use serde_json::{Map, Value};

use super::ops;
use super::wire::{LegalEntityView, TransactionView};
use crate::providers::interlace::error::IlError;
use crate::providers::interlace::wire;
use crate::tenant::World;

pub const EVENTS: [&str; 3] = ["deposit", "transfer-outcome", "legal-entity-status"];

/// Runs a global-account simulation; `None` when `event` is not one.
pub fn run(
    world: &mut World,
    event: &str,
    body: &Map<String, Value>,
) -> Option<Result<Value, IlError>> {
    let result = match event {
        "deposit" => deposit(world, body),
        "transfer-outcome" => outcome(world, body),
        "legal-entity-status" => legal_entity(world, body),
        _ => return None,
    };
    Some(result)
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn deposit(world: &mut World, body: &Map<String, Value>) -> Result<Value, IlError> {
    let ba = wire::req_str(body, "businessAccountId")?;
    let amount = wire::req_amount(body, "amount")?;
    let counterparty = wire::opt_str(body, "counterparty")?.unwrap_or("SANDBOX REMITTER");
    let reference = wire::opt_str(body, "reference")?.unwrap_or_default();
    let outcome = wire::opt_str(body, "outcome")?.unwrap_or("closed");
    let index = ops::deposit(world, ba, amount, counterparty, reference, outcome)?;
    Ok(to_value(&TransactionView::of(
        world,
        &world.interlace.global.transactions[index],
    )))
}

fn outcome(world: &mut World, body: &Map<String, Value>) -> Result<Value, IlError> {
    let id = wire::req_str(body, "transactionId")?;
    match wire::req_str(body, "outcome")? {
        "failed" => {
            let index = ops::fail_transfer(world, id)?;
            Ok(to_value(&TransactionView::of(
                world,
                &world.interlace.global.transactions[index],
            )))
        }
        other => Err(IlError::param(format!(
            "outcome must be \"failed\", got {other:?}"
        ))),
    }
}

fn legal_entity(world: &mut World, body: &Map<String, Value>) -> Result<Value, IlError> {
    let id = wire::req_str(body, "id")?;
    let status = wire::req_str(body, "status")?;
    let index = ops::force_legal_entity_status(world, id, status)?;
    Ok(to_value(&LegalEntityView::of(
        world,
        &world.interlace.global.legal_entities[index],
    )))
}
