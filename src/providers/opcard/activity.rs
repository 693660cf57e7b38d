//! OPCard's activity generator (the scenario's `activity: - opcard:`): card spend at
//! the catalogue's merchants, each card mostly in its usual category, and refunds at
//! `realism.refund_rate` (billed monthly by the clock); loads (some across currencies),
//! releases and payouts.

use rust_decimal::Decimal;

use super::ops as op;
use crate::clock::Timestamp;
use crate::money::Currency;
use crate::scenario::activity::catalogue;
use crate::scenario::activity::{Action, Step, dec, moment};
use crate::scenario::schema::OpcardActivity;
use crate::tenant::World;

/// One generated OPCard step.
enum OpAction {
    Spend {
        card_id: u64,
        amount: Decimal,
        currency: Currency,
        merchant: String,
        refund: bool,
    },
    Load {
        program: u32,
        accounting: Currency,
        bill: Currency,
        amount: Decimal,
    },
    Release {
        program: u32,
        currency: Currency,
        amount: Decimal,
    },
    Payout {
        program: u32,
        currency: Currency,
        amount: Decimal,
    },
}

/// Carries out one generated step; false when it could not happen.
fn perform(world: &mut World, action: OpAction) -> bool {
    match action {
        OpAction::Spend {
            card_id,
            amount,
            currency,
            merchant,
            refund,
        } => op::card_spend(world, card_id, amount, currency, &merchant, refund).is_ok(),
        OpAction::Load {
            program,
            accounting,
            bill,
            amount,
        } => op::create_load(world, program, accounting, bill, amount).is_ok(),
        OpAction::Release {
            program,
            currency,
            amount,
        } => op::release(world, program, currency, amount).is_ok(),
        OpAction::Payout {
            program,
            currency,
            amount,
        } => op::payout(world, program, currency, amount).is_ok(),
    }
}

pub(super) fn draw(
    world: &mut World,
    generator: usize,
    spec: &OpcardActivity,
    start: Timestamp,
    steps: &mut Vec<Step>,
) {
    let accounts: Vec<(u32, Currency)> = world
        .opcard
        .programs
        .iter()
        .flat_map(|p| p.accounts.keys().map(move |c| (p.value, *c)))
        .collect();
    let cards: Vec<(u64, Vec<Currency>)> = world
        .opcard
        .cards
        .iter()
        .map(|c| {
            let program = &world.opcard.programs[c.program];
            (c.card_id, program.accounts.keys().copied().collect())
        })
        .collect();
    if accounts.is_empty() {
        return;
    }
    // Each card's usual category: what the card is mostly for.
    let usual: Vec<&'static catalogue::Category> =
        cards.iter().map(|_| catalogue::category(world)).collect();
    for draw in 0..spec.count as usize {
        let time = moment(world, start, spec.days);
        let roll = world.rng.int_between(1, 100);
        let action = if roll <= 45 && !cards.is_empty() {
            let c = usize::try_from(world.rng.int_between(0, cards.len() as i64 - 1)).unwrap_or(0);
            let (card_id, currencies) = cards[c].clone();
            let currency = world
                .rng
                .pick(&currencies)
                .copied()
                .unwrap_or(accounts[0].1);
            let category = if world.rng.chance(spec.realism.regular_share) {
                usual[c]
            } else {
                catalogue::category(world)
            };
            let merchant = catalogue::merchant(world, category);
            let refund = world.rng.chance(spec.realism.refund_rate);
            OpAction::Spend {
                card_id,
                amount: catalogue::amount(world, category),
                currency,
                merchant: merchant.to_owned(),
                refund,
            }
        } else {
            let (program, currency) = *world.rng.pick(&accounts).unwrap_or(&accounts[0]);
            match roll {
                46..=70 => {
                    let cross = world.rng.chance(0.35);
                    let bill = if cross {
                        accounts
                            .iter()
                            .map(|(_, c)| *c)
                            .find(|c| *c != currency)
                            .unwrap_or(currency)
                    } else {
                        currency
                    };
                    OpAction::Load {
                        program,
                        accounting: currency,
                        bill,
                        amount: dec(world.rng.int_between(10, 300) * 10),
                    }
                }
                71..=85 => OpAction::Release {
                    program,
                    currency,
                    amount: dec(world.rng.int_between(5, 80) * 10),
                },
                _ => OpAction::Payout {
                    program,
                    currency,
                    amount: dec(world.rng.int_between(5, 120) * 10),
                },
            }
        };
        steps.push(Step {
            time,
            generator,
            draw,
            action: Action::provider(move |w| perform(w, action)),
        });
    }
}
