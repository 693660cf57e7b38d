//! Activity generators: history written before `clock.start` through the same
//! operations the API uses, with the clock standing on each generated moment.
//!
//! Every draw comes from the tenant's seeded data RNG, in a fixed order (all of one
//! generator's draws, then the next generator's), so a seed gives the same history.
//! Steps that cannot happen when their moment comes (a payer with nothing left, a
//! refund with no consumption to refund) are skipped. `transfers` draws here; each
//! provider's generators live in its folder (`providers/<p>/activity.rs`) and are
//! reached through its face (`Face::draw_activity`); this module orders the steps and
//! carries them out.

pub(crate) mod catalogue;
mod transfers;

use rust_decimal::Decimal;
use transfers::{draw_transfers, transfer};

use super::schema::{Activity, Generator};
use crate::clock::Timestamp;
use crate::providers::Provider;
use crate::tenant::World;

/// The longest history a generator may write, in days.
pub(crate) const MAX_DAYS: u32 = 3660;
/// The most steps one generator may write.
pub(crate) const MAX_COUNT: u32 = 2_000_000;

/// How far before `clock.start` history begins: the longest generator window.
pub(crate) fn history_seconds(activity: &[Activity]) -> i64 {
    activity
        .iter()
        .filter_map(Activity::generator)
        .map(|g| match g {
            Generator::Transfers(t) => i64::from(t.days) * 86_400,
            Generator::Hypercard(h) => i64::from(h.days) * 86_400,
            Generator::Opcard(o) => i64::from(o.days) * 86_400,
            Generator::Interlace(i) | Generator::InterlaceBusiness(i) => i64::from(i.days) * 86_400,
        })
        .max()
        .unwrap_or(0)
}

/// One generated step, ordered by time, then generator, then draw.
pub(crate) struct Step {
    pub(crate) time: Timestamp,
    pub(crate) generator: usize,
    pub(crate) draw: usize,
    pub(crate) action: Action,
}

/// What a step does when its moment comes.
pub(crate) enum Action {
    Transfer {
        from: String,
        to: String,
        amount: Decimal,
        kind: String,
    },
    /// A provider's operation, drawn by its generator; false when it could not happen.
    Provider(Box<dyn FnOnce(&mut World) -> bool>),
}

impl Action {
    /// A provider's operation.
    pub(crate) fn provider(operation: impl FnOnce(&mut World) -> bool + 'static) -> Self {
        Self::Provider(Box::new(operation))
    }
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
            Some(other) => {
                for provider in Provider::ALL {
                    provider
                        .face()
                        .draw_activity(world, generator, other, start, &mut steps);
                }
            }
            None => {}
        }
    }
    steps.sort_by_key(|s| (s.time, s.generator, s.draw));
    let mut skipped = 0usize;
    for step in steps {
        world
            .advance_to(step.time)
            .map_err(|e| (format!("activity[{}]", step.generator), e.to_string()))?;
        if !perform(world, step.action) {
            skipped += 1;
        }
    }
    if skipped > 0 {
        tracing::debug!(skipped, "generated steps skipped");
    }
    Ok(())
}

/// How busy each hour of the day (UTC) is, relative to the others: quiet at night,
/// a morning rise, peaks at lunch and in the early evening.
const HOURS: [i64; 24] = [
    2, 1, 1, 1, 1, 2, 4, 7, 9, 9, 9, 11, 14, 12, 10, 10, 10, 11, 13, 13, 11, 8, 5, 3,
];

/// A moment within the `days` before `start`, drawn from the tenant's data RNG: a day,
/// an hour of that day by [`HOURS`], then minute, second and millisecond.
pub(crate) fn moment(world: &mut World, start: Timestamp, days: u32) -> Timestamp {
    let window = i64::from(days.max(1)) * 86_400_000;
    let day = world.rng.int_between(0, i64::from(days.max(1)) - 1);
    let total: i64 = HOURS.iter().sum();
    let mut roll = world.rng.int_between(1, total);
    let mut hour = 0;
    for (h, weight) in HOURS.iter().enumerate() {
        if roll <= *weight {
            hour = h as i64;
            break;
        }
        roll -= weight;
    }
    let within = world.rng.int_between(0, 3_600_000 - 1);
    let midnight = start.as_millis().div_euclid(86_400_000) * 86_400_000;
    let mut at = midnight - day * 86_400_000 + hour * 3_600_000 + within;
    // The day `start` falls in is cut at `start`; the oldest day at `start - window`:
    // a time of day past either end moves one day inward.
    if at >= start.as_millis() {
        at -= 86_400_000;
    }
    if at < start.as_millis() - window {
        at += 86_400_000;
    }
    Timestamp::from_millis(at.min(start.as_millis() - 1))
}

/// A whole number of units as a decimal.
pub(crate) fn dec(units: i64) -> Decimal {
    Decimal::from(units)
}

/// Carries out one step; false when it could not happen.
fn perform(world: &mut World, action: Action) -> bool {
    match action {
        Action::Transfer {
            from,
            to,
            amount,
            kind,
        } => transfer(world, &from, &to, amount, &kind),
        Action::Provider(operation) => operation(world),
    }
}
