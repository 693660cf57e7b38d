//! The `opcard` generator: card spend and refunds (billed monthly by the clock), loads
//! (some across currencies), releases and payouts.

use super::{Action, Step, dec, moment};
use crate::clock::Timestamp;
use crate::tenant::World;
use fake::Fake;
use fake::faker::company::en::CompanyName;

use crate::money::Currency;
use crate::scenario::schema::OpcardActivity;

pub(super) fn draw_opcard(
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
    for draw in 0..spec.count as usize {
        let time = moment(world, start, spec.days);
        let roll = world.rng.int_between(1, 100);
        let action = if roll <= 45 && !cards.is_empty() {
            let (card_id, currencies) = world.rng.pick(&cards).cloned().unwrap_or_default();
            let currency = world
                .rng
                .pick(&currencies)
                .copied()
                .unwrap_or(accounts[0].1);
            let company: String = CompanyName().fake_with_rng(world.rng.as_rng());
            let refund = world.rng.chance(0.12);
            Action::OpSpend {
                card_id,
                amount: world.rng.decimal_between(dec(5), dec(900), 2),
                currency,
                merchant: company.to_uppercase(),
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
                    Action::OpLoad {
                        program,
                        accounting: currency,
                        bill,
                        amount: dec(world.rng.int_between(10, 300) * 10),
                    }
                }
                71..=85 => Action::OpRelease {
                    program,
                    currency,
                    amount: dec(world.rng.int_between(5, 80) * 10),
                },
                _ => Action::OpPayout {
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
            action,
        });
    }
}
