//! Card spend and the monthly bill: spend waits for the month boundary (GMT+8), then
//! one fund_type 21 debit and one 22 credit per card account.

use rust_decimal::Decimal;

use super::*;
use crate::money::Currency;
use crate::providers::opcard::error::{Code, OpError};
use crate::providers::opcard::state::{ProgramIdx, Spend, SpendIdx, fund_type};
use crate::scheduler::Event;
use crate::tenant::World;

/// Card spend (or its refund), billed to the card account at the next month boundary.
pub(crate) fn card_spend(
    world: &mut World,
    card_id: u64,
    amount: Decimal,
    currency: Currency,
    merchant: &str,
    refund: bool,
) -> Result<SpendIdx, OpError> {
    settings(world)?;
    let card = world
        .opcard
        .card_index(card_id)
        .ok_or_else(|| OpError::new(Code::NotFound, format!("card {card_id} does not exist")))?;
    if amount <= Decimal::ZERO {
        return Err(OpError::param(format!(
            "amount must be greater than 0, got {amount}"
        )));
    }
    check_scale(amount, currency, "amount")?;
    let program = world.opcard.cards[card].program;
    if !world.opcard.programs[program]
        .accounts
        .contains_key(&currency)
    {
        return Err(OpError::param(format!(
            "program {} has no {} card account to bill",
            world.opcard.programs[program].value,
            currency.code()
        )));
    }
    let now = world.now();
    world.opcard.spends.push(Spend {
        card,
        currency,
        amount,
        merchant: merchant.to_owned(),
        refund,
        time: now,
        billed: false,
    });
    Ok(SpendIdx(world.opcard.spends.len() - 1))
}

/// Scheduler handler: at a month boundary, bills each card account the spend of the
/// month (fund_type 21 debit, may go below zero) and credits its refunds (22), then
/// schedules the next boundary.
pub(crate) fn monthly_bill(world: &mut World, _event: &Event) -> Result<(), String> {
    let boundary = world.now();
    let mut totals: std::collections::BTreeMap<(ProgramIdx, Currency, bool), Decimal> =
        Default::default();
    for spend in world
        .opcard
        .spends
        .iter_mut()
        .filter(|s| !s.billed && s.time < boundary)
    {
        let program = world.opcard.cards[spend.card].program;
        *totals
            .entry((program, spend.currency, spend.refund))
            .or_default() += spend.amount;
        spend.billed = true;
    }
    for ((program, currency, refund), amount) in totals {
        let network = system_account(world, "network", currency);
        let batch = next_batch(world);
        let fund = if refund {
            fund_type::BILL_SETTLEMENT
        } else {
            fund_type::MONTHLY_BILL
        };
        change(
            world,
            program,
            currency,
            refund,
            amount,
            network,
            fund,
            &batch,
            (amount, currency),
            Decimal::ONE,
            None,
        )
        .map_err(|e| e.msg)?;
    }
    world.schedule(next_month_start(boundary), MONTHLY_BILL, &[]);
    Ok(())
}

/// Schedules the first monthly bill after now (a world with an opcard section has one
/// pending at all times).
pub(crate) fn schedule_first_bill(world: &mut World) {
    let due = next_month_start(world.now());
    world.schedule(due, MONTHLY_BILL, &[]);
}
