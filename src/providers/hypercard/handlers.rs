//! One thin handler per HyperCard endpoint: read the fields, call one operation or
//! query, render the wire type. Named after the documentation's operations.

use axum::response::Response;
use rust_decimal::Decimal;

use super::error::HcError;
use super::extract::Signed;
use super::state::{Detail, op_type};
use super::wire::{
    self, BalanceData, BuyCoinData, MerchantBalanceRow, OperationResultData, ProductRow,
    RechargeData, RechargeFigures, RechargeQueryData,
};
use super::{ops, query};
use crate::money::{Currency, format_fixed};

/// Card ids run to 20 digits (contract section 7).
const CARD_ID_DIGITS: usize = 20;

/// `POST /openapi/card/balance`.
pub(super) async fn card_balance(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let card = w
            .hypercard
            .card_by_id(card_id)
            .ok_or_else(|| HcError::card_not_found(card_id))?;
        let card = &w.hypercard.cards[card];
        let balance = w.ledger.balance(card.account)?;
        let product = &w.hypercard.products[card.product];
        Ok(BalanceData {
            available_balance: format_fixed(balance.available, 2),
            current_balance: format_fixed(balance.posted, 2),
            card_currency: wire::coin(product.card_coin),
            card_number: card.card_number.clone(),
            // The product's type (1 virtual, 2 physical), a string as the page types
            // it (`quirks.rs`).
            card_type: product.card_type.to_string(),
        })
    })
}

/// `POST /openapi/card/recharge`.
pub(super) async fn recharge(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let mc_trade_no = wire::req_text(body, "mc_trade_no", 128)?;
        let pay_coin = wire::req_coin(body, "pay_coin")?;
        let amount = wire::req_amount(body, "recharge_amount")?;
        let remark = wire::opt_text(body, "remark", 255)?.unwrap_or_default();
        let index = ops::recharge(w, card_id, mc_trade_no, pay_coin, amount, remark)?;
        let r = &w.hypercard.recharges[index];
        let card_coin = w.hypercard.products[w.hypercard.cards[r.card].product].card_coin;
        let fee_usdt = fee_in_usdt(w, r.fee, r.pay_coin)?;
        Ok(RechargeData {
            order_no: r.order_no.clone(),
            figures: RechargeFigures::of_recharge(r, card_coin, fee_usdt),
        })
    })
}

fn fee_in_usdt(w: &crate::tenant::World, fee: Decimal, coin: Currency) -> Result<Decimal, HcError> {
    let usdt = Currency::parse("USDT").expect("USDT is in the currency table");
    ops::convert(ops::settings(w)?, fee, coin, usdt)
}

/// `POST /openapi/card/recharge/query`. An unknown reference answers success with no
/// data, as HyperCard does.
pub(super) async fn recharge_query(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let mc_trade_no = wire::req_text(body, "mc_trade_no", 128)?;
        let card = w
            .hypercard
            .card_by_id(card_id)
            .ok_or_else(|| HcError::card_not_found(card_id))?;
        let Some(index) = w.hypercard.recharge_by_trade_no(card, mc_trade_no) else {
            return Ok(None);
        };
        let r = &w.hypercard.recharges[index];
        let card_coin = w.hypercard.products[w.hypercard.cards[r.card].product].card_coin;
        let fee_usdt = fee_in_usdt(w, r.fee, r.pay_coin)?;
        Ok(Some(RechargeQueryData {
            status: r.status,
            fail_reason: r.fail_reason.clone(),
            order_no: r.order_no.clone(),
            figures: RechargeFigures::of_recharge(r, card_coin, fee_usdt),
            card_id: card_id.to_owned(),
            mc_trade_no: mc_trade_no.to_owned(),
        }))
    })
}

/// `POST /openapi/card/estimation/crypto`.
pub(super) async fn estimation_crypto(req: Signed) -> Response {
    req.run(|w, body| {
        let card_type_id = wire::req_text(body, "card_type_id", 64)?;
        let pay_coin = wire::req_coin(body, "pay_coin")?;
        let amount = wire::req_amount(body, "recharge_amount")?;
        let product = w.hypercard.product_by_id(card_type_id).ok_or_else(|| {
            HcError::param(format!(
                "card_type_id {card_type_id:?} is not a card product"
            ))
        })?;
        Ok(RechargeFigures::of(&ops::quote(
            w, product, pay_coin, amount,
        )?))
    })
}

/// `POST /openapi/card/buy/coin`.
pub(super) async fn buy_coin(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let amount = wire::req_amount(body, "currency_amount")?;
        let mc_trade_no = wire::req_text(body, "mc_trade_no", 128)?;
        wire::opt_text(body, "remark", 255)?;
        let index = ops::buy_coin(w, card_id, amount, mc_trade_no)?;
        let record = &w.hypercard.records[index];
        let Detail::BuyCoin {
            pay_coin,
            tx_amount,
            buy_coin,
            buy_amount,
            fee,
            ..
        } = &record.detail
        else {
            unreachable!("buy_coin records a coin purchase");
        };
        Ok(BuyCoinData {
            card_currency: wire::coin(*pay_coin),
            coin: wire::coin(*buy_coin),
            coin_amount: wire::amount(*buy_amount),
            create_time: record.time.as_secs().to_string(),
            currency_amount: wire::amount(*tx_amount),
            exchange_fee: wire::amount(*fee),
            status: record.status,
            tx_id: record.tx_id.clone(),
            reason: String::new(),
        })
    })
}

/// `POST /openapi/card/operation`: answers `{code, msg}` only.
pub(super) async fn card_operation(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let request_number = wire::req_text(body, "request_number", 64)?;
        let kind = wire::req_int(body, "type")?;
        let kind = u8::try_from(kind).map_err(|_| {
            HcError::param(format!(
                "type must be one of 1, 2, 3, 4, 5, 6, 9, got {kind}"
            ))
        })?;
        if kind == 5
            && !body
                .get("address")
                .is_some_and(serde_json::Value::is_object)
        {
            return Err(HcError::param(
                "address is required to reissue a card (type 5)",
            ));
        }
        ops::operate(w, card_id, request_number, kind)?;
        Ok(NoData)
    })
}

/// Renders as nothing: the envelope then carries only `code` and `msg`.
#[derive(Debug)]
pub(super) struct NoData;

impl serde::Serialize for NoData {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_none()
    }
}

/// `POST /v2/openapi/card/operation/result`.
pub(super) async fn operation_result(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let request_number = wire::req_text(body, "request_number", 64)?;
        let kind = wire::req_int(body, "type")?;
        let card = w
            .hypercard
            .card_by_id(card_id)
            .ok_or_else(|| HcError::card_not_found(card_id))?;
        let op = w
            .hypercard
            .operations
            .iter()
            .find(|o| {
                o.card == card && o.request_number == request_number && i64::from(o.op_type) == kind
            })
            .ok_or_else(query::unknown_operation)?;
        debug_assert!(op_type::ALL.contains(&op.op_type));
        Ok(OperationResultData {
            card_id: card_id.to_owned(),
            request_number: request_number.to_owned(),
            operate_status: op.operate_status,
            express_company: String::new(),
            express_no: String::new(),
        })
    })
}

/// `POST /v5/openapi/card/list`: the card products, optionally one of them.
pub(super) async fn card_list(req: Signed) -> Response {
    req.run(|w, body| {
        let wanted = wire::opt_text(body, "card_type_id", 64)?;
        Ok(w.hypercard
            .products
            .iter()
            .filter(|p| wanted.is_none_or(|id| p.card_type_id == id))
            .map(ProductRow::of)
            .collect::<Vec<_>>())
    })
}

/// `POST /openapi/card/merchant/balance`: the merchant's balance per coin.
pub(super) async fn merchant_balance(req: Signed) -> Response {
    req.run(|w, body| {
        let wanted = wire::opt_text(body, "coin", 20)?.map(str::to_ascii_uppercase);
        let mut rows = Vec::new();
        for account in w.ledger.accounts() {
            let Some(code) = account.key.strip_prefix("hypercard:merchant:") else {
                continue;
            };
            if wanted.as_deref().is_some_and(|c| c != code) {
                continue;
            }
            let balance = w.ledger.balance(account.id)?;
            rows.push(MerchantBalanceRow {
                amount: wire::amount(balance.available),
                coin: code.to_ascii_lowercase(),
                total_amount: wire::amount(balance.posted),
            });
        }
        Ok(rows)
    })
}

/// `POST /v2/openapi/card/transaction/record`.
pub(super) async fn transaction_record(req: Signed) -> Response {
    req.run(|w, body| query::statement(&w.hypercard, body))
}

/// `POST /v3/openapi/card/transactions`.
pub(super) async fn transactions_v3(req: Signed) -> Response {
    req.run(|w, body| query::transactions(&w.hypercard, body))
}
