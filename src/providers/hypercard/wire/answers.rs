//! The `data` of every endpoint but the two record listings: balance, recharge figures,
//! coin purchase, operation result, merchant balance and the product catalogue.

use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use super::{amount, coin};
use crate::money::Currency;
use crate::providers::hypercard::state::{Product, Recharge};

/// `/openapi/card/balance`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceData {
    pub available_balance: String,
    pub current_balance: String,
    pub card_currency: String,
    pub card_number: String,
    pub card_type: String,
}

/// The rate and fee fields a recharge, its estimation and its query share.
#[derive(Debug, Serialize, ToSchema)]
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
    pub(crate) fn of(quote: &crate::providers::hypercard::ops::Quote) -> Self {
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

    pub(crate) fn of_recharge(r: &Recharge, card_coin: Currency, fee_usdt: Decimal) -> Self {
        Self::of(&crate::providers::hypercard::ops::Quote {
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
#[derive(Debug, Serialize, ToSchema)]
pub struct RechargeData {
    pub order_no: String,
    #[serde(flatten)]
    pub figures: RechargeFigures,
}

/// `/openapi/card/recharge/query`.
#[derive(Debug, Serialize, ToSchema)]
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
#[derive(Debug, Serialize, ToSchema)]
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
#[derive(Debug, Serialize, ToSchema)]
pub struct OperationResultData {
    pub card_id: String,
    pub request_number: String,
    pub operate_status: u8,
    pub express_company: String,
    pub express_no: String,
}

/// `/openapi/card/merchant/balance` rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantBalanceRow {
    /// Available.
    pub amount: String,
    pub coin: String,
    pub total_amount: String,
}

/// `/v5/openapi/card/list` rows: the product catalogue.
#[derive(Debug, Serialize, ToSchema)]
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
    pub(crate) fn of(p: &Product) -> Self {
        Self {
            card_type_id: p.card_type_id.clone(),
            card_name: p.card_name.clone(),
            card_type: p.card_type,
            card_org: p.card_org,
            card_coin: coin(p.card_coin),
            apply_type: p.apply_type,
            activate_type: p.activate_type,
            card_detail_obtain_way: p.card_detail_obtain_way,
            status: 1,
            can_recharge: u8::from(p.can_recharge),
            need_first_recharge: u8::from(p.need_first_recharge),
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

/// `/openapi/card/apply/result` and `/v2/openapi/card/apply/result`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplyResultData {
    pub mc_trade_no: String,
    pub result: ApplyResult,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplyResult {
    pub card_id: String,
    /// Masked; `""` until the card is issued.
    pub card_number: String,
    pub card_status: u8,
    pub card_type_id: String,
    /// Unix seconds of the application.
    pub create_timestamp: i64,
    pub fail_code: String,
    pub fail_reason: String,
}

/// `/v2/openapi/card/bank/details`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BankDetailsData {
    pub card_id: String,
    pub pub_key: String,
    pub encoded_card_detail: String,
    pub card_detail_obtain_way: u8,
    pub card_type: u8,
}
