//! The read side: Transaction Query v3 and the single-card monthly statement, both
//! views over the same records the operations write.

use super::error::{Code, HcError};
use super::ops::GMT8;
use super::state::{HypercardState, RecordIdx};
use super::wire::{self, Body, MonthStatement, StatementRow, TxPage, TxRecord};
use crate::clock::Timestamp;

/// The business types Transaction Query v3 knows.
pub(super) const BUSINESS_TYPES: [u16; 7] = [1, 2, 3, 8, 10, 101, 102];
/// The longest span of one v3 query: 60 days.
const V3_MAX_SPAN: i64 = 60 * 86_400;
/// The longest span of one statement query: 31 days (the API-wide one-month rule).
const STATEMENT_MAX_SPAN: i64 = 31 * 86_400;

/// The latest unix second a time field may name: the end of the year 9999.
const LAST_SECOND: i64 = 253_402_300_799;

fn unix_field(body: &Body, name: &str) -> Result<Option<i64>, HcError> {
    let bad = || {
        HcError::param(format!(
            "{name} must be unix seconds as a string, such as \"1700000000\", from 0 to {LAST_SECOND}"
        ))
    };
    match wire::opt_int(body, name).map_err(|_| bad())? {
        Some(seconds) if !(0..=LAST_SECOND).contains(&seconds) => Err(bad()),
        seconds => Ok(seconds),
    }
}

fn required<T>(value: Option<T>, name: &str) -> Result<T, HcError> {
    value.ok_or_else(|| HcError::param(format!("{name} is required")))
}

fn check_span(start: i64, end: i64, max: i64) -> Result<(), HcError> {
    if end < start {
        return Err(HcError::param(format!(
            "end_time {end} is before start_time {start}"
        )));
    }
    if end - start > max {
        return Err(HcError::param(format!(
            "the span from start_time to end_time may not exceed {} days, got {:.1}",
            max / 86_400,
            (end - start) as f64 / 86_400.0
        )));
    }
    Ok(())
}

/// `/v3/openapi/card/transactions`.
pub(super) fn transactions(state: &HypercardState, body: &Body) -> Result<TxPage, HcError> {
    let business_type = wire::req_int(body, "business_type")?;
    if !BUSINESS_TYPES
        .iter()
        .any(|b| i64::from(*b) == business_type)
    {
        return Err(HcError::param(format!(
            "business_type must be one of 1, 2, 3, 8, 10, 101, 102, got {business_type}"
        )));
    }
    let card_id = wire::opt_id(body, "card_id", 20)?;
    let tx_id = wire::opt_id(body, "tx_id", 32)?;
    if tx_id.is_some() && card_id.is_none() {
        return Err(HcError::param("card_id is required when tx_id is given"));
    }
    let by_tx = tx_id.is_some();
    let start = unix_field(body, "start_time")?;
    let end = unix_field(body, "end_time")?;
    let page = wire::opt_int(body, "page")?;
    let size = wire::opt_int(body, "size")?;
    let (start, end, page, size) = if by_tx {
        (start, end, page.unwrap_or(1), size.unwrap_or(10))
    } else {
        let start = required(start, "start_time")?;
        let end = required(end, "end_time")?;
        (
            Some(start),
            Some(end),
            required(page, "page")?,
            required(size, "size")?,
        )
    };
    if page < 1 {
        return Err(HcError::param(format!(
            "page must be at least 1, got {page}"
        )));
    }
    if !(10..=200).contains(&size) {
        return Err(HcError::param(format!(
            "size must be between 10 and 200, got {size}"
        )));
    }
    if let (Some(s), Some(e)) = (start, end) {
        check_span(s, e, V3_MAX_SPAN)?;
    }
    let card = match card_id {
        Some(id) => Some(
            state
                .card_by_id(id)
                .ok_or_else(|| HcError::card_not_found(id))?,
        ),
        None => None,
    };
    let business_type = u16::try_from(business_type).unwrap_or_default();
    // One record by tx_id, else the type's (or card's and type's) records in time
    // order, narrowed to the time range by binary search.
    let by_tx: Vec<RecordIdx>;
    let listed: &[RecordIdx] = match tx_id {
        Some(t) => {
            by_tx = state
                .record_by_tx_id(t)
                .filter(|&i| {
                    let r = &state.records[i];
                    r.detail.business_type() == business_type && r.card == card
                })
                .into_iter()
                .collect();
            &by_tx
        }
        None => state.records_of(business_type, card),
    };
    let secs = |i: RecordIdx| state.records[i].time.as_secs();
    let from = start.map_or(0, |s| listed.partition_point(|&i| secs(i) < s));
    let to = end.map_or(listed.len(), |e| listed.partition_point(|&i| secs(i) <= e));
    let matched = &listed[from..to.max(from)];
    // Newest first; records at the same second keep the reverse of their creation order.
    let total = matched.len();
    let skip = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let records = matched
        .iter()
        .rev()
        .skip(skip)
        .take(usize::try_from(size).unwrap_or(0))
        .map(|&i| TxRecord::of(state, &state.records[i]))
        .collect();
    Ok(TxPage {
        records,
        total,
        page,
        size,
    })
}

/// (year, month) of an instant in GMT+8.
fn month_of(t: Timestamp) -> (i32, u8) {
    let dt = t
        .to_datetime()
        .to_offset(time::UtcOffset::from_whole_seconds(GMT8).unwrap_or(time::UtcOffset::UTC));
    (dt.year(), u8::from(dt.month()))
}

/// `/v2/openapi/card/transaction/record`: whole calendar months (GMT+8) overlapping the
/// range, oldest first, each with its rows in time order; months without rows are left
/// out, so a card that never transacted gets an empty list.
pub(super) fn statement(
    state: &HypercardState,
    body: &Body,
) -> Result<Vec<MonthStatement>, HcError> {
    let card_id = wire::req_id(body, "card_id", 20)?;
    let start = required(unix_field(body, "start_time")?, "start_time")?;
    let end = required(unix_field(body, "end_time")?, "end_time")?;
    check_span(start, end, STATEMENT_MAX_SPAN)?;
    let card = state
        .card_by_id(card_id)
        .ok_or_else(|| HcError::card_not_found(card_id))?;
    let first = month_of(Timestamp::from_secs(start));
    let last = month_of(Timestamp::from_secs(end));
    let mut months: Vec<MonthStatement> = Vec::new();
    let mut month = first;
    while month <= last {
        let rows: Vec<StatementRow> = state
            .records
            .iter()
            .filter(|r| r.card == Some(card) && month_of(r.time) == month)
            .map(|r| StatementRow::of(state, r))
            .collect();
        if !rows.is_empty() {
            let (year, m) = month;
            let last_day = time::util::days_in_month(
                time::Month::try_from(m).unwrap_or(time::Month::January),
                year,
            );
            months.push(MonthStatement {
                bank_tx_list: rows,
                month_year: format!("{m:02}{year:04}"),
                statement_cycle_date: format!("{year:04}-{m:02}-{last_day:02}"),
            });
        }
        month = if month.1 == 12 {
            (month.0 + 1, 1)
        } else {
            (month.0, month.1 + 1)
        };
    }
    Ok(months)
}

/// The answer when an operation result is looked up with an unknown key.
pub(super) fn unknown_operation() -> HcError {
    HcError::new(
        Code::A0000,
        "no operation with this card_id, request_number and type",
    )
}
