//! HyperCard's activity generator (the scenario's `activity: - hypercard:`): consumptions (merchant names from `fake`, some in foreign
//! currencies), recharges, refunds and handling fees of the card's last consumption,
//! withdrawals and coin purchases.

use rust_decimal::Decimal;

use fake::Fake;
use fake::faker::company::en::CompanyName;

use super::ops as hc;
use super::state::{Detail, tx_status};
use crate::clock::Timestamp;
use crate::money::Currency;
use crate::scenario::activity::{Action, MCCS, Step, dec, moment};
use crate::scenario::schema::HypercardActivity;
use crate::tenant::World;

/// One generated HyperCard step.
enum HcAction {
    Consume {
        card: String,
        amount: Decimal,
        currency: Currency,
        mcc: &'static str,
        description: String,
    },
    Recharge {
        card: String,
        amount: Decimal,
        trade_no: String,
    },
    Refund {
        card: String,
        partial: bool,
    },
    Fee {
        card: String,
    },
    Withdraw {
        card: String,
        amount: Decimal,
    },
    BuyCoin {
        card: String,
        amount: Decimal,
        trade_no: String,
    },
}

/// Carries out one generated step; false when it could not happen.
fn perform(world: &mut World, action: HcAction) -> bool {
    match action {
        HcAction::Consume {
            card,
            amount,
            currency,
            mcc,
            description,
        } => hc::consume(world, &card, amount, currency, mcc, &description).is_ok(),
        HcAction::Recharge {
            card,
            amount,
            trade_no,
        } => {
            let usdt = Currency::parse("USDT").expect("USDT is in the currency table");
            hc::recharge(world, &card, &trade_no, usdt, amount, "").is_ok()
        }
        HcAction::Refund { card, partial } => match last_consumption(world, &card, true) {
            Some((tx_id, left)) => {
                let amount = if partial {
                    Some((left / dec(2)).round_dp(2)).filter(|a| *a > Decimal::ZERO)
                } else {
                    None
                };
                hc::refund(world, &tx_id, amount, "REFUND").is_ok()
            }
            None => false,
        },
        HcAction::Fee { card } => match last_consumption(world, &card, false) {
            Some((tx_id, _)) => hc::fee(world, &tx_id, None).is_ok(),
            None => false,
        },
        HcAction::Withdraw { card, amount } => {
            let currency = card_coin(world, &card);
            hc::withdraw(world, &card, amount, currency, "ATM WITHDRAWAL").is_ok()
        }
        HcAction::BuyCoin {
            card,
            amount,
            trade_no,
        } => hc::buy_coin(world, &card, amount, &trade_no).is_ok(),
    }
}

/// Foreign currencies a consumption may be in.
const FOREIGN: [&str; 3] = ["JPY", "GBP", "HKD"];

pub(super) fn draw(
    world: &mut World,
    generator: usize,
    spec: &HypercardActivity,
    start: Timestamp,
    steps: &mut Vec<Step>,
) {
    let cards: Vec<String> = if spec.cards.is_empty() {
        world
            .hypercard
            .cards
            .iter()
            .map(|c| c.card_id.clone())
            .collect()
    } else {
        spec.cards.clone()
    };
    if cards.is_empty() {
        return;
    }
    for draw in 0..spec.count as usize {
        let time = moment(world, start, spec.days);
        let card = world.rng.pick(&cards).cloned().unwrap_or_default();
        let roll = world.rng.int_between(1, 100);
        let action = match roll {
            1..=50 => {
                let (mcc, what) = *world.rng.pick(&MCCS).unwrap_or(&MCCS[0]);
                let company: String = CompanyName().fake_with_rng(world.rng.as_rng());
                let foreign = world.rng.chance(0.15);
                let currency = if foreign {
                    let code = *world.rng.pick(&FOREIGN).unwrap_or(&"JPY");
                    Currency::parse(code).ok()
                } else {
                    None
                };
                let currency = currency.unwrap_or_else(|| card_coin(world, &card));
                let base = world.rng.decimal_between(dec(3), dec(180), 2);
                let amount = if currency.code() == "JPY" {
                    (base * dec(150)).round()
                } else {
                    base
                };
                HcAction::Consume {
                    card: card.clone(),
                    amount,
                    currency,
                    mcc,
                    description: format!("{} {what}", company.to_uppercase()),
                }
            }
            51..=64 => HcAction::Recharge {
                card: card.clone(),
                amount: dec(world.rng.int_between(5, 40) * 10),
                trade_no: format!("SEED{}", world.ids.numeric(16)),
            },
            65..=72 => HcAction::Refund {
                card: card.clone(),
                partial: world.rng.chance(0.5),
            },
            73..=86 => HcAction::Fee { card: card.clone() },
            87..=94 => HcAction::Withdraw {
                card: card.clone(),
                amount: dec(world.rng.int_between(2, 20) * 10),
            },
            _ => HcAction::BuyCoin {
                card: card.clone(),
                amount: world.rng.decimal_between(dec(10), dec(120), 2),
                trade_no: format!("SEED{}", world.ids.numeric(16)),
            },
        };
        steps.push(Step {
            time,
            generator,
            draw,
            action: Action::provider(move |w| perform(w, action)),
        });
    }
}

fn card_coin(world: &World, card_id: &str) -> Currency {
    world
        .hypercard
        .card_by_id(card_id)
        .map(|c| world.hypercard.products[world.hypercard.cards[c].product].card_coin)
        .unwrap_or(Currency::USD)
}

/// The latest successful consumption on `card_id` with something left to refund.
fn last_consumption(world: &World, card_id: &str, refundable: bool) -> Option<(String, Decimal)> {
    let card = world.hypercard.card_by_id(card_id)?;
    world
        .hypercard
        .records
        .iter()
        .rev()
        .take(200)
        .find_map(|r| match &r.detail {
            Detail::Consumption {
                deduction_amount,
                refunded,
                ..
            } if r.card == Some(card)
                && r.status == tx_status::SUCCESS
                && (!refundable || *deduction_amount > *refunded) =>
            {
                Some((r.tx_id.clone(), *deduction_amount - *refunded))
            }
            _ => None,
        })
}
