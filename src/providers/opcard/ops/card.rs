//! Cards: creation in a program, with seeded ids above 2^53 and a `YYYYMM` validity.

use super::*;
use crate::clock::Timestamp;
use crate::providers::opcard::error::{Code, OpError};
use crate::providers::opcard::state::{Card, CardIdx, RiskRule};
use crate::tenant::World;

/// Creates a card in a program.
#[allow(clippy::too_many_arguments)]
pub(crate) fn create_card(
    world: &mut World,
    program_value: u32,
    card_name: &str,
    card_desc: &str,
    validity: &str,
    card_holder_id: Option<u64>,
    risk_list: Vec<RiskRule>,
    card_id: Option<u64>,
) -> Result<CardIdx, OpError> {
    let program = program(world, program_value)?;
    let valid_until = validity_end(validity)?;
    if valid_until <= world.now() {
        return Err(OpError::param(format!(
            "card_validity_time {validity} is in the past"
        )));
    }
    let card_id = match card_id {
        Some(id) if world.opcard.card_index(id).is_some() => {
            return Err(OpError::new(
                Code::Conflict,
                format!("card {id} exists already"),
            ));
        }
        Some(id) => id,
        None => fresh_id(world),
    };
    let card_no = fresh_id(world);
    let card_holder_id = match card_holder_id {
        Some(id) => id,
        None => fresh_id(world),
    };
    let last4 = world.ids.numeric(4);
    let now = world.now();
    world.opcard.cards.push(Card {
        card_id,
        card_no,
        card_number: format!("527375 **** {last4}"),
        card_name: card_name.to_owned(),
        card_desc: card_desc.to_owned(),
        card_holder_id,
        program,
        valid_until,
        status: "Activate".to_owned(),
        risk_list,
        created_at: now,
    });
    Ok(CardIdx(world.opcard.cards.len() - 1))
}

/// A 19-digit id above 2^53, as OPCard's ids are.
fn fresh_id(world: &mut World) -> u64 {
    world.ids.numeric(19).parse::<u64>().unwrap_or(u64::MAX / 2) % 8_000_000_000_000_000_000
        + 1_000_000_000_000_000_000
}

/// The last instant of a `YYYYMM` month, GMT+8.
fn validity_end(validity: &str) -> Result<Timestamp, OpError> {
    let bad = || {
        OpError::param(format!(
            "card_validity_time must be YYYYMM, got {validity:?}"
        ))
    };
    if validity.len() != 6 || !validity.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = validity[..4].parse().map_err(|_| bad())?;
    let month: u8 = validity[4..].parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    Ok(month_start(y, m).plus_millis(-1))
}
