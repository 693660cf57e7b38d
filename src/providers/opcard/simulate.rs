//! Simulations: card spend and refunds the card network reports, driven through
//! `POST /_sandbox/tenants/{t}/simulate/opcard/{event}`. Spend is not a balance change
//! by itself: it is billed to the card's program account (in the spend's currency) as
//! a fund_type 21 debit, and refunds as a 22 credit, when the tenant clock crosses the
//! month boundary.
//!
//! - `card-spend` `{card_id, amount, currency?, merchant?}`;
//! - `card-refund` `{card_id, amount, currency?, merchant?}`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::OpError;
use super::ops;
use super::wire;
use crate::tenant::World;

/// The simulations this provider offers.
pub const EVENTS: [&str; 2] = ["card-spend", "card-refund"];

#[derive(Debug, Serialize)]
pub struct Simulated {
    pub card_id: u64,
    pub kind: &'static str,
    pub amount: String,
    pub currency: String,
    pub merchant: String,
    pub time: String,
    /// When the monthly bill that takes this in falls due.
    pub billed_at: String,
}

/// Runs simulation `event`; `None` when there is no such simulation.
pub fn run(
    world: &mut World,
    event: &str,
    body: &Map<String, Value>,
) -> Option<Result<Simulated, OpError>> {
    let refund = match event {
        "card-spend" => false,
        "card-refund" => true,
        _ => return None,
    };
    Some(spend(world, body, refund))
}

fn spend(world: &mut World, body: &Map<String, Value>, refund: bool) -> Result<Simulated, OpError> {
    let card_id =
        wire::opt_id(body, "card_id")?.ok_or_else(|| OpError::param("card_id is required"))?;
    let amount = wire::req_amount(body, "amount")?;
    let card = world
        .opcard
        .card_index(card_id)
        .ok_or_else(|| super::query::card_not_found(card_id))?;
    let currency = match wire::opt_currency(body, "currency")? {
        Some(c) => c,
        None => {
            let program = &world.opcard.programs[world.opcard.cards[card].program];
            *program
                .accounts
                .keys()
                .next()
                .ok_or_else(|| OpError::param("the card's program has no card account"))?
        }
    };
    let merchant = wire::opt_str(body, "merchant")?
        .unwrap_or("SANDBOX MERCHANT")
        .to_owned();
    let index = ops::card_spend(world, card_id, amount, currency, &merchant, refund)?;
    let s = &world.opcard.spends[index];
    Ok(Simulated {
        card_id,
        kind: if refund { "refund" } else { "spend" },
        amount: s.amount.normalize().to_string(),
        currency: s.currency.code().to_owned(),
        merchant: s.merchant.clone(),
        time: wire::time(s.time),
        billed_at: wire::time(ops::next_month_start(s.time)),
    })
}
