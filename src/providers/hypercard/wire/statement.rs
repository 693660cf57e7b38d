//! The single-card statement: months of rows, each row the credit, debit and fee a
//! record moved on the card.

use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use super::{amount, coin};
use crate::providers::hypercard::state::{Detail, HypercardState, Record, tx_status};

/// One month of `/v2/openapi/card/transaction/record`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthStatement {
    pub bank_tx_list: Vec<StatementRow>,
    /// `MMyyyy`.
    pub month_year: String,
    /// The month's last day, `yyyy-MM-dd`.
    pub statement_cycle_date: String,
}

#[derive(Debug, Serialize, ToSchema)]
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
pub(crate) fn card_effect(state: &HypercardState, record: &Record) -> (Decimal, Decimal, Decimal) {
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
    pub(crate) fn of(state: &HypercardState, record: &Record) -> Self {
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
