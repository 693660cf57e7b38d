//! Card limits: loads (pending, confirmed on the clock; forex pairs across currencies),
//! releases and payouts, which never take a card account below zero.

use rust_decimal::Decimal;

use super::*;
use crate::money::Currency;
use crate::providers::opcard::error::{Code, OpError};
use crate::providers::opcard::state::{
    Load, LoadIdx, LoadStatus, Payout, PayoutIdx, RecordIdx, fund_type,
};
use crate::scheduler::Event;
use crate::tenant::World;

/// A believable rate of `to` units per `from` unit: the tenant's base rates with a
/// seeded jitter of up to ±0.3 %, 10 decimals.
fn forex_rate(world: &mut World, from: Currency, to: Currency) -> Result<Decimal, OpError> {
    if from == to {
        return Ok(Decimal::ONE);
    }
    let rates = &settings(world)?.usd_rates;
    let rate_of = |c: Currency| {
        rates
            .get(c.code())
            .copied()
            .ok_or_else(|| OpError::param(format!("{} is not a supported currency", c.code())))
    };
    let base = rate_of(from)? / rate_of(to)?;
    let jitter = Decimal::new(world.rng.int_between(-30, 30), 4);
    Ok((base * (Decimal::ONE + jitter)).round_dp(10))
}

/// Starts a load (card limit creation): pending until confirmed on the tenant clock,
/// `load_confirm_seconds` later.
pub(crate) fn create_load(
    world: &mut World,
    program_value: u32,
    accounting_currency: Currency,
    bill_currency: Currency,
    accounting_amount: Decimal,
) -> Result<LoadIdx, OpError> {
    let delay = settings(world)?.load_confirm_seconds;
    create_load_after(
        world,
        program_value,
        accounting_currency,
        bill_currency,
        accounting_amount,
        delay,
    )
}

/// `create_load` with its own confirmation delay (a scenario's opening balances are
/// confirmed at once, whatever the tenant's delay).
pub(crate) fn create_load_after(
    world: &mut World,
    program_value: u32,
    accounting_currency: Currency,
    bill_currency: Currency,
    accounting_amount: Decimal,
    delay: i64,
) -> Result<LoadIdx, OpError> {
    settings(world)?;
    let program = program(world, program_value)?;
    // A load fills an existing card account, as release and payout empty one: the
    // program must have an account in both currencies (README, `quirks.rs`).
    for (currency, field) in [
        (accounting_currency, "accounting_currency"),
        (bill_currency, "bill_currency"),
    ] {
        if !world.opcard.programs[program]
            .accounts
            .contains_key(&currency)
        {
            return Err(OpError::new(
                Code::NotFound,
                format!(
                    "program {program_value} has no {} card account ({field})",
                    currency.code()
                ),
            ));
        }
    }
    check_scale(accounting_amount, accounting_currency, "accounting_amount")?;
    let rate = forex_rate(world, bill_currency, accounting_currency)?;
    let bill_amount = bill_currency.round(accounting_amount / rate);
    let batch_no = world.ids.uuid();
    let record_batch = next_batch(world);
    let now = world.now();
    world.opcard.loads.push(Load {
        batch_no,
        record_batch,
        program,
        accounting_currency,
        accounting_amount,
        bill_currency,
        bill_amount,
        rate,
        status: LoadStatus::Pending,
        created_at: now,
    });
    let index = LoadIdx(world.opcard.loads.len() - 1);
    world.schedule(
        now.plus_secs(delay),
        LOAD_CONFIRM,
        &[("load", index.to_string())],
    );
    Ok(index)
}

/// Scheduler handler: confirms a load, writing its fund_type 20 record (and, across
/// currencies, the forex sell 24 and buy 25 pair).
pub(crate) fn confirm_load(world: &mut World, event: &Event) -> Result<(), String> {
    let index: usize = event
        .data
        .get("load")
        .and_then(|l| l.parse().ok())
        .ok_or("event has no load index")?;
    let load = world
        .opcard
        .loads
        .get(index)
        .cloned()
        .ok_or("no such load")?;
    if load.status != LoadStatus::Pending {
        return Ok(());
    }
    let funding = system_account(world, "funding", load.bill_currency);
    let bill = (load.bill_amount, load.bill_currency);
    let batch = load.record_batch.clone();
    let run = |world: &mut World| -> Result<(), OpError> {
        if load.bill_currency == load.accounting_currency {
            change(
                world,
                load.program,
                load.accounting_currency,
                true,
                load.accounting_amount,
                funding,
                fund_type::LIMIT_CREATION,
                &batch,
                bill,
                Decimal::ONE,
                None,
            )?;
        } else {
            let now = world.now();
            change(
                world,
                load.program,
                load.bill_currency,
                true,
                load.bill_amount,
                funding,
                fund_type::LIMIT_CREATION,
                &batch,
                bill,
                Decimal::ONE,
                None,
            )?;
            let fx_sold = system_account(world, "fx", load.bill_currency);
            change(
                world,
                load.program,
                load.bill_currency,
                false,
                load.bill_amount,
                fx_sold,
                fund_type::FOREX_SELL,
                &batch,
                bill,
                load.rate,
                Some(now),
            )?;
            let fx_bought = system_account(world, "fx", load.accounting_currency);
            change(
                world,
                load.program,
                load.accounting_currency,
                true,
                load.accounting_amount,
                fx_bought,
                fund_type::FOREX_BUY,
                &batch,
                bill,
                load.rate,
                Some(now),
            )?;
        }
        Ok(())
    };
    run(world).map_err(|e| e.msg)?;
    world.opcard.loads[index].status = LoadStatus::Success;
    Ok(())
}

/// Moves `amount` out of a card account (release 23 or payout 28); never below zero.
fn debit(
    world: &mut World,
    program_value: u32,
    currency: Currency,
    amount: Decimal,
    fund: u16,
) -> Result<RecordIdx, OpError> {
    let program = program(world, program_value)?;
    check_scale(amount, currency, "amount")?;
    let account = world.opcard.programs[program]
        .accounts
        .get(&currency)
        .copied()
        .ok_or_else(|| {
            OpError::new(
                Code::NotFound,
                format!(
                    "program {program_value} has no {} card account",
                    currency.code()
                ),
            )
        })?;
    let available = world.ledger.balance(account)?.available;
    if available < amount {
        return Err(OpError::new(
            Code::InsufficientBalance,
            format!(
                "the {} card account of program {program_value} holds {}, less than {amount}",
                currency.code(),
                available.normalize()
            ),
        ));
    }
    let funding = system_account(world, "funding", currency);
    let batch = next_batch(world);
    change(
        world,
        program,
        currency,
        false,
        amount,
        funding,
        fund,
        &batch,
        (amount, currency),
        Decimal::ONE,
        None,
    )
}

/// Releases card limit back to the merchant (fund_type 23).
pub(crate) fn release(
    world: &mut World,
    program_value: u32,
    currency: Currency,
    amount: Decimal,
) -> Result<RecordIdx, OpError> {
    debit(
        world,
        program_value,
        currency,
        amount,
        fund_type::LIMIT_RELEASE,
    )
}

/// Pays card-account funds out to the merchant's bank (fund_type 28).
pub(crate) fn payout(
    world: &mut World,
    program_value: u32,
    currency: Currency,
    amount: Decimal,
) -> Result<PayoutIdx, OpError> {
    let record = debit(world, program_value, currency, amount, fund_type::PAYOUT)?;
    let r = world.opcard.records[record].clone();
    world.opcard.payouts.push(Payout {
        batch_no: r.batch_no,
        program: r.program,
        currency,
        amount,
        balance_after: r.balance_after,
        time: r.time,
        id: r.id,
    });
    Ok(PayoutIdx(world.opcard.payouts.len() - 1))
}
