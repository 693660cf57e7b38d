//! Cursor listings: balance change records and payouts. A cursor is the id of the last
//! record of the previous page; ids grow with creation, so a record created after the
//! first page never shifts or repeats a later page (newest-first pages only ever see
//! older ids; oldest-first pages meet new records at the end).

use serde_json::Value;

use super::error::{Code, OpError};
use super::state::{ChangeRecord, OpcardState, fund_type};
use super::wire::{self, Body, ChangeRow, Page, PayoutRow};
use crate::clock::Timestamp;
use crate::money::Currency;

/// The most rows one page may carry.
const MAX_LIMIT: i64 = 100;

struct Paging {
    after: Option<u64>,
    limit: usize,
    ascending: bool,
}

/// Reads `cursor`, `limit` and `ascending`; `known` says whether a cursor names an item
/// (a binary search over the ids, which are sorted).
fn paging(body: &Body, known: impl Fn(u64) -> bool) -> Result<Paging, OpError> {
    let after = match body.get("cursor") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => {
            let id: u64 = s.trim().parse().map_err(|_| {
                OpError::param(format!(
                    "cursor {s:?} is not a cursor; send \"\" for the first page and next_cursor after that"
                ))
            })?;
            if !known(id) {
                return Err(OpError::param(format!(
                    "cursor {s:?} is unknown; send \"\" for the first page and next_cursor after that"
                )));
            }
            Some(id)
        }
        Some(_) => return Err(OpError::param("cursor must be a string")),
    };
    let limit = match body.get("limit") {
        None | Some(Value::Null) => 10,
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        Some(_) => 0,
    };
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(OpError::param(format!(
            "limit must be between 1 and {MAX_LIMIT}, got {}",
            body.get("limit").map(Value::to_string).unwrap_or_default()
        )));
    }
    Ok(Paging {
        after,
        limit: usize::try_from(limit).unwrap_or(10),
        ascending: wire::opt_bool(body, "ascending")?.unwrap_or(false),
    })
}

/// One page of `items` (sorted by id ascending) that pass `keep`.
fn page<'a, T>(
    items: &'a [T],
    id: impl Fn(&T) -> u64,
    keep: impl Fn(&T) -> bool,
    paging: &Paging,
) -> (Vec<&'a T>, Option<String>) {
    let start = paging
        .after
        .map_or(0, |after| items.partition_point(|i| id(i) <= after));
    let end = paging.after.map_or(items.len(), |after| {
        items.partition_point(|i| id(i) < after)
    });
    let mut picked: Vec<&T> = if paging.ascending {
        items[start..]
            .iter()
            .filter(|i| keep(i))
            .take(paging.limit + 1)
            .collect()
    } else {
        items[..end]
            .iter()
            .rev()
            .filter(|i| keep(i))
            .take(paging.limit + 1)
            .collect()
    };
    let has_more = picked.len() > paging.limit;
    picked.truncate(paging.limit);
    let next = if has_more {
        picked.last().map(|i| id(i).to_string())
    } else {
        None
    };
    (picked, next)
}

fn currencies(body: &Body, name: &str) -> Result<Option<Vec<Currency>>, OpError> {
    wire::filter_list(body, name, |v| match v {
        Value::String(s) => wire::parse_currency(s, name),
        _ => Err(OpError::param(format!(
            "{name} items must be currency codes"
        ))),
    })
}

/// Whether a record's time lies in `from..=to`, compared at the precision OPCard
/// prints times in (whole seconds): a client filtering by the time it read back finds
/// the record it read, also at either edge (`quirks.rs`).
fn in_window(time: Timestamp, from: Option<Timestamp>, to: Option<Timestamp>) -> bool {
    let secs = time.as_secs();
    from.is_none_or(|f| secs >= f.as_secs()) && to.is_none_or(|t| secs <= t.as_secs())
}

/// `POST /card-api/v1/balance/change/records`.
pub(super) fn change_records(state: &OpcardState, body: &Body) -> Result<Page<ChangeRow>, OpError> {
    let paging = paging(body, |id| {
        state.records.binary_search_by_key(&id, |r| r.id).is_ok()
    })?;
    let from = wire::opt_time(body, "from_changed_at")?;
    let to = wire::opt_time(body, "to_changed_at")?;
    let bills = currencies(body, "bill_currency_list")?;
    let moving = currencies(body, "moving_account_currency_list")?;
    let funds = wire::filter_list(body, "fund_type_list", |v| {
        let fund = match v {
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        fund.filter(|f| fund_type::ALL.contains(f)).ok_or_else(|| {
            OpError::param(format!(
                "fund_type_list items must be fund types (20, 21, 22, 23, 24, 25, 28), got {v}"
            ))
        })
    })?;
    let programs = wire::filter_list(body, "program_value_list", |v| {
        wire::parse_program(v, "program_value_list")
    })?;
    let keep = |r: &ChangeRecord| {
        in_window(r.time, from, to)
            && bills.as_ref().is_none_or(|b| b.contains(&r.bill_currency))
            && moving.as_ref().is_none_or(|m| m.contains(&r.currency))
            && funds.as_ref().is_none_or(|f| f.contains(&r.fund_type))
            && programs
                .as_ref()
                .is_none_or(|p| p.contains(&state.programs[r.program].value))
    };
    let (rows, next_cursor) = page(&state.records, |r| r.id, keep, &paging);
    Ok(Page {
        has_more: next_cursor.is_some(),
        data: rows.into_iter().map(|r| row(state, r)).collect(),
        next_cursor,
    })
}

fn row(state: &OpcardState, r: &ChangeRecord) -> ChangeRow {
    ChangeRow {
        program_value: state.programs[r.program].value,
        moving_account_time: wire::time(r.time),
        moving_account_type: r.moving_type,
        fund_type: r.fund_type,
        batch_no: r.batch_no.clone(),
        bill_amount: wire::number(r.bill_amount),
        bill_currency: r.bill_currency.code().to_owned(),
        moving_account_amount: wire::number(r.amount),
        moving_account_currency: r.currency.code().to_owned(),
        card_limit_currency: r.currency.code().to_owned(),
        card_limit_amount: wire::number(r.balance_after),
        card_exchange_rate: wire::fixed(r.exchange_rate, 10),
        card_exchange_time: r.exchange_time.map(wire::time),
    }
}

/// `POST /card-api/v1/payouts/list`.
pub(super) fn payouts(state: &OpcardState, body: &Body) -> Result<Page<PayoutRow>, OpError> {
    let paging = paging(body, |id| {
        state.payouts.binary_search_by_key(&id, |p| p.id).is_ok()
    })?;
    let batch_no = wire::opt_str(body, "batch_no")?;
    let program = wire::opt_program(body, "program_value")?;
    let currency = wire::opt_currency(body, "currency")?;
    let from = wire::opt_time(body, "from_created_at")?;
    let to = wire::opt_time(body, "to_created_at")?;
    let keep = |p: &super::state::Payout| {
        batch_no.is_none_or(|b| p.batch_no == b)
            && program.is_none_or(|v| state.programs[p.program].value == v)
            && currency.is_none_or(|c| p.currency == c)
            && in_window(p.time, from, to)
    };
    let (rows, next_cursor) = page(&state.payouts, |p| p.id, keep, &paging);
    Ok(Page {
        has_more: next_cursor.is_some(),
        data: rows.into_iter().map(|p| payout_row(state, p)).collect(),
        next_cursor,
    })
}

pub(super) fn payout_row(state: &OpcardState, p: &super::state::Payout) -> PayoutRow {
    let program = &state.programs[p.program];
    PayoutRow {
        batch_no: p.batch_no.clone(),
        program_value: program.value,
        program_cn_name: program.cn_name.clone(),
        program_en_name: program.en_name.clone(),
        moving_account_time: wire::time(p.time),
        currency: p.currency.code().to_owned(),
        amount: wire::number(p.amount),
        issue_card_amount: wire::number(p.balance_after),
    }
}

/// The answer when a card id names no card.
pub(super) fn card_not_found(card_id: u64) -> OpError {
    OpError::new(Code::NotFound, format!("card {card_id} does not exist"))
}
