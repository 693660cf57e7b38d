//! The records of Transaction Query v3: one shape per business type, exactly the fields
//! of its documentation table.

use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use super::{amount, coin};
use crate::providers::hypercard::state::{
    Card, CardIdx, Detail, HypercardState, Record, recharge_status,
};

/// `/v3/openapi/card/transactions` data.
#[derive(Debug, Serialize, ToSchema)]
pub struct TxPage {
    pub records: Vec<TxRecord>,
    pub total: usize,
    pub page: i64,
    pub size: i64,
}

/// One v3 record; each variant has exactly its business type's fields.
#[derive(Debug, Serialize, ToSchema)]
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

#[derive(Debug, Serialize, ToSchema)]
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

#[derive(Debug, Serialize, ToSchema)]
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

#[derive(Debug, Serialize, ToSchema)]
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

#[derive(Debug, Serialize, ToSchema)]
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

#[derive(Debug, Serialize, ToSchema)]
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

#[derive(Debug, Serialize, ToSchema)]
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

#[derive(Debug, Serialize, ToSchema)]
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

fn head(state: &HypercardState, card: Option<CardIdx>) -> Head {
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
    pub(crate) fn of(state: &HypercardState, record: &Record) -> Self {
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
