//! OPCard's operations on a tenant's world. Each checks its inputs, then posts to the
//! ledger and writes the balance change record of that posting together, so
//! `card_limit_amount` is always the card account's ledger balance after the change.
//!
//! Ledger accounts (keys): `opcard:account:<program>:<CUR>` per card account (may go
//! below zero only through a monthly bill); `opcard:funding:<CUR>` the merchant's bank
//! (loads come from it, releases and payouts go to it); `opcard:network:<CUR>` the card
//! network (billed card spend); `opcard:fx:<CUR>` forex clearing.

mod auth;
mod bills;
mod card;
mod funds;

use rust_decimal::Decimal;

use super::error::{Code, OpError};
use super::state::{ChangeRecord, Program, ProgramIdx, RecordIdx, Settings};
use super::wire::GMT8;
use crate::clock::Timestamp;
use crate::ledger::{AccountId, AccountKind, AccountSpec, EntryDraft, Metadata};
use crate::money::Currency;
use crate::tenant::World;

pub(crate) use auth::{check_token, issue_token};
pub(crate) use bills::{card_spend, monthly_bill, schedule_first_bill};
pub(crate) use card::create_card;
pub(crate) use funds::{confirm_load, create_load, create_load_after, payout, release};

/// Event kind: confirm a pending load. Data: `load` (index).
pub(crate) const LOAD_CONFIRM: &str = "opcard.load_confirm";
/// Event kind: bill the card spend of the month that ends at the event's due time.
pub(crate) const MONTHLY_BILL: &str = "opcard.monthly_bill";
/// Lifetime of a token from `auth/token`, in seconds.
pub(crate) const TOKEN_SECONDS: i64 = 7200;

pub(crate) fn settings(world: &World) -> Result<&Settings, OpError> {
    world
        .opcard
        .settings
        .as_ref()
        .ok_or_else(|| OpError::unauthorized("this tenant's scenario has no opcard section"))
}

fn program(world: &World, value: u32) -> Result<ProgramIdx, OpError> {
    world.opcard.program_index(value).ok_or_else(|| {
        OpError::new(
            Code::NotFound,
            format!("no program {value} in this account"),
        )
    })
}

/// A program's card account in `currency`, opened on first use.
pub(crate) fn card_account(
    world: &mut World,
    program: ProgramIdx,
    currency: Currency,
) -> AccountId {
    if let Some(account) = world.opcard.programs[program].accounts.get(&currency) {
        return *account;
    }
    let key = format!(
        "opcard:account:{}:{}",
        world.opcard.programs[program].value,
        currency.code()
    );
    let account = open(world, key, AccountKind::Wallet, currency, true);
    world.opcard.programs[program]
        .accounts
        .insert(currency, account);
    account
}

fn system_account(world: &mut World, role: &str, currency: Currency) -> AccountId {
    let kind = match role {
        "fx" => AccountKind::Clearing,
        _ => AccountKind::External,
    };
    open(
        world,
        format!("opcard:{role}:{}", currency.code()),
        kind,
        currency,
        true,
    )
}

fn open(
    world: &mut World,
    key: String,
    kind: AccountKind,
    currency: Currency,
    negative: bool,
) -> AccountId {
    let now = world.now();
    world.ledger.open_or_get(AccountSpec {
        key,
        kind,
        currency,
        allow_negative: negative,
        opened_at: now,
        metadata: Metadata::new(),
    })
}

pub(crate) fn add_program(
    world: &mut World,
    value: u32,
    cn_name: &str,
    en_name: &str,
    currencies: &[Currency],
) -> ProgramIdx {
    let index = ProgramIdx(world.opcard.programs.len());
    world.opcard.programs.push(Program {
        value,
        cn_name: cn_name.to_owned(),
        en_name: en_name.to_owned(),
        accounts: Default::default(),
    });
    for currency in currencies {
        card_account(world, index, *currency);
    }
    index
}

fn next_batch(world: &mut World) -> String {
    let batch = world.opcard.next_batch;
    world.opcard.next_batch += 1;
    batch.to_string()
}

/// Moves `amount` between a card account and `counter`, and writes the record.
#[allow(clippy::too_many_arguments)]
fn change(
    world: &mut World,
    program: ProgramIdx,
    currency: Currency,
    credit: bool,
    amount: Decimal,
    counter: AccountId,
    fund: u16,
    batch_no: &str,
    bill: (Decimal, Currency),
    rate: Decimal,
    exchange_time: Option<Timestamp>,
) -> Result<RecordIdx, OpError> {
    let account = card_account(world, program, currency);
    let (from, to) = if credit {
        (counter, account)
    } else {
        (account, counter)
    };
    let now = world.now();
    let entry = world.ledger.post(
        EntryDraft::transfer(now, format!("opcard.fund_type_{fund}"), from, to, amount)
            .with_metadata("opcard.batch_no", batch_no.to_owned()),
    )?;
    let balance_after = world.ledger.balance(account)?.posted;
    let id = world.opcard.next_record_id;
    world.opcard.next_record_id += 1;
    world.opcard.records.push(ChangeRecord {
        id,
        program,
        time: now,
        moving_type: if credit { 1 } else { 2 },
        fund_type: fund,
        batch_no: batch_no.to_owned(),
        bill_amount: bill.0,
        bill_currency: bill.1,
        amount,
        currency,
        balance_after,
        exchange_rate: rate,
        exchange_time,
        entry,
    });
    Ok(RecordIdx(world.opcard.records.len() - 1))
}

/// Midnight GMT+8 on the first day of a month.
pub(crate) fn month_start(year: i32, month: u8) -> Timestamp {
    let date = time::Date::from_calendar_date(
        year,
        time::Month::try_from(month).unwrap_or(time::Month::January),
        1,
    )
    .unwrap_or(time::Date::MIN);
    let secs = date.midnight().assume_utc().unix_timestamp() - i64::from(GMT8);
    Timestamp::from_secs(secs)
}

/// Midnight GMT+8 on the first day of the month `t` falls in (how OPCard prints a
/// card's validity month).
pub(crate) fn month_start_of(t: Timestamp) -> Timestamp {
    let dt = t
        .to_datetime()
        .to_offset(time::UtcOffset::from_whole_seconds(GMT8).unwrap_or(time::UtcOffset::UTC));
    month_start(dt.year(), u8::from(dt.month()))
}

/// The first month boundary (GMT+8) strictly after `t`.
pub(crate) fn next_month_start(t: Timestamp) -> Timestamp {
    let dt = t
        .to_datetime()
        .to_offset(time::UtcOffset::from_whole_seconds(GMT8).unwrap_or(time::UtcOffset::UTC));
    let (y, m) = if u8::from(dt.month()) == 12 {
        (dt.year() + 1, 1)
    } else {
        (dt.year(), u8::from(dt.month()) + 1)
    };
    month_start(y, m)
}

fn check_scale(amount: Decimal, currency: Currency, name: &str) -> Result<(), OpError> {
    if amount.normalize().scale() > currency.scale() {
        return Err(OpError::param(format!(
            "{name} {amount} has more decimals than {} allows ({})",
            currency.code(),
            currency.scale()
        )));
    }
    Ok(())
}
