//! The `transfers` generator: random transfers between plain ledger accounts, shrunk to
//! what the payer has.

use rust_decimal::Decimal;

use super::{Action, Step, moment};
use crate::clock::Timestamp;
use crate::ledger::EntryDraft;
use crate::scenario::schema::TransfersActivity;
use crate::tenant::World;

pub(super) fn draw_transfers(
    world: &mut World,
    generator: usize,
    spec: &TransfersActivity,
    start: Timestamp,
    steps: &mut Vec<Step>,
) {
    let scale = world
        .ledger
        .account_by_key(&spec.from[0])
        .map(|a| a.currency.scale())
        .unwrap_or(2);
    for draw in 0..spec.count as usize {
        let time = moment(world, start, spec.days);
        let from = world.rng.pick(&spec.from).cloned().unwrap_or_default();
        let to = world.rng.pick(&spec.to).cloned().unwrap_or_default();
        let amount = world.rng.decimal_between(spec.min.0, spec.max.0, scale);
        steps.push(Step {
            time,
            generator,
            draw,
            action: Action::Transfer {
                from,
                to,
                amount,
                kind: spec.kind.clone(),
            },
        });
    }
}

/// Posts one generated transfer, shrinking it to what the payer has; false when it was
/// skipped (same account on both sides, or the payer has nothing).
pub(super) fn transfer(
    world: &mut World,
    from: &str,
    to: &str,
    amount: Decimal,
    kind: &str,
) -> bool {
    let (Ok(from), Ok(to)) = (
        world.ledger.account_by_key(from),
        world.ledger.account_by_key(to),
    ) else {
        return false;
    };
    if from.id == to.id {
        return false;
    }
    let (from_id, to_id, allow_negative) = (from.id, to.id, from.allow_negative);
    let available = world
        .ledger
        .balance(from_id)
        .map(|b| b.available)
        .unwrap_or_default();
    let amount = if allow_negative {
        amount
    } else {
        amount.min(available)
    };
    if amount <= Decimal::ZERO {
        return false;
    }
    let now = world.now();
    world
        .ledger
        .post(EntryDraft::transfer(
            now,
            kind.to_owned(),
            from_id,
            to_id,
            amount,
        ))
        .is_ok()
}
