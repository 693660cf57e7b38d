//! Simulations: what the card network does to a HyperCard card, driven through
//! `POST /_sandbox/tenants/{t}/simulate/hypercard/{event}`. Each runs the same
//! operation the generated history uses and answers the v3 record it wrote.
//!
//! - `consume` `{card_id, amount, currency?, mcc?, description?}`: a purchase; declined
//!   (recorded with status 2) when the card is frozen, cancelled or short of funds;
//! - `withdrawal` `{card_id, amount, currency?, description?}`: a cash withdrawal;
//! - `refund` `{tx_id, amount?, description?}`: refunds a consumption, partially or in full;
//! - `fee` `{tx_id, amount?}`: the product's handling fee for a consumption.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::HcError;
use super::ops;
use super::state::{Detail, RecordIdx};
use super::wire::{self, TxRecord};
use crate::money::Currency;
use crate::tenant::World;

/// The simulations this provider offers.
pub const EVENTS: [&str; 4] = ["consume", "withdrawal", "refund", "fee"];

#[derive(Debug, Serialize)]
pub struct Simulated {
    pub record: TxRecord,
    /// Why a consumption was declined; `null` when it went through.
    pub declined: Option<String>,
}

/// Runs simulation `event`; `None` when there is no such simulation.
pub fn run(
    world: &mut World,
    event: &str,
    body: &Map<String, Value>,
) -> Option<Result<Simulated, HcError>> {
    let result = match event {
        "consume" => consume(world, body),
        "withdrawal" => withdrawal(world, body),
        "refund" => refund(world, body),
        "fee" => fee(world, body),
        _ => return None,
    };
    Some(result.map(|index| {
        let record = &world.hypercard.records[index];
        let declined = match &record.detail {
            Detail::Consumption { decline_reason, .. } => decline_reason.clone(),
            _ => None,
        };
        Simulated {
            record: TxRecord::of(&world.hypercard, record),
            declined,
        }
    }))
}

/// Simulation amounts may be strings (`"12.50"`) or numbers.
fn amount(body: &Map<String, Value>, name: &str) -> Result<Option<Decimal>, HcError> {
    match body.get(name) {
        Some(Value::Number(n)) => n
            .to_string()
            .parse()
            .map(Some)
            .map_err(|_| HcError::param(format!("{name} must be a decimal amount"))),
        _ => wire::opt_amount(body, name),
    }
}

fn currency(world: &World, body: &Map<String, Value>, card_id: &str) -> Result<Currency, HcError> {
    match wire::opt_text(body, "currency", 20)? {
        Some(code) => Currency::parse(code)
            .map_err(|_| HcError::param(format!("currency {code:?} is not known"))),
        None => {
            let card = world
                .hypercard
                .card_by_id(card_id)
                .ok_or_else(|| HcError::card_not_found(card_id))?;
            Ok(world.hypercard.products[world.hypercard.cards[card].product].card_coin)
        }
    }
}

fn consume(world: &mut World, body: &Map<String, Value>) -> Result<RecordIdx, HcError> {
    let card_id = wire::req_id(body, "card_id", 20)?;
    let amount = amount(body, "amount")?.ok_or_else(|| HcError::param("amount is required"))?;
    let currency = currency(world, body, card_id)?;
    let mcc = wire::opt_text(body, "mcc", 8)?.unwrap_or("5999");
    let description = wire::opt_text(body, "description", 255)?.unwrap_or("SANDBOX PURCHASE");
    ops::consume(world, card_id, amount, currency, mcc, description)
}

fn withdrawal(world: &mut World, body: &Map<String, Value>) -> Result<RecordIdx, HcError> {
    let card_id = wire::req_id(body, "card_id", 20)?;
    let amount = amount(body, "amount")?.ok_or_else(|| HcError::param("amount is required"))?;
    let currency = currency(world, body, card_id)?;
    let description = wire::opt_text(body, "description", 255)?.unwrap_or("ATM WITHDRAWAL");
    ops::withdraw(world, card_id, amount, currency, description)
}

fn refund(world: &mut World, body: &Map<String, Value>) -> Result<RecordIdx, HcError> {
    let tx_id = wire::req_id(body, "tx_id", 32)?;
    let amount = amount(body, "amount")?;
    let description = wire::opt_text(body, "description", 255)?.unwrap_or("REFUND");
    ops::refund(world, tx_id, amount, description)
}

fn fee(world: &mut World, body: &Map<String, Value>) -> Result<RecordIdx, HcError> {
    let tx_id = wire::req_id(body, "tx_id", 32)?;
    let amount = amount(body, "amount")?;
    ops::fee(world, tx_id, amount)
}
