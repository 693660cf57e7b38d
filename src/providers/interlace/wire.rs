//! Interlace's JSON: request fields (camelCase, amounts as strings or numbers, times as
//! epoch milliseconds), the list convention (`page` from 1, `limit` 1..=100 default 10,
//! answering `{list, total}`), and the v3 object shapes: times as epoch-millisecond
//! strings (`repayTime` an integer), amounts 2-decimal strings, currency upper-case.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

use super::error::IlError;
use crate::clock::Timestamp;
use crate::http_util::json_kind;
use crate::money::format_fixed;
use crate::providers::schema::{integer_enum, string_enum};

pub type Body = Map<String, Value>;
pub type Query = HashMap<String, String>;

pub fn money(value: Decimal) -> String {
    format_fixed(value, 2)
}

pub fn ms(t: Timestamp) -> String {
    t.as_millis().to_string()
}

pub fn opt_str<'a>(body: &'a Body, name: &str) -> Result<Option<&'a str>, IlError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(IlError::param(format!(
            "{name} must be a string, got {}",
            json_kind(other)
        ))),
    }
}

pub fn req_str<'a>(body: &'a Body, name: &str) -> Result<&'a str, IlError> {
    opt_str(body, name)?.ok_or_else(|| IlError::param(format!("{name} is required")))
}

/// An amount sent as a decimal string (`"50.00"`) or a number; more than 2 decimals is
/// refused.
pub fn opt_amount(body: &Body, name: &str) -> Result<Option<Decimal>, IlError> {
    let text = match body.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Err(IlError::param(format!(
                "{name} must be an amount such as \"50.00\", got {}",
                json_kind(other)
            )));
        }
    };
    let amount: Decimal = text.parse().map_err(|_| {
        IlError::param(format!(
            "{name} must be an amount such as \"50.00\", got {text:?}"
        ))
    })?;
    if amount.normalize().scale() > 2 {
        return Err(IlError::param(format!(
            "{name} {amount} has more than 2 decimals"
        )));
    }
    Ok(Some(amount))
}

pub fn req_amount(body: &Body, name: &str) -> Result<Decimal, IlError> {
    let amount =
        opt_amount(body, name)?.ok_or_else(|| IlError::param(format!("{name} is required")))?;
    if amount <= Decimal::ZERO {
        return Err(IlError::param(format!(
            "{name} must be greater than 0, got {amount}"
        )));
    }
    Ok(amount)
}

/// `page` (from 1) and `limit` (1..=100, default 10) of a list query.
pub fn paging(query: &Query) -> Result<(usize, usize), IlError> {
    let page = match query.get("page").map(String::as_str) {
        None | Some("") => 1,
        Some(p) => p.parse::<usize>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            IlError::param(format!("page must be a whole number from 1, got {p:?}"))
        })?,
    };
    let limit = match query.get("limit").map(String::as_str) {
        None | Some("") => 10,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=100).contains(l))
            .ok_or_else(|| IlError::param(format!("limit must be between 1 and 100, got {l:?}")))?,
    };
    Ok((page, limit))
}

/// An epoch-millisecond query parameter (`startTime`, `endTime`).
pub fn query_ms(query: &Query, name: &str) -> Result<Option<Timestamp>, IlError> {
    match query.get(name).map(String::as_str) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(|ms| Some(Timestamp::from_millis(ms)))
            .map_err(|_| IlError::param(format!("{name} must be epoch milliseconds, got {v:?}"))),
    }
}

/// A list's `startTime` and `endTime` (epoch ms, both inclusive, either absent), read
/// once per request, before the rows they filter.
#[derive(Debug, Clone, Copy)]
pub struct TimeRange {
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

impl TimeRange {
    pub fn of(query: &Query) -> Result<Self, IlError> {
        Ok(Self {
            start: query_ms(query, "startTime")?,
            end: query_ms(query, "endTime")?,
        })
    }

    pub fn contains(&self, t: Timestamp) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t <= e)
    }
}

pub fn query_required<'a>(query: &'a Query, name: &str) -> Result<&'a str, IlError> {
    query
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| IlError::param(format!("{name} is required")))
}

/// A page of a list: `{list, total}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListData<T> {
    pub list: Vec<T>,
    pub total: usize,
}

impl<T> ListData<T> {
    /// Page `page` of `limit` items out of all `items`.
    pub fn page(items: Vec<T>, page: usize, limit: usize) -> Self {
        Self::page_with(items, page, limit, |item| item)
    }

    /// One page of `items`, rendering only the items on it.
    pub fn page_with<I>(
        items: Vec<I>,
        page: usize,
        limit: usize,
        render: impl FnMut(I) -> T,
    ) -> Self {
        let total = items.len();
        let list = items
            .into_iter()
            .skip((page - 1).saturating_mul(limit))
            .take(limit)
            .map(render)
            .collect();
        Self { list, total }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorizeData {
    pub timestamp: i64,
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenData {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub timestamp: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CardView {
    pub id: String,
    pub account_id: String,
    pub user_name: String,
    pub currency: String,
    pub bin: String,
    pub card_last_four: String,
    #[schema(schema_with = card_mode_schema)]
    pub card_mode: String,
    #[schema(schema_with = card_status_schema)]
    pub status: String,
    pub label: String,
    pub balance_id: Option<String>,
    pub budget_id: Option<String>,
    pub cardholder_id: String,
    /// Epoch milliseconds.
    pub create_time: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferView {
    pub id: String,
    pub account_id: String,
    pub card_id: String,
    pub client_transaction_id: String,
    pub amount: String,
    pub fee: String,
    pub currency: String,
    #[serde(rename = "type")]
    #[schema(schema_with = transfer_type_schema)]
    pub kind: String,
    #[schema(schema_with = transfer_status_schema)]
    pub status: String,
    /// Epoch milliseconds.
    pub create_time: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WalletView {
    pub id: String,
    pub available: String,
    pub currency: String,
    /// 0 Infinity, 1 budget, 2 prepaid card.
    #[schema(schema_with = wallet_type_schema)]
    pub object_type: u8,
}

/// A card transaction record.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CardTransactionView)]
pub struct TransactionView {
    pub id: String,
    pub card_id: String,
    pub account_id: String,
    /// Epoch milliseconds.
    pub create_time: String,
    /// The first two digits of the ISO 8583 processing code (quirks.rs).
    #[schema(schema_with = processing_code_schema)]
    pub processing_code: String,
    pub transaction_amount: String,
    pub transaction_currency: String,
    pub billing_amount: String,
    pub billing_currency: String,
    pub merchant_name: String,
    pub merchant_city: String,
    pub merchant_country: String,
    #[schema(schema_with = transaction_type_schema)]
    pub transaction_type: String,
    pub mcc: String,
    #[schema(schema_with = transaction_status_schema)]
    pub status: String,
    /// `1003` / `1005` for a clearing above / below its authorisation, else `null`.
    #[schema(schema_with = business_code_schema)]
    pub business_code: Option<String>,
}

/// AccountNegative, exactly the seed's fields (`type` an integer).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountNegativeView {
    pub account_id: String,
    pub account_name: String,
    pub account_en: String,
    pub display_id: String,
    /// 0 the main account, 1 a sub-account.
    #[serde(rename = "type")]
    #[schema(schema_with = account_type_schema)]
    pub kind: u8,
    pub card_negative: String,
    pub budget_negative: String,
    pub currency: String,
    /// Epoch milliseconds.
    pub stat_time: String,
}

/// AccountNegativeBill, exactly the seed's fields (`total` a string).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillView {
    pub account_id: String,
    pub display_id: String,
    /// Epoch milliseconds.
    pub create_time: String,
    /// The number of rows in the bill's CSV.
    pub total: String,
    pub negative_url: String,
}

/// AccountRepayment, exactly the seed's fields (`type` a string, `repayTime` an integer).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RepaymentView {
    pub account_id: String,
    pub display_id: String,
    /// `"0"` the main account, `"1"` a sub-account.
    #[serde(rename = "type")]
    #[schema(schema_with = account_type_text_schema)]
    pub kind: String,
    pub currency: String,
    pub card_negative: String,
    pub budget_negative: String,
    pub card_settle_amount: String,
    pub budget_settle_amount: String,
    pub card_unpaid_amount: String,
    pub budget_unpaid_amount: String,
    /// Epoch milliseconds.
    pub repay_time: i64,
}

/// BatchHook, exactly the seed's fields.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchView {
    pub batch_no: String,
    pub page: usize,
    pub size: usize,
    pub total: usize,
    pub last_page: bool,
    pub file_url: String,
    pub list: Vec<AccountNegativeView>,
}

/// A client's credentials as the admin API shows them (`credentials.interlace`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminCredential {
    pub client_id: String,
    pub client_secret: String,
}

/// The ids the admin API shows for a tenant (`inventory.interlace`).
#[derive(Debug, Serialize)]
pub struct AdminInventory {
    pub accounts: Vec<String>,
    pub cards: Vec<String>,
    pub business_accounts: Vec<String>,
    pub legal_entities: Vec<String>,
}

/// Card modes a card carries.
pub const CARD_MODES: [&str; 2] = ["VIRTUAL_CARD", "PHYSICAL_CARD"];

/// The kinds of card transaction records (`transactionType`).
pub const TRANSACTION_TYPES: [&str; 5] = ["authorization", "clearing", "reversal", "refund", "fee"];

/// The statuses of card transaction records.
pub const TRANSACTION_STATUSES: [&str; 3] = ["PENDING", "CLOSED", "FAIL"];

fn card_mode_schema() -> Object {
    string_enum(CARD_MODES)
}

fn card_status_schema() -> Object {
    string_enum(super::state::card_status::ALL)
}

fn transfer_type_schema() -> Object {
    string_enum(["TRANSFER_IN", "TRANSFER_OUT"])
}

fn transfer_status_schema() -> Object {
    string_enum(["CLOSED"])
}

fn wallet_type_schema() -> Object {
    integer_enum([0, 1, 2])
}

fn processing_code_schema() -> Object {
    string_enum(["00", "20", "19"])
}

fn transaction_type_schema() -> Object {
    string_enum(TRANSACTION_TYPES)
}

fn transaction_status_schema() -> Object {
    string_enum(TRANSACTION_STATUSES)
}

fn business_code_schema() -> Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            utoipa::openapi::schema::Type::String,
            utoipa::openapi::schema::Type::Null,
        ]))
        .enum_values(Some([Some("1003"), Some("1005"), None]))
        .build()
}

fn account_type_schema() -> Object {
    integer_enum([0, 1])
}

fn account_type_text_schema() -> Object {
    string_enum(["0", "1"])
}
