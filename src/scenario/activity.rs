//! Activity generators: history written before `clock.start` through the same
//! operations the API uses, with the clock standing on each generated moment.
//!
//! Every draw comes from the tenant's seeded data RNG, in a fixed order (all of one
//! generator's draws, then the next generator's), so a seed gives the same history.
//! Steps that cannot happen when their moment comes (a payer with nothing left, a
//! refund with no consumption to refund) are skipped.

use fake::Fake;
use fake::faker::company::en::CompanyName;
use rust_decimal::Decimal;

use super::schema::{
    Activity, Generator, HypercardActivity, InterlaceActivity, OpcardActivity, TransfersActivity,
};
use crate::clock::Timestamp;
use crate::ledger::EntryDraft;
use crate::money::Currency;
use crate::providers::hypercard::ops as hc;
use crate::providers::hypercard::state::{Detail, tx_status};
use crate::providers::interlace::ops as il;
use crate::providers::opcard::ops as op;
use crate::tenant::World;

/// The longest history a generator may write, in days.
pub(crate) const MAX_DAYS: u32 = 3660;
/// The most steps one generator may write.
pub(crate) const MAX_COUNT: u32 = 2_000_000;

/// Merchant category codes consumptions are drawn from, with what they sell.
const MCCS: [(&str, &str); 12] = [
    ("5411", "GROCERY"),
    ("5812", "RESTAURANT"),
    ("5814", "FAST FOOD"),
    ("4121", "TAXI"),
    ("5999", "STORE"),
    ("5732", "ELECTRONICS"),
    ("4511", "AIRLINES"),
    ("7011", "HOTEL"),
    ("5942", "BOOKS"),
    ("5691", "CLOTHING"),
    ("4814", "TELECOM"),
    ("5817", "DIGITAL GOODS"),
];

/// Foreign currencies a consumption may be in.
const FOREIGN: [&str; 3] = ["JPY", "GBP", "HKD"];

/// How far before `clock.start` history begins: the longest generator window.
pub(crate) fn history_seconds(activity: &[Activity]) -> i64 {
    activity
        .iter()
        .filter_map(Activity::generator)
        .map(|g| match g {
            Generator::Transfers(t) => i64::from(t.days) * 86_400,
            Generator::Hypercard(h) => i64::from(h.days) * 86_400,
            Generator::Opcard(o) => i64::from(o.days) * 86_400,
            Generator::Interlace(i) => i64::from(i.days) * 86_400,
        })
        .max()
        .unwrap_or(0)
}

/// One generated step, ordered by time, then generator, then draw.
struct Step {
    time: Timestamp,
    generator: usize,
    draw: usize,
    action: Action,
}

enum Action {
    Transfer {
        from: String,
        to: String,
        amount: Decimal,
        kind: String,
    },
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
    OpSpend {
        card_id: u64,
        amount: Decimal,
        currency: Currency,
        merchant: String,
        refund: bool,
    },
    OpLoad {
        program: u32,
        accounting: Currency,
        bill: Currency,
        amount: Decimal,
    },
    OpRelease {
        program: u32,
        currency: Currency,
        amount: Decimal,
    },
    OpPayout {
        program: u32,
        currency: Currency,
        amount: Decimal,
    },
    /// An Interlace card operation; `kind` picks which.
    Il {
        kind: IlKind,
        card: String,
        amount: Decimal,
        merchant: il::Merchant,
    },
}

#[derive(Debug, Clone, Copy)]
enum IlKind {
    Authorization,
    /// Clears the card's oldest pending authorisation, scaled by `amount` percent.
    Clearing,
    Reversal,
    Refund,
    Fee,
    TransferIn,
    Deposit,
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
            Some(Generator::Hypercard(h)) => draw_hypercard(world, generator, h, start, &mut steps),
            Some(Generator::Opcard(o)) => draw_opcard(world, generator, o, start, &mut steps),
            Some(Generator::Interlace(i)) => draw_interlace(world, generator, i, start, &mut steps),
            None => {}
        }
    }
    steps.sort_by_key(|s| (s.time, s.generator, s.draw));
    let mut skipped = 0usize;
    for step in steps {
        world
            .advance_to(step.time)
            .map_err(|e| (format!("activity[{}]", step.generator), e.to_string()))?;
        if !perform(world, &step.action) {
            skipped += 1;
        }
    }
    if skipped > 0 {
        tracing::debug!(skipped, "generated steps skipped");
    }
    Ok(())
}

fn moment(world: &mut World, start: Timestamp, days: u32) -> Timestamp {
    let window = i64::from(days) * 86_400;
    start.plus_secs(-world.rng.int_between(1, window))
}

fn draw_transfers(
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

fn dec(units: i64) -> Decimal {
    Decimal::from(units)
}

fn draw_hypercard(
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
                Action::Consume {
                    card: card.clone(),
                    amount,
                    currency,
                    mcc,
                    description: format!("{} {what}", company.to_uppercase()),
                }
            }
            51..=64 => Action::Recharge {
                card: card.clone(),
                amount: dec(world.rng.int_between(5, 40) * 10),
                trade_no: format!("SEED{}", world.ids.numeric(16)),
            },
            65..=72 => Action::Refund {
                card: card.clone(),
                partial: world.rng.chance(0.5),
            },
            73..=86 => Action::Fee { card: card.clone() },
            87..=94 => Action::Withdraw {
                card: card.clone(),
                amount: dec(world.rng.int_between(2, 20) * 10),
            },
            _ => Action::BuyCoin {
                card: card.clone(),
                amount: world.rng.decimal_between(dec(10), dec(120), 2),
                trade_no: format!("SEED{}", world.ids.numeric(16)),
            },
        };
        steps.push(Step {
            time,
            generator,
            draw,
            action,
        });
    }
}

fn draw_opcard(
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

fn draw_interlace(
    world: &mut World,
    generator: usize,
    spec: &InterlaceActivity,
    start: Timestamp,
    steps: &mut Vec<Step>,
) {
    let cards: Vec<String> = world.interlace.cards.iter().map(|c| c.id.clone()).collect();
    if cards.is_empty() {
        return;
    }
    for draw in 0..spec.count as usize {
        let time = moment(world, start, spec.days);
        let card = world.rng.pick(&cards).cloned().unwrap_or_default();
        let roll = world.rng.int_between(1, 100);
        let (kind, amount) = match roll {
            1..=36 => (
                IlKind::Authorization,
                world.rng.decimal_between(dec(2), dec(140), 2),
            ),
            37..=60 => {
                // Mostly the authorised amount; sometimes above (1003) or below (1005).
                let pct = *world
                    .rng
                    .pick(&[100, 100, 100, 112, 140, 90])
                    .unwrap_or(&100);
                (IlKind::Clearing, dec(pct))
            }
            61..=65 => (IlKind::Reversal, Decimal::ZERO),
            66..=70 => (
                IlKind::Refund,
                world.rng.decimal_between(dec(1), dec(40), 2),
            ),
            71..=82 => (IlKind::Fee, world.rng.decimal_between(dec(2), dec(45), 2)),
            83..=93 => (IlKind::TransferIn, dec(world.rng.int_between(3, 20) * 10)),
            // Small deposits against a drained Infinity balance repay negatives only in
            // part, so history shows both full and partial repayments.
            _ => (IlKind::Deposit, dec(world.rng.int_between(1, 8) * 5)),
        };
        let (mcc, what) = *world.rng.pick(&MCCS).unwrap_or(&MCCS[0]);
        let company: String = CompanyName().fake_with_rng(world.rng.as_rng());
        let merchant = il::Merchant {
            name: format!("{} {what}", company.to_uppercase()),
            city: "NEW YORK".to_owned(),
            country: "USA".to_owned(),
            mcc: mcc.to_owned(),
        };
        steps.push(Step {
            time,
            generator,
            draw,
            action: Action::Il {
                kind,
                card,
                amount,
                merchant,
            },
        });
    }
}

/// Carries out one generated Interlace step; false when it could not happen.
fn perform_interlace(
    world: &mut World,
    kind: IlKind,
    card_id: &str,
    amount: Decimal,
    merchant: &il::Merchant,
) -> bool {
    let Some(card) = world.interlace.card_index(card_id) else {
        return false;
    };
    let account_id = world.interlace.accounts[world.interlace.cards[card].account]
        .id
        .clone();
    let oldest_pending = || {
        world
            .interlace
            .transactions
            .iter()
            .find(|t| t.card == card && t.kind == "authorization" && t.status == "PENDING")
            .map(|t| (t.id.clone(), t.billing_amount))
    };
    match kind {
        IlKind::Authorization => {
            il::authorization(world, card_id, amount, "USD", amount, merchant).is_ok()
        }
        IlKind::Clearing => match oldest_pending() {
            Some((id, held)) => {
                il::clearing(world, &id, Some((held * amount / dec(100)).round_dp(2))).is_ok()
            }
            None => false,
        },
        IlKind::Reversal => match oldest_pending() {
            Some((id, _)) => il::reversal(world, &id).is_ok(),
            None => false,
        },
        IlKind::Refund => il::refund(world, card_id, amount, "USD", amount, merchant).is_ok(),
        IlKind::Fee => il::fee(world, card_id, amount).is_ok(),
        IlKind::TransferIn => {
            // Takes what the Infinity balance has, up to `amount`, so it runs dry at times.
            let infinity = world.interlace.accounts[world.interlace.cards[card].account].infinity;
            let available = world
                .ledger
                .balance(infinity)
                .map(|b| b.available)
                .unwrap_or_default();
            let amount = amount.min(available);
            !world.interlace.cards[card].is_budget_card()
                && amount > Decimal::ZERO
                && il::transfer(world, &account_id, card_id, amount, true).is_ok()
        }
        IlKind::Deposit => {
            let account = world.interlace.cards[card].account;
            il::fund_account(world, account, amount).is_ok()
        }
    }
}

fn card_coin(world: &World, card_id: &str) -> Currency {
    world
        .hypercard
        .card_by_id(card_id)
        .map(|c| world.hypercard.products[world.hypercard.cards[c].product].card_coin)
        .or_else(|| Currency::parse("USD").ok())
        .expect("USD is in the currency table")
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

/// Carries out one step; false when it could not happen.
fn perform(world: &mut World, action: &Action) -> bool {
    match action {
        Action::Transfer {
            from,
            to,
            amount,
            kind,
        } => transfer(world, from, to, *amount, kind),
        Action::Consume {
            card,
            amount,
            currency,
            mcc,
            description,
        } => hc::consume(world, card, *amount, *currency, mcc, description).is_ok(),
        Action::Recharge {
            card,
            amount,
            trade_no,
        } => {
            let usdt = Currency::parse("USDT").expect("USDT is in the currency table");
            hc::recharge(world, card, trade_no, usdt, *amount, "").is_ok()
        }
        Action::Refund { card, partial } => match last_consumption(world, card, true) {
            Some((tx_id, left)) => {
                let amount = if *partial {
                    Some((left / dec(2)).round_dp(2)).filter(|a| *a > Decimal::ZERO)
                } else {
                    None
                };
                hc::refund(world, &tx_id, amount, "REFUND").is_ok()
            }
            None => false,
        },
        Action::Fee { card } => match last_consumption(world, card, false) {
            Some((tx_id, _)) => hc::fee(world, &tx_id, None).is_ok(),
            None => false,
        },
        Action::Withdraw { card, amount } => {
            let currency = card_coin(world, card);
            hc::withdraw(world, card, *amount, currency, "ATM WITHDRAWAL").is_ok()
        }
        Action::BuyCoin {
            card,
            amount,
            trade_no,
        } => hc::buy_coin(world, card, *amount, trade_no).is_ok(),
        Action::OpSpend {
            card_id,
            amount,
            currency,
            merchant,
            refund,
        } => op::card_spend(world, *card_id, *amount, *currency, merchant, *refund).is_ok(),
        Action::OpLoad {
            program,
            accounting,
            bill,
            amount,
        } => op::create_load(world, *program, *accounting, *bill, *amount).is_ok(),
        Action::OpRelease {
            program,
            currency,
            amount,
        } => op::release(world, *program, *currency, *amount).is_ok(),
        Action::OpPayout {
            program,
            currency,
            amount,
        } => op::payout(world, *program, *currency, *amount).is_ok(),
        Action::Il {
            kind,
            card,
            amount,
            merchant,
        } => perform_interlace(world, *kind, card, *amount, merchant),
    }
}

/// Posts one generated transfer, shrinking it to what the payer has; false when it was
/// skipped (same account on both sides, or the payer has nothing).
fn transfer(world: &mut World, from: &str, to: &str, amount: Decimal, kind: &str) -> bool {
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
