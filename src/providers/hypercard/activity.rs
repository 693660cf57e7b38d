//! HyperCard's activity generator (the scenario's `activity: - hypercard:`):
//! consumptions at the catalogue's merchants (a card's usual ones often, some abroad in
//! foreign currencies), recharges (also before a consumption the card could not pay),
//! refunds and handling fees of the card's last consumption, withdrawals and coin
//! purchases. Declines come at `realism.decline_rate`: insufficient funds, or an
//! attempt on a frozen or cancelled card.

use rust_decimal::Decimal;

use super::ops as hc;
use super::state::{Detail, card_status, tx_status};
use crate::clock::Timestamp;
use crate::money::Currency;
use crate::scenario::activity::catalogue;
use crate::scenario::activity::{Action, Step, dec, moment};
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
        /// Tried above what the card has, so it is declined for insufficient funds.
        declined: bool,
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
            declined,
        } => {
            let amount = fund_or_exceed(world, &card, amount, currency, declined);
            hc::consume(world, &card, amount, currency, mcc, &description).is_ok()
        }
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

/// Foreign currencies a consumption abroad may be in, with hundredths of a unit per USD.
const FOREIGN: [(&str, i64); 3] = [("JPY", 15_000), ("GBP", 79), ("HKD", 780)];

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
    // Cards that can spend; the others only see the odd declined attempt.
    let (active, idle): (Vec<String>, Vec<String>) = cards.iter().cloned().partition(|id| {
        world
            .hypercard
            .card_by_id(id)
            .is_some_and(|c| world.hypercard.cards[c].status == card_status::ACTIVATED)
    });
    if cards.is_empty() {
        return;
    }
    let usual: Vec<Vec<(&'static str, &'static str)>> = cards
        .iter()
        .map(|_| {
            (0..3)
                .map(|i| {
                    let category = if i == 0 {
                        &catalogue::CATEGORIES[0]
                    } else {
                        catalogue::category(world)
                    };
                    (category.mcc, catalogue::merchant(world, category))
                })
                .collect()
        })
        .collect();
    let r = &spec.realism;
    for draw in 0..spec.count as usize {
        let time = moment(world, start, spec.days);
        let pool = if active.is_empty() { &idle } else { &active };
        let card = world.rng.pick(pool).cloned().unwrap_or_default();
        let roll = f64::try_from(world.rng.decimal_between(dec(0), dec(1), 4)).unwrap_or(0.0);
        let (fee, refund) = (r.fee_rate, r.fee_rate + r.refund_rate);
        let action = if roll < fee {
            HcAction::Fee { card: card.clone() }
        } else if roll < refund {
            HcAction::Refund {
                card: card.clone(),
                partial: world.rng.chance(0.4),
            }
        } else if roll < refund + 0.10 {
            HcAction::Recharge {
                card: card.clone(),
                amount: dec(world.rng.int_between(5, 40) * 10),
                trade_no: format!("SEED{}", world.ids.numeric(16)),
            }
        } else if roll < refund + 0.13 {
            HcAction::Withdraw {
                card: card.clone(),
                amount: dec(world.rng.int_between(2, 20) * 10),
            }
        } else if roll < refund + 0.15 {
            HcAction::BuyCoin {
                card: card.clone(),
                amount: world.rng.decimal_between(dec(10), dec(120), 2),
                trade_no: format!("SEED{}", world.ids.numeric(16)),
            }
        } else {
            let declined = world.rng.chance(r.decline_rate);
            // A declined attempt is on a frozen or cancelled card when there is one,
            // else for more than the card holds.
            let card = if declined && !idle.is_empty() {
                world.rng.pick(&idle).cloned().unwrap_or(card)
            } else {
                card
            };
            let index = cards.iter().position(|c| *c == card).unwrap_or(0);
            let (mcc, name) = if world.rng.chance(r.regular_share) {
                *world.rng.pick(&usual[index]).unwrap_or(&usual[index][0])
            } else {
                let category = catalogue::category(world);
                (category.mcc, catalogue::merchant(world, category))
            };
            let category = catalogue::CATEGORIES
                .iter()
                .find(|c| c.mcc == mcc)
                .unwrap_or(&catalogue::CATEGORIES[0]);
            let usd = catalogue::amount(world, category);
            let abroad = world.rng.chance(r.abroad_share);
            let (currency, amount) = match world.rng.pick(&FOREIGN).copied() {
                Some((code, per_usd)) if abroad => {
                    let currency =
                        Currency::parse(code).unwrap_or_else(|_| card_coin(world, &card));
                    let amount = currency.round(usd * Decimal::new(per_usd, 2));
                    (currency, amount)
                }
                _ => (card_coin(world, &card), usd),
            };
            HcAction::Consume {
                card: card.clone(),
                amount,
                currency,
                mcc,
                description: name.to_owned(),
                declined,
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

/// The amount to present: the card recharged first when it could not pay (a holder
/// tops up before spending), or, for a consumption to be declined, raised above what
/// the card has.
fn fund_or_exceed(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: Currency,
    declined: bool,
) -> Decimal {
    let Some(card) = world.hypercard.card_by_id(card_id) else {
        return amount;
    };
    let coin = card_coin(world, card_id);
    let account = world.hypercard.cards[card].account;
    let available = world
        .ledger
        .balance(account)
        .map(|b| b.available)
        .unwrap_or_default();
    if currency != coin {
        return amount;
    }
    if declined {
        return if available >= amount {
            coin.round(available + amount)
        } else {
            amount
        };
    }
    if available < amount && world.hypercard.cards[card].status == card_status::ACTIVATED {
        let short = amount - available.max(Decimal::ZERO);
        let top_up = ((short / dec(50)).ceil() + dec(2)) * dec(50);
        let usdt = Currency::parse("USDT").expect("USDT is in the currency table");
        let trade_no = format!("SEED{}", world.ids.numeric(16));
        let _ = hc::recharge(world, card_id, &trade_no, usdt, top_up, "");
    }
    amount
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
