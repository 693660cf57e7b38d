//! HyperCard's JSON: reading request fields (ids must be strings, amounts decimal
//! strings, unknown fields ignored) and the response shapes, with fields in the order
//! the documentation's tables list them. Amounts print with 8 decimals except the card
//! balance (2, as its example shows); currencies and coins are lower-case; times are
//! unix seconds.

mod answers;
mod records;
mod requests;
mod statement;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::error::HcError;
use crate::http_util::json_kind;
use crate::money::{Currency, format_fixed};

pub use answers::{
    ApplyResult, ApplyResultData, BalanceData, BankDetailsData, BuyCoinData, MerchantBalanceRow,
    OperationResultData, ProductRow, RechargeData, RechargeFigures, RechargeQueryData,
};
pub use records::{
    BuyCoinRecord, CancelRecord, ConsumptionRecord, FeeRecord, RechargeRecord, RefundRecord,
    TxPage, TxRecord, WithdrawalRecord,
};
pub use requests::*;
pub use statement::{MonthStatement, StatementRow};

/// The request body: a JSON object.
pub type Body = Map<String, Value>;

/// Decimals HyperCard prints amounts with.
pub const AMOUNT_DECIMALS: u32 = 8;

pub fn amount(value: Decimal) -> String {
    format_fixed(value, AMOUNT_DECIMALS)
}

pub fn coin(currency: Currency) -> String {
    currency.code().to_ascii_lowercase()
}

/// A string field; `None` when absent, null or empty. A number is refused: HyperCard
/// ids run to 20 digits and JSON numbers above 2^53 lose digits.
pub fn opt_str<'a>(body: &'a Body, name: &str) -> Result<Option<&'a str>, HcError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(_)) => Err(HcError::param(format!(
            "{name} must be a string (send \"{name}\": \"...\"); numbers above 2^53 lose digits"
        ))),
        Some(other) => Err(HcError::param(format!(
            "{name} must be a string, got {}",
            json_kind(other)
        ))),
    }
}

pub fn req_str<'a>(body: &'a Body, name: &str) -> Result<&'a str, HcError> {
    opt_str(body, name)?.ok_or_else(|| HcError::param(format!("{name} is required")))
}

/// A numeric id of at most `max_digits` digits, sent as a string.
pub fn opt_id<'a>(
    body: &'a Body,
    name: &str,
    max_digits: usize,
) -> Result<Option<&'a str>, HcError> {
    let Some(id) = opt_str(body, name)? else {
        return Ok(None);
    };
    if id.len() > max_digits || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HcError::param(format!(
            "{name} must be a numeric string of at most {max_digits} digits, got {id:?}"
        )));
    }
    Ok(Some(id))
}

pub fn req_id<'a>(body: &'a Body, name: &str, max_digits: usize) -> Result<&'a str, HcError> {
    opt_id(body, name, max_digits)?.ok_or_else(|| HcError::param(format!("{name} is required")))
}

/// A text field with a length limit (`mc_trade_no` ≤ 128, `remark` ≤ 255, ...).
pub fn opt_text<'a>(body: &'a Body, name: &str, max: usize) -> Result<Option<&'a str>, HcError> {
    let text = opt_str(body, name)?;
    if let Some(t) = text
        && t.chars().count() > max
    {
        return Err(HcError::param(format!(
            "{name} must be at most {max} characters, got {}",
            t.chars().count()
        )));
    }
    Ok(text)
}

pub fn req_text<'a>(body: &'a Body, name: &str, max: usize) -> Result<&'a str, HcError> {
    opt_text(body, name, max)?.ok_or_else(|| HcError::param(format!("{name} is required")))
}

/// An integer field, sent as a JSON integer or a string of digits.
pub fn opt_int(body: &Body, name: &str) -> Result<Option<i64>, HcError> {
    let bad = || HcError::param(format!("{name} must be an integer"));
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(bad),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

pub fn req_int(body: &Body, name: &str) -> Result<i64, HcError> {
    opt_int(body, name)?.ok_or_else(|| HcError::param(format!("{name} is required")))
}

/// A decimal amount sent as a string (`"100.00"`), as HyperCard requires.
pub fn opt_amount(body: &Body, name: &str) -> Result<Option<Decimal>, HcError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse::<Decimal>().map(Some).map_err(|_| {
            HcError::param(format!(
                "{name} must be a decimal string such as \"100.00\", got {s:?}"
            ))
        }),
        Some(_) => Err(HcError::param(format!(
            "{name} must be a decimal string such as \"100.00\"; amounts are strings"
        ))),
    }
}

pub fn req_amount(body: &Body, name: &str) -> Result<Decimal, HcError> {
    opt_amount(body, name)?.ok_or_else(|| HcError::param(format!("{name} is required")))
}

pub fn req_coin(body: &Body, name: &str) -> Result<Currency, HcError> {
    let code = req_text(body, name, 20)?;
    Currency::parse(code)
        .map_err(|_| HcError::param(format!("{name} {code:?} is not a known coin or currency")))
}

/// A merchant's credentials as the admin API shows them (`credentials.hypercard`).
#[derive(Debug, serde::Serialize)]
pub struct AdminCredential {
    pub api_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_key_pem: Option<String>,
    pub platform_public_key_pem: String,
}

/// The ids the admin API shows for a tenant (`inventory.hypercard`).
#[derive(Debug, serde::Serialize)]
pub struct AdminInventory {
    pub cards: Vec<String>,
    pub card_types: Vec<String>,
}
