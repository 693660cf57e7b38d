//! HyperCard's JSON: reading request fields (ids must be strings, amounts decimal
//! strings, unknown fields ignored) and the response shapes, with fields in the order
//! the documentation's tables list them. Amounts print with 8 decimals except the card
//! balance (2, as its example shows); currencies and coins are lower-case; times are
//! unix seconds.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::HcError;
use super::state::{
    Card, Detail, HypercardState, Product, Recharge, Record, recharge_status, tx_status,
};
use crate::money::{Currency, format_fixed};

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
            kind(other)
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

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `/openapi/card/balance`.
#[derive(Debug, Serialize)]
pub struct BalanceData {
    pub available_balance: String,
    pub current_balance: String,
    pub card_currency: String,
    pub card_number: String,
    pub card_type: String,
}

/// The rate and fee fields a recharge, its estimation and its query share.
#[derive(Debug, Serialize)]
pub struct RechargeFigures {
    pub card_coin: String,
    pub currency_amount: String,
    /// In the pay coin, fee included (not the fiat the request named).
    pub recharge_amount: String,
    /// In the pay coin, what becomes card value.
    pub real_recharge_amount: String,
    pub recharge_fee_amount: String,
    pub recharge_fee_usdt_amount: String,
    pub pay_coin: String,
    pub coin_exchange_usd_rate: String,
    pub currency_exchange_usd_rate: String,
}

impl RechargeFigures {
    pub fn of(quote: &super::ops::Quote) -> Self {
        Self {
            card_coin: coin(quote.card_coin),
            currency_amount: amount(quote.currency_amount),
            recharge_amount: amount(quote.coin_amount + quote.fee),
            real_recharge_amount: amount(quote.coin_amount),
            recharge_fee_amount: amount(quote.fee),
            recharge_fee_usdt_amount: amount(quote.fee_usdt),
            pay_coin: coin(quote.pay_coin),
            coin_exchange_usd_rate: amount(quote.coin_usd_rate),
            currency_exchange_usd_rate: amount(quote.currency_usd_rate),
        }
    }

    pub fn of_recharge(r: &Recharge, card_coin: Currency, fee_usdt: Decimal) -> Self {
        Self::of(&super::ops::Quote {
            card_coin,
            pay_coin: r.pay_coin,
            currency_amount: r.currency_amount,
            coin_amount: r.coin_amount,
            fee: r.fee,
            fee_usdt,
            coin_usd_rate: r.coin_usd_rate,
            currency_usd_rate: r.currency_usd_rate,
        })
    }
}

/// `/openapi/card/recharge`.
#[derive(Debug, Serialize)]
pub struct RechargeData {
    pub order_no: String,
    #[serde(flatten)]
    pub figures: RechargeFigures,
}

/// `/openapi/card/recharge/query`.
#[derive(Debug, Serialize)]
pub struct RechargeQueryData {
    pub status: u8,
    pub fail_reason: String,
    pub order_no: String,
    #[serde(flatten)]
    pub figures: RechargeFigures,
    pub card_id: String,
    pub mc_trade_no: String,
}

/// `/openapi/card/buy/coin`.
#[derive(Debug, Serialize)]
pub struct BuyCoinData {
    pub card_currency: String,
    pub coin: String,
    pub coin_amount: String,
    /// Unix seconds, as a string (the documentation's example).
    pub create_time: String,
    pub currency_amount: String,
    pub exchange_fee: String,
    pub status: u8,
    pub tx_id: String,
    pub reason: String,
}

/// `/v2/openapi/card/operation/result`.
#[derive(Debug, Serialize)]
pub struct OperationResultData {
    pub card_id: String,
    pub request_number: String,
    pub operate_status: u8,
    pub express_company: String,
    pub express_no: String,
}

/// `/openapi/card/merchant/balance` rows.
#[derive(Debug, Serialize)]
pub struct MerchantBalanceRow {
    /// Available.
    pub amount: String,
    pub coin: String,
    pub total_amount: String,
}

/// `/v5/openapi/card/list` rows: the product catalogue.
#[derive(Debug, Serialize)]
pub struct ProductRow {
    pub card_type_id: String,
    pub card_name: String,
    pub card_type: u8,
    pub card_org: u8,
    pub card_coin: String,
    pub apply_type: u8,
    pub activate_type: u8,
    pub card_detail_obtain_way: u8,
    pub status: u8,
    pub can_recharge: u8,
    pub need_first_recharge: u8,
    pub card_fee: String,
    pub annual_fee: String,
    pub recharge_fee: String,
    pub min_single_recharge_amount: String,
    pub max_single_recharge_amount: String,
    pub max_recharge_amount: String,
    pub min_first_recharge_amount: String,
    pub support_business: String,
}

impl ProductRow {
    pub fn of(p: &Product) -> Self {
        Self {
            card_type_id: p.card_type_id.clone(),
            card_name: p.card_name.clone(),
            card_type: p.card_type,
            card_org: p.card_org,
            card_coin: coin(p.card_coin),
            apply_type: 2,
            activate_type: 3,
            card_detail_obtain_way: 0,
            status: 1,
            can_recharge: u8::from(p.can_recharge),
            need_first_recharge: u8::from(p.min_first_recharge_amount > Decimal::ZERO),
            card_fee: amount(p.card_fee),
            annual_fee: amount(p.annual_fee),
            recharge_fee: p.recharge_fee.normalize().to_string(),
            min_single_recharge_amount: amount(p.min_single_recharge_amount),
            max_single_recharge_amount: amount(p.max_single_recharge_amount),
            max_recharge_amount: amount(p.max_recharge_amount),
            min_first_recharge_amount: amount(p.min_first_recharge_amount),
            support_business: p.support_business.clone(),
        }
    }
}

/// `/v3/openapi/card/transactions` data.
#[derive(Debug, Serialize)]
pub struct TxPage {
    pub records: Vec<TxRecord>,
    pub total: usize,
    pub page: i64,
    pub size: i64,
}

/// One v3 record; each variant has exactly its business type's fields.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum TxRecord {
    Consumption(ConsumptionRecord),
    Recharge(RechargeRecord),
    Withdrawal(WithdrawalRecord),
    Refund(RefundRecord),
    Fee(FeeRecord),
    BuyCoin(BuyCoinRecord),
    Cancel(CancelRecord),
}

#[derive(Debug, Serialize)]
pub struct ConsumptionRecord {
    pub card_name: String,
    pub card_id: String,
    pub card_number: String,
    pub business_type: u16,
    pub tx_currency: String,
    pub tx_amount: String,
    pub deduction_currency: String,
    pub deduction_amount: String,
    pub fee: String,
    pub mcc: String,
    pub tx_time: i64,
    pub tx_id: String,
    pub tx_status: u8,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct RechargeRecord {
    pub card_name: String,
    pub card_id: String,
    pub card_number: String,
    pub business_type: u16,
    pub pay_coin: String,
    pub tx_amount: String,
    pub card_coin: String,
    pub currency_amount: String,
    pub real_currency_amount: String,
    pub recharge_fee_amount: String,
    pub real_refund_amount: String,
    pub tx_time: i64,
    pub tx_id: String,
    pub tx_status: u8,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct WithdrawalRecord {
    pub card_name: String,
    pub card_id: String,
    pub card_number: String,
    pub business_type: u16,
    pub tx_currency: String,
    pub tx_amount: String,
    pub trade_currency: String,
    pub trade_amount: String,
    pub bank_fee: String,
    pub tx_time: i64,
    pub tx_id: String,
    pub tx_status: u8,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct RefundRecord {
    pub card_name: String,
    pub card_id: String,
    pub card_number: String,
    pub business_type: u16,
    pub tx_currency: String,
    pub tx_amount: String,
    pub refund_coin: String,
    pub refund_amount: String,
    pub tx_time: i64,
    pub tx_id: String,
    pub tx_status: u8,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct FeeRecord {
    pub card_name: String,
    pub card_id: String,
    pub card_number: String,
    pub business_type: u16,
    pub tx_amount: String,
    pub service_fee_status: String,
    pub consume_tx_id: String,
    pub bill_cycle: String,
    pub bill_total: i64,
    pub fail_num: i64,
    /// A string, as the attribute table says (the example's bare number is a doc slip).
    pub service_fee_standard: String,
    pub fail_rate: String,
    pub tx_time: i64,
    pub tx_id: String,
    pub tx_status: u8,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct BuyCoinRecord {
    pub card_name: String,
    pub card_id: String,
    pub card_number: String,
    pub business_type: u16,
    pub pay_coin: String,
    pub tx_amount: String,
    pub buy_coin: String,
    pub buy_amount: String,
    pub fee_coin: String,
    pub fee: String,
    pub tx_time: i64,
    pub tx_id: String,
    pub tx_status: u8,
}

#[derive(Debug, Serialize)]
pub struct CancelRecord {
    pub card_name: String,
    pub card_id: String,
    pub card_number: String,
    pub business_type: u16,
    pub tx_amount: String,
    pub card_coin: String,
    pub refund_coin: String,
    pub refund_amount: String,
    pub fee_coin: String,
    pub fee: String,
    pub tx_time: i64,
    pub tx_id: String,
    pub tx_status: u8,
}

/// The common head of every record: card name, id and masked number.
struct Head {
    card_name: String,
    card_id: String,
    card_number: String,
}

fn head(state: &HypercardState, card: Option<usize>) -> Head {
    match card.map(|c| &state.cards[c]) {
        Some(Card {
            card_id,
            product,
            card_number,
            ..
        }) => Head {
            card_name: state.products[*product].card_name.clone(),
            card_id: card_id.clone(),
            card_number: card_number.clone(),
        },
        None => Head {
            card_name: String::new(),
            card_id: String::new(),
            card_number: String::new(),
        },
    }
}

impl TxRecord {
    pub fn of(state: &HypercardState, record: &Record) -> Self {
        let Head {
            card_name,
            card_id,
            card_number,
        } = head(state, record.card);
        let business_type = record.detail.business_type();
        let tx_time = record.time.as_secs();
        let tx_id = record.tx_id.clone();
        let tx_status = record.status;
        match &record.detail {
            Detail::Consumption {
                tx_currency,
                tx_amount,
                deduction_currency,
                deduction_amount,
                fee,
                mcc,
                description,
                ..
            } => Self::Consumption(ConsumptionRecord {
                card_name,
                card_id,
                card_number,
                business_type,
                tx_currency: coin(*tx_currency),
                tx_amount: amount(*tx_amount),
                deduction_currency: coin(*deduction_currency),
                deduction_amount: amount(*deduction_amount),
                fee: amount(*fee),
                mcc: mcc.clone(),
                tx_time,
                tx_id,
                tx_status,
                description: description.clone(),
            }),
            Detail::Recharge { recharge } => {
                let r = &state.recharges[*recharge];
                let card_coin = state.products[state.cards[r.card].product].card_coin;
                let received = if r.status == recharge_status::SUCCESS {
                    r.currency_amount
                } else {
                    Decimal::ZERO
                };
                Self::Recharge(RechargeRecord {
                    card_name,
                    card_id,
                    card_number,
                    business_type,
                    pay_coin: coin(r.pay_coin),
                    tx_amount: amount(r.total_coin()),
                    card_coin: coin(card_coin),
                    currency_amount: amount(r.currency_amount),
                    real_currency_amount: amount(received),
                    recharge_fee_amount: amount(r.fee),
                    real_refund_amount: amount(Decimal::ZERO),
                    tx_time,
                    tx_id,
                    tx_status,
                    description: r.remark.clone(),
                })
            }
            Detail::Withdrawal {
                tx_currency,
                tx_amount,
                trade_currency,
                trade_amount,
                bank_fee,
                description,
            } => Self::Withdrawal(WithdrawalRecord {
                card_name,
                card_id,
                card_number,
                business_type,
                tx_currency: coin(*tx_currency),
                tx_amount: amount(*tx_amount),
                trade_currency: coin(*trade_currency),
                trade_amount: amount(*trade_amount),
                bank_fee: amount(*bank_fee),
                tx_time,
                tx_id,
                tx_status,
                description: description.clone(),
            }),
            Detail::Refund {
                tx_currency,
                tx_amount,
                refund_coin,
                refund_amount,
                description,
                ..
            } => Self::Refund(RefundRecord {
                card_name,
                card_id,
                card_number,
                business_type,
                tx_currency: coin(*tx_currency),
                tx_amount: amount(*tx_amount),
                refund_coin: coin(*refund_coin),
                refund_amount: amount(*refund_amount),
                tx_time,
                tx_id,
                tx_status,
                description: description.clone(),
            }),
            Detail::Fee {
                amount: fee_amount,
                consume_tx_id,
                bill_cycle,
                service_fee_standard,
                description,
                ..
            } => Self::Fee(FeeRecord {
                card_name,
                card_id,
                card_number,
                business_type,
                tx_amount: amount(*fee_amount),
                service_fee_status: "Paid".to_owned(),
                consume_tx_id: consume_tx_id.clone(),
                bill_cycle: bill_cycle.clone(),
                bill_total: 1,
                fail_num: 0,
                service_fee_standard: amount(*service_fee_standard),
                fail_rate: "--".to_owned(),
                tx_time,
                tx_id,
                tx_status,
                description: description.clone(),
            }),
            Detail::BuyCoin {
                pay_coin,
                tx_amount,
                buy_coin,
                buy_amount,
                fee,
                ..
            } => Self::BuyCoin(BuyCoinRecord {
                card_name,
                card_id,
                card_number,
                business_type,
                pay_coin: coin(*pay_coin),
                tx_amount: amount(*tx_amount),
                buy_coin: coin(*buy_coin),
                buy_amount: amount(*buy_amount),
                fee_coin: coin(*pay_coin),
                fee: amount(*fee),
                tx_time,
                tx_id,
                tx_status,
            }),
            Detail::Cancel {
                tx_amount,
                card_coin,
                refund_amount,
                fee,
            } => Self::Cancel(CancelRecord {
                card_name,
                card_id,
                card_number,
                business_type,
                tx_amount: amount(*tx_amount),
                card_coin: coin(*card_coin),
                refund_coin: coin(*card_coin),
                refund_amount: amount(*refund_amount),
                fee_coin: coin(*card_coin),
                fee: amount(*fee),
                tx_time,
                tx_id,
                tx_status,
            }),
        }
    }
}

/// One month of `/v2/openapi/card/transaction/record`.
#[derive(Debug, Serialize)]
pub struct MonthStatement {
    pub bank_tx_list: Vec<StatementRow>,
    /// `MMyyyy`.
    pub month_year: String,
    /// The month's last day, `yyyy-MM-dd`.
    pub statement_cycle_date: String,
}

#[derive(Debug, Serialize)]
pub struct StatementRow {
    #[serde(rename = "type")]
    pub kind: u16,
    pub status: u8,
    /// A string: the examples print a bare number, which loses digits (quirks.rs).
    pub tx_id: String,
    pub mc_trade_no: String,
    pub tx_currency: String,
    pub tx_amount: String,
    pub credit: String,
    pub debit: String,
    pub fee: String,
    pub description: String,
    pub transaction_date: i64,
    pub posting_date: i64,
}

/// How a record moves the card's balance: (credit, debit, fee), in the card currency.
/// Pending and failed records move nothing.
pub fn card_effect(state: &HypercardState, record: &Record) -> (Decimal, Decimal, Decimal) {
    if record.status != tx_status::SUCCESS {
        return (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    }
    match &record.detail {
        Detail::Consumption {
            deduction_amount,
            fee,
            ..
        } => (Decimal::ZERO, *deduction_amount, *fee),
        Detail::Recharge { recharge } => (
            state.recharges[*recharge].currency_amount,
            Decimal::ZERO,
            Decimal::ZERO,
        ),
        Detail::Withdrawal {
            trade_amount,
            bank_fee,
            ..
        } => (Decimal::ZERO, *trade_amount + *bank_fee, *bank_fee),
        Detail::Refund { refund_amount, .. } => (*refund_amount, Decimal::ZERO, Decimal::ZERO),
        Detail::Fee { amount, .. } => (Decimal::ZERO, *amount, *amount),
        Detail::BuyCoin { tx_amount, fee, .. } => (Decimal::ZERO, *tx_amount, *fee),
        Detail::Cancel { tx_amount, fee, .. } => (Decimal::ZERO, *tx_amount, *fee),
    }
}

impl StatementRow {
    pub fn of(state: &HypercardState, record: &Record) -> Self {
        let (credit, debit, fee) = card_effect(state, record);
        let (tx_currency, tx_amount, description, mc_trade_no) = match &record.detail {
            Detail::Consumption {
                tx_currency,
                tx_amount,
                description,
                ..
            }
            | Detail::Withdrawal {
                tx_currency,
                tx_amount,
                description,
                ..
            }
            | Detail::Refund {
                tx_currency,
                tx_amount,
                description,
                ..
            } => (*tx_currency, *tx_amount, description.clone(), String::new()),
            Detail::Recharge { recharge } => {
                let r = &state.recharges[*recharge];
                let card_coin = state.products[state.cards[r.card].product].card_coin;
                (
                    card_coin,
                    r.currency_amount,
                    r.remark.clone(),
                    r.mc_trade_no.clone(),
                )
            }
            Detail::Fee {
                amount,
                currency,
                description,
                ..
            } => (*currency, *amount, description.clone(), String::new()),
            Detail::BuyCoin {
                pay_coin,
                tx_amount,
                mc_trade_no,
                ..
            } => (
                *pay_coin,
                *tx_amount,
                "BUY COIN".to_owned(),
                mc_trade_no.clone(),
            ),
            Detail::Cancel {
                tx_amount,
                card_coin,
                ..
            } => (
                *card_coin,
                *tx_amount,
                "CARD CANCELLATION".to_owned(),
                String::new(),
            ),
        };
        Self {
            kind: record.detail.business_type(),
            status: record.status,
            tx_id: record.tx_id.clone(),
            mc_trade_no,
            tx_currency: coin(tx_currency),
            tx_amount: amount(tx_amount),
            credit: amount(credit),
            debit: amount(debit),
            fee: amount(fee),
            description,
            transaction_date: record.time.as_secs(),
            posting_date: record.time.as_secs(),
        }
    }
}
