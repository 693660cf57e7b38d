//! OPCard's operations on a tenant's world. Each checks its inputs, then posts to the
//! ledger and writes the balance change record of that posting together, so
//! `card_limit_amount` is always the card account's ledger balance after the change.
//!
//! Ledger accounts (keys): `opcard:account:<program>:<CUR>` per card account (may go
//! below zero only through a monthly bill); `opcard:funding:<CUR>` the merchant's bank
//! (loads come from it, releases and payouts go to it); `opcard:network:<CUR>` the card
//! network (billed card spend); `opcard:fx:<CUR>` forex clearing.

use rust_decimal::Decimal;

use super::error::{Code, OpError};
use super::state::{
    Card, ChangeRecord, Load, LoadStatus, Payout, Program, RiskRule, Settings, Spend, Token,
    fund_type,
};
use super::wire::GMT8;
use crate::clock::Timestamp;
use crate::ledger::{AccountId, AccountKind, AccountSpec, EntryDraft, Metadata};
use crate::money::Currency;
use crate::scheduler::Event;
use crate::tenant::World;

/// Event kind: confirm a pending load. Data: `load` (index).
pub const LOAD_CONFIRM: &str = "opcard.load_confirm";
/// Event kind: bill the card spend of the month that ends at the event's due time.
pub const MONTHLY_BILL: &str = "opcard.monthly_bill";
/// Lifetime of a token from `auth/token`, in seconds.
pub const TOKEN_SECONDS: i64 = 7200;

pub(crate) fn settings(world: &World) -> Result<&Settings, OpError> {
    world
        .opcard
        .settings
        .as_ref()
        .ok_or_else(|| OpError::unauthorized("this tenant's scenario has no opcard section"))
}

/// Issues a token for a client, valid for two hours on the tenant clock.
pub fn issue_token(world: &mut World, app_key: &str, app_secret: &str) -> Result<String, OpError> {
    settings(world)?;
    let client = world
        .opcard
        .clients
        .iter()
        .find(|c| c.app_key == app_key)
        .ok_or_else(|| OpError::unauthorized(format!("unknown app_key {app_key:?}")))?;
    if client.app_secret != app_secret {
        return Err(OpError::unauthorized(
            "app_secret does not match the app_key",
        ));
    }
    let token = world.ids.hex(32);
    let expires_at = world.now().plus_secs(TOKEN_SECONDS);
    world.opcard.tokens.insert(
        token.clone(),
        Token {
            app_key: app_key.to_owned(),
            expires_at,
        },
    );
    Ok(token)
}

/// Accepts a static token of the scenario or an issued one that has not expired.
pub fn check_token(world: &World, token: &str) -> Result<(), OpError> {
    settings(world)?;
    if world
        .opcard
        .clients
        .iter()
        .any(|c| c.static_token.as_deref() == Some(token))
    {
        return Ok(());
    }
    match world.opcard.tokens.get(token) {
        Some(t) if t.expires_at > world.now() => Ok(()),
        Some(_) => Err(OpError::unauthorized(
            "the token has expired; get a new one from POST /card-api/v1/auth/token",
        )),
        None => Err(OpError::unauthorized(
            "unknown token; send Authorization: <token> from POST /card-api/v1/auth/token",
        )),
    }
}

fn program(world: &World, value: u32) -> Result<usize, OpError> {
    world.opcard.program_index(value).ok_or_else(|| {
        OpError::new(
            Code::NotFound,
            format!("no program {value} in this account"),
        )
    })
}

/// A program's card account in `currency`, opened on first use.
pub(crate) fn card_account(world: &mut World, program: usize, currency: Currency) -> AccountId {
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
    if let Ok(account) = world.ledger.account_by_key(&key) {
        return account.id;
    }
    let now = world.now();
    world
        .ledger
        .open_account(AccountSpec {
            key,
            kind,
            currency,
            allow_negative: negative,
            opened_at: now,
            metadata: Metadata::new(),
        })
        .expect("the key was just looked up and is free")
}

pub fn add_program(
    world: &mut World,
    value: u32,
    cn_name: &str,
    en_name: &str,
    currencies: &[Currency],
) -> usize {
    let index = world.opcard.programs.len();
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
    program: usize,
    currency: Currency,
    credit: bool,
    amount: Decimal,
    counter: AccountId,
    fund: u16,
    batch_no: &str,
    bill: (Decimal, Currency),
    rate: Decimal,
    exchange_time: Option<Timestamp>,
) -> Result<usize, OpError> {
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
    Ok(world.opcard.records.len() - 1)
}

/// Creates a card in a program.
#[allow(clippy::too_many_arguments)]
pub fn create_card(
    world: &mut World,
    program_value: u32,
    card_name: &str,
    card_desc: &str,
    validity: &str,
    card_holder_id: Option<u64>,
    risk_list: Vec<RiskRule>,
    card_id: Option<u64>,
) -> Result<usize, OpError> {
    let program = program(world, program_value)?;
    let valid_until = validity_end(validity)?;
    if valid_until <= world.now() {
        return Err(OpError::param(format!(
            "card_validity_time {validity} is in the past"
        )));
    }
    let card_id = match card_id {
        Some(id) if world.opcard.card_index(id).is_some() => {
            return Err(OpError::new(
                Code::Conflict,
                format!("card {id} exists already"),
            ));
        }
        Some(id) => id,
        None => fresh_id(world),
    };
    let card_no = fresh_id(world);
    let card_holder_id = match card_holder_id {
        Some(id) => id,
        None => fresh_id(world),
    };
    let last4 = world.ids.numeric(4);
    let now = world.now();
    world.opcard.cards.push(Card {
        card_id,
        card_no,
        card_number: format!("527375 **** {last4}"),
        card_name: card_name.to_owned(),
        card_desc: card_desc.to_owned(),
        card_holder_id,
        program,
        valid_until,
        status: "Activate".to_owned(),
        risk_list,
        created_at: now,
    });
    Ok(world.opcard.cards.len() - 1)
}

/// A 19-digit id above 2^53, as OPCard's ids are.
fn fresh_id(world: &mut World) -> u64 {
    world.ids.numeric(19).parse::<u64>().unwrap_or(u64::MAX / 2) % 8_000_000_000_000_000_000
        + 1_000_000_000_000_000_000
}

/// The last instant of a `YYYYMM` month, GMT+8.
fn validity_end(validity: &str) -> Result<Timestamp, OpError> {
    let bad = || {
        OpError::param(format!(
            "card_validity_time must be YYYYMM, got {validity:?}"
        ))
    };
    if validity.len() != 6 || !validity.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = validity[..4].parse().map_err(|_| bad())?;
    let month: u8 = validity[4..].parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    Ok(month_start(y, m).plus_millis(-1))
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
pub fn month_start_of(t: Timestamp) -> Timestamp {
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
pub fn create_load(
    world: &mut World,
    program_value: u32,
    accounting_currency: Currency,
    bill_currency: Currency,
    accounting_amount: Decimal,
) -> Result<usize, OpError> {
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
pub fn create_load_after(
    world: &mut World,
    program_value: u32,
    accounting_currency: Currency,
    bill_currency: Currency,
    accounting_amount: Decimal,
    delay: i64,
) -> Result<usize, OpError> {
    settings(world)?;
    let program = program(world, program_value)?;
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
    let index = world.opcard.loads.len() - 1;
    world.schedule(
        now.plus_secs(delay),
        LOAD_CONFIRM,
        &[("load", index.to_string())],
    );
    Ok(index)
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

/// Scheduler handler: confirms a load, writing its fund_type 20 record (and, across
/// currencies, the forex sell 24 and buy 25 pair).
pub fn confirm_load(world: &mut World, event: &Event) -> Result<(), String> {
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
) -> Result<usize, OpError> {
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
pub fn release(
    world: &mut World,
    program_value: u32,
    currency: Currency,
    amount: Decimal,
) -> Result<usize, OpError> {
    debit(
        world,
        program_value,
        currency,
        amount,
        fund_type::LIMIT_RELEASE,
    )
}

/// Pays card-account funds out to the merchant's bank (fund_type 28).
pub fn payout(
    world: &mut World,
    program_value: u32,
    currency: Currency,
    amount: Decimal,
) -> Result<usize, OpError> {
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
    Ok(world.opcard.payouts.len() - 1)
}

/// Card spend (or its refund), billed to the card account at the next month boundary.
pub fn card_spend(
    world: &mut World,
    card_id: u64,
    amount: Decimal,
    currency: Currency,
    merchant: &str,
    refund: bool,
) -> Result<usize, OpError> {
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
    Ok(world.opcard.spends.len() - 1)
}

/// Scheduler handler: at a month boundary, bills each card account the spend of the
/// month (fund_type 21 debit, may go below zero) and credits its refunds (22), then
/// schedules the next boundary.
pub fn monthly_bill(world: &mut World, _event: &Event) -> Result<(), String> {
    let boundary = world.now();
    let mut totals: std::collections::BTreeMap<(usize, Currency, bool), Decimal> =
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
pub fn schedule_first_bill(world: &mut World) {
    let due = next_month_start(world.now());
    world.schedule(due, MONTHLY_BILL, &[]);
}
