//! Activity generators: history written before `clock.start` through the same
//! operations the API uses, with the clock standing on each generated moment.
//!
//! Every draw comes from the tenant's seeded data RNG, in a fixed order (all of one
//! generator's draws, then the next generator's), so a seed gives the same history.
//! Steps that cannot happen when their moment comes (a payer with nothing left, a
//! refund with no consumption to refund) are skipped. Each generator draws in its own
//! module (`transfers`, `hypercard`, `opcard`, `interlace`); this one orders the steps
//! and carries them out.

mod hypercard;
mod interlace;
mod interlace_business;
mod opcard;
mod transfers;

use hypercard::{card_coin, draw_hypercard, last_consumption};
use interlace::{IlKind, draw_interlace, perform_interlace};
use interlace_business::{BizKind, draw_business, perform_business};
use opcard::draw_opcard;
use rust_decimal::Decimal;
use transfers::{draw_transfers, transfer};

use super::schema::{Activity, Generator};
use crate::clock::Timestamp;
use crate::money::Currency;
use crate::providers::hypercard::ops as hc;
use crate::providers::interlace::ops as il;
use crate::providers::opcard::ops as op;
use crate::tenant::World;

/// The longest history a generator may write, in days.
pub(crate) const MAX_DAYS: u32 = 3660;
/// The most steps one generator may write.
pub(crate) const MAX_COUNT: u32 = 2_000_000;

/// Merchant category codes consumptions are drawn from, with what they sell.
pub(super) const MCCS: [(&str, &str); 12] = [
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
    /// An Interlace global-account operation on business account `account` (index).
    Biz {
        kind: BizKind,
        account: usize,
        amount: Decimal,
        counterparty: String,
    },
    /// An Interlace card operation; `kind` picks which.
    Il {
        kind: IlKind,
        card: String,
        amount: Decimal,
        merchant: il::Merchant,
    },
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
            Some(Generator::InterlaceBusiness(i)) => {
                draw_business(world, generator, i, start, &mut steps)
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

fn dec(units: i64) -> Decimal {
    Decimal::from(units)
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
        Action::Biz {
            kind,
            account,
            amount,
            counterparty,
        } => perform_business(world, *kind, *account, *amount, counterparty),
    }
}
