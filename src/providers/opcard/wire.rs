//! OPCard's JSON: reading request fields (ids as numbers or strings, `program_value` as
//! an integer or a string such as `"06"`, list filters where absent, `[]` and `[""]`
//! mean no filter) and the response shapes. Amounts are JSON numbers written from the
//! decimal itself (never through f64); exchange rates carry 10 decimals; card ids are
//! bare integers above 2^53; times are ISO 8601 at +08:00.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::OpError;
use crate::clock::Timestamp;
use crate::http_util::json_kind;
use crate::money::{Currency, format_fixed};

pub type Body = Map<String, Value>;

/// OPCard's time offset: +08:00.
pub const GMT8: i32 = 8 * 3600;

/// A JSON number written exactly as the decimal reads, without trailing zeros.
pub fn number(value: Decimal) -> Box<RawValue> {
    let value = value.normalize();
    raw(format_fixed(value, value.scale()))
}

/// A JSON number with exactly `decimals` decimals (`1.0000000000` for rates).
pub fn fixed(value: Decimal, decimals: u32) -> Box<RawValue> {
    raw(format_fixed(value, decimals))
}

fn raw(text: String) -> Box<RawValue> {
    RawValue::from_string(text).expect("a decimal's text is a valid JSON number")
}

/// ISO 8601 at +08:00, to the second (as the documentation prints times).
pub fn time(t: Timestamp) -> String {
    Timestamp::from_secs(t.as_secs()).to_rfc3339_at_offset(GMT8)
}

fn present<'a>(body: &'a Body, name: &str) -> Option<&'a Value> {
    match body.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(v) => Some(v),
    }
}

pub fn opt_str<'a>(body: &'a Body, name: &str) -> Result<Option<&'a str>, OpError> {
    match present(body, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(OpError::param(format!(
            "{name} must be a string, got {}",
            json_kind(other)
        ))),
    }
}

pub fn req_str<'a>(body: &'a Body, name: &str) -> Result<&'a str, OpError> {
    opt_str(body, name)?.ok_or_else(|| OpError::param(format!("{name} is required")))
}

/// An id sent as a JSON integer or a string of digits.
pub fn parse_id(value: &Value, name: &str) -> Result<u64, OpError> {
    let bad = || {
        OpError::param(format!(
            "{name} must be a positive integer id, as a number or a string"
        ))
    };
    match value {
        Value::Number(n) => n.as_u64().ok_or_else(bad),
        Value::String(s) => s.trim().parse().map_err(|_| bad()),
        _ => Err(bad()),
    }
}

pub fn opt_id(body: &Body, name: &str) -> Result<Option<u64>, OpError> {
    present(body, name).map(|v| parse_id(v, name)).transpose()
}

/// `program_value`: an integer, or a string of digits (`"6"`, `"06"`).
pub fn parse_program(value: &Value, name: &str) -> Result<u32, OpError> {
    let bad = || {
        OpError::param(format!(
            "{name} must be a program value such as 6 or \"06\""
        ))
    };
    match value {
        Value::Number(n) => n
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(bad),
        Value::String(s) => s.trim().parse().map_err(|_| bad()),
        _ => Err(bad()),
    }
}

pub fn req_program(body: &Body, name: &str) -> Result<u32, OpError> {
    let value = present(body, name).ok_or_else(|| OpError::param(format!("{name} is required")))?;
    parse_program(value, name)
}

pub fn opt_program(body: &Body, name: &str) -> Result<Option<u32>, OpError> {
    present(body, name)
        .map(|v| parse_program(v, name))
        .transpose()
}

/// An amount: a JSON number (as OPCard sends them) or a decimal string.
pub fn req_amount(body: &Body, name: &str) -> Result<Decimal, OpError> {
    let value = present(body, name).ok_or_else(|| OpError::param(format!("{name} is required")))?;
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        other => {
            return Err(OpError::param(format!(
                "{name} must be a number, got {}",
                json_kind(other)
            )));
        }
    };
    let amount: Decimal = text
        .parse()
        .map_err(|_| OpError::param(format!("{name} must be a number, got {text}")))?;
    if amount <= Decimal::ZERO {
        return Err(OpError::param(format!(
            "{name} must be greater than 0, got {amount}"
        )));
    }
    Ok(amount)
}

pub fn parse_currency(code: &str, name: &str) -> Result<Currency, OpError> {
    Currency::parse(code.trim())
        .map_err(|_| OpError::param(format!("{name} {code:?} is not a known currency")))
}

pub fn req_currency(body: &Body, name: &str) -> Result<Currency, OpError> {
    parse_currency(req_str(body, name)?, name)
}

pub fn opt_currency(body: &Body, name: &str) -> Result<Option<Currency>, OpError> {
    opt_str(body, name)?
        .map(|c| parse_currency(c, name))
        .transpose()
}

/// An ISO 8601 time at any offset.
pub fn opt_time(body: &Body, name: &str) -> Result<Option<Timestamp>, OpError> {
    opt_str(body, name)?
        .map(|t| {
            Timestamp::parse_rfc3339(t).map_err(|_| {
                OpError::param(format!(
                    "{name} must be an ISO 8601 time such as \"2025-06-10T15:33:27+08:00\", got {t:?}"
                ))
            })
        })
        .transpose()
}

pub fn opt_bool(body: &Body, name: &str) -> Result<Option<bool>, OpError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
        Some(other) => Err(OpError::param(format!(
            "{name} must be true or false, got {}",
            json_kind(other)
        ))),
    }
}

/// A list filter: absent, `[]` or `[""]` means no filter; items are strings or numbers.
pub fn filter_list<T>(
    body: &Body,
    name: &str,
    parse: impl Fn(&Value) -> Result<T, OpError>,
) -> Result<Option<Vec<T>>, OpError> {
    let items = match body.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(OpError::param(format!(
                "{name} must be a list, got {}",
                json_kind(other)
            )));
        }
    };
    let items: Vec<&Value> = items
        .iter()
        .filter(|v| !matches!(v, Value::String(s) if s.is_empty()))
        .collect();
    if items.is_empty() {
        return Ok(None);
    }
    items
        .into_iter()
        .map(parse)
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `/card-api/v1/auth/token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenData {
    pub token: String,
    pub expires_in: i64,
}

/// One balance change record, with exactly the seed's fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRow {
    pub program_value: u32,
    #[serde(rename = "moving_account_Time")]
    pub moving_account_time: String,
    /// 1 credit, 2 debit.
    #[schema(schema_with = moving_type_schema)]
    pub moving_account_type: u8,
    #[schema(schema_with = fund_type_schema)]
    pub fund_type: u16,
    pub batch_no: String,
    #[schema(value_type = f64)]
    pub bill_amount: Box<RawValue>,
    pub bill_currency: String,
    #[schema(value_type = f64)]
    pub moving_account_amount: Box<RawValue>,
    pub moving_account_currency: String,
    pub card_limit_currency: String,
    #[schema(value_type = f64)]
    pub card_limit_amount: Box<RawValue>,
    #[schema(value_type = f64)]
    pub card_exchange_rate: Box<RawValue>,
    pub card_exchange_time: Option<String>,
}

/// Every fund type a record carries (20 limit creation, 21 monthly bill, 22 bill
/// settlement, 23 limit release, 24 forex sell, 25 forex buy, 28 payout).
fn fund_type_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::integer_enum(super::state::fund_type::ALL.map(i64::from))
}

fn moving_type_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::integer_enum([1, 2])
}

/// A cursor page: `{data, next_cursor, has_more}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
    pub has_more: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RiskRow {
    pub trade_risk_name: String,
    pub trade_risk_value: String,
}

/// `GET /card-api/v1/cards/{card_id}/detail` (and the answer of `cards/create`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CardDetail {
    pub card_no: u64,
    pub card_id: u64,
    pub card_number: String,
    pub card_validity_time: String,
    pub program_value: u32,
    pub program_cn_name: String,
    pub program_en_name: String,
    pub card_holder_id: u64,
    pub card_status: String,
    pub risk_list: Vec<RiskRow>,
}

/// `POST /card-api/v1/load/create`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadData {
    pub batch_no: String,
    pub status: String,
    pub available_currency: String,
    pub accounting_currency: String,
    #[schema(value_type = f64)]
    pub accounting_amount: Box<RawValue>,
    #[schema(value_type = f64)]
    pub reference_exchange_rate: Box<RawValue>,
    #[schema(value_type = f64)]
    pub available_balance: Box<RawValue>,
    #[schema(value_type = f64)]
    pub estimated_deduction_amount: Box<RawValue>,
    pub estimated_deduction_currency: String,
}

/// `POST /card-api/v1/load/release`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseData {
    pub batch_no: String,
    pub status: String,
    pub program_value: u32,
    pub currency: String,
    #[schema(value_type = f64)]
    pub amount: Box<RawValue>,
    #[schema(value_type = f64)]
    pub card_limit_amount: Box<RawValue>,
}

/// One row of `POST /card-api/v1/payouts/list` (also the answer of `payouts/create`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutRow {
    pub batch_no: String,
    pub program_value: u32,
    pub program_cn_name: String,
    pub program_en_name: String,
    pub moving_account_time: String,
    pub currency: String,
    #[schema(value_type = f64)]
    pub amount: Box<RawValue>,
    #[schema(value_type = f64)]
    pub issue_card_amount: Box<RawValue>,
}

/// A client's credentials as the admin API shows them (`credentials.opcard`).
#[derive(Debug, Serialize)]
pub struct AdminCredential {
    pub app_key: String,
    pub app_secret: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// The ids the admin API shows for a tenant (`inventory.opcard`).
#[derive(Debug, Serialize)]
pub struct AdminInventory {
    pub programs: Vec<u32>,
    pub cards: Vec<String>,
}

// Request bodies, as the OpenAPI document describes them (`openapi.rs`). The handlers
// read the same fields one by one with the readers above, which also take the lenient
// spellings the README lists (ids and `program_value` as strings, amounts as strings).

/// `POST /card-api/v1/auth/token`.
#[derive(Debug, ToSchema)]
pub struct TokenRequest {
    pub app_key: String,
    pub app_secret: String,
}

/// `POST /card-api/v1/cards/create`.
#[derive(Debug, ToSchema)]
pub struct CreateCardRequest {
    pub card_name: String,
    pub card_desc: Option<String>,
    /// `YYYYMM`.
    #[schema(pattern = "^[0-9]{6}$")]
    pub card_validity_time: String,
    pub program_value: u32,
    pub card_holder_id: Option<u64>,
    pub risk_list: Option<Vec<RiskRow>>,
}

/// `POST /card-api/v1/load/create`.
#[derive(Debug, ToSchema)]
pub struct LoadRequest {
    /// ISO 4217, upper case.
    pub accounting_currency: String,
    pub bill_currency: String,
    pub program_value: u32,
    #[schema(value_type = f64, exclusive_minimum = 0.0)]
    pub accounting_amount: Decimal,
}

/// `POST /card-api/v1/load/release` and `POST /card-api/v1/payouts/create`.
#[derive(Debug, ToSchema)]
pub struct AmountRequest {
    pub program_value: u32,
    pub currency: String,
    #[schema(value_type = f64, exclusive_minimum = 0.0)]
    pub amount: Decimal,
}

/// `POST /card-api/v1/payouts/list`.
#[derive(Debug, ToSchema)]
pub struct PayoutsQuery {
    /// `""` for the first page, then the previous page's `next_cursor`.
    pub cursor: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub batch_no: Option<String>,
    pub program_value: Option<u32>,
    pub currency: Option<String>,
    /// ISO 8601.
    pub from_created_at: Option<String>,
    pub to_created_at: Option<String>,
    pub ascending: Option<bool>,
}

/// `POST /card-api/v1/balance/change/records`.
#[derive(Debug, ToSchema)]
pub struct RecordsQuery {
    /// `""` for the first page, then the previous page's `next_cursor`.
    pub cursor: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// ISO 8601; inclusive, compared to the second.
    pub from_changed_at: Option<String>,
    pub to_changed_at: Option<String>,
    pub bill_currency_list: Option<Vec<String>>,
    /// Fund types as strings (`"20"`).
    pub fund_type_list: Option<Vec<String>>,
    pub program_value_list: Option<Vec<String>>,
    pub moving_account_currency_list: Option<Vec<String>>,
    pub ascending: Option<bool>,
}
