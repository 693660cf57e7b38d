//! Activity generators: history written before `clock.start` through the same ledger
//! operations the API uses, with the clock standing on each generated moment.
//!
//! Every draw comes from the tenant's seeded data RNG, in a fixed order (all of one
//! generator's draws, then the next generator's), so a seed gives the same history.

use rust_decimal::Decimal;

use super::schema::{Activity, Generator, TransfersActivity};
use crate::clock::Timestamp;
use crate::ledger::EntryDraft;
use crate::tenant::World;

/// The longest history a generator may write, in days.
pub(crate) const MAX_DAYS: u32 = 3660;
/// The most records one generator may write.
pub(crate) const MAX_COUNT: u32 = 2_000_000;

/// How far before `clock.start` history begins: the longest generator window.
pub(crate) fn history_seconds(activity: &[Activity]) -> i64 {
    activity
        .iter()
        .filter_map(Activity::generator)
        .map(|g| match g {
            Generator::Transfers(t) => i64::from(t.days) * 86_400,
        })
        .max()
        .unwrap_or(0)
}

/// One generated step, ordered by time, then generator, then draw.
struct Step {
    time: Timestamp,
    generator: usize,
    draw: usize,
    from: String,
    to: String,
    amount: Decimal,
    kind: String,
}

/// Runs every generator into `world`, ending with the clock before `start`. An error is
/// the key path of the generator and the reason.
pub(crate) fn run(
    world: &mut World,
    activity: &[Activity],
    start: Timestamp,
) -> Result<(), (String, String)> {
    let mut steps = Vec::new();
    for (generator, a) in activity.iter().enumerate() {
        match a.generator() {
            Some(Generator::Transfers(t)) => draw_transfers(world, generator, t, start, &mut steps),
            None => {}
        }
    }
    steps.sort_by_key(|s| (s.time, s.generator, s.draw));
    let mut skipped = 0usize;
    for step in steps {
        world
            .advance_to(step.time)
            .map_err(|e| (format!("activity[{}]", step.generator), e.to_string()))?;
        if !transfer(world, &step) {
            skipped += 1;
        }
    }
    if skipped > 0 {
        tracing::debug!(skipped, "activity transfers skipped for lack of funds");
    }
    Ok(())
}

fn draw_transfers(
    world: &mut World,
    generator: usize,
    spec: &TransfersActivity,
    start: Timestamp,
    steps: &mut Vec<Step>,
) {
    let window = i64::from(spec.days) * 86_400;
    let scale = world
        .ledger
        .account_by_key(&spec.from[0])
        .map(|a| a.currency.scale())
        .unwrap_or(2);
    for draw in 0..spec.count as usize {
        let offset = world.rng.int_between(1, window);
        let from = world.rng.pick(&spec.from).cloned().unwrap_or_default();
        let to = world.rng.pick(&spec.to).cloned().unwrap_or_default();
        let amount = world.rng.decimal_between(spec.min.0, spec.max.0, scale);
        steps.push(Step {
            time: start.plus_secs(-offset),
            generator,
            draw,
            from,
            to,
            amount,
            kind: spec.kind.clone(),
        });
    }
}

/// Posts one generated transfer, shrinking it to what the payer has; false when it was
/// skipped (same account on both sides, or the payer has nothing).
fn transfer(world: &mut World, step: &Step) -> bool {
    let (Ok(from), Ok(to)) = (
        world.ledger.account_by_key(&step.from),
        world.ledger.account_by_key(&step.to),
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
        step.amount
    } else {
        step.amount.min(available)
    };
    if amount <= Decimal::ZERO {
        return false;
    }
    let now = world.now();
    world
        .ledger
        .post(EntryDraft::transfer(
            now,
            step.kind.clone(),
            from_id,
            to_id,
            amount,
        ))
        .is_ok()
}
