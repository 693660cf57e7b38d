//! One thin handler per HyperCard endpoint: read the fields, call one operation or
//! query, render the wire type. Named after the documentation's operations.

use axum::response::Response;
use rust_decimal::Decimal;

use super::error::{Envelope, HcError};
use super::extract::Signed;
use super::state::{self, Detail, op_type};
use super::wire::{
    self, ActivateRequest, ApplyQuickRequest, ApplyResult, ApplyResultData, ApplyResultRequest,
    BalanceData, BankDetailsData, BankDetailsRequest, BuyCoinData, BuyCoinRequest, CardListRequest,
    CardRequest, EstimationRequest, MerchantBalanceRequest, MerchantBalanceRow, MonthStatement,
    OperationRequest, OperationResultData, ProductRow, RechargeData, RechargeFigures,
    RechargeQueryData, RechargeQueryRequest, RechargeRequest, StatementRequest,
    TransactionsRequest, TxPage,
};
use super::{card_details, ops, query};
use crate::money::{Currency, format_fixed};

/// Card ids run to 20 digits.
const CARD_ID_DIGITS: usize = 20;

/// `POST /openapi/card/balance`.
#[utoipa::path(
    post,
    path = "/openapi/card/balance",
    tag = "cards",
    operation_id = "card_balance",
    summary = "A card's balance",
    request_body = CardRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<BalanceData>))
)]
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
#[utoipa::path(
    post,
    path = "/openapi/card/recharge",
    tag = "recharge",
    operation_id = "recharge",
    summary = "Recharge a card with a coin (pending until it settles on the tenant clock)",
    request_body = RechargeRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<RechargeData>))
)]
pub(super) async fn recharge(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let mc_trade_no = wire::req_text(body, "mc_trade_no", 128)?;
        let pay_coin = wire::req_coin(body, "pay_coin")?;
        let amount = wire::req_amount(body, "recharge_amount")?;
        let remark = wire::opt_text(body, "remark", 255)?.unwrap_or_default();
        let opening = w
            .hypercard
            .card_by_id(card_id)
            .is_some_and(|c| w.hypercard.cards[c].status == state::card_status::PRE_APPLY);
        let index = ops::recharge(w, card_id, mc_trade_no, pay_coin, amount, remark)?;
        if opening {
            // The opening deposit of a card in pre-apply: empty data, as documented.
            return Ok(None);
        }
        let r = &w.hypercard.recharges[index];
        let card_coin = w.hypercard.products[w.hypercard.cards[r.card].product].card_coin;
        let fee_usdt = fee_in_usdt(w, r.fee, r.pay_coin)?;
        Ok(Some(RechargeData {
            order_no: r.order_no.clone(),
            figures: RechargeFigures::of_recharge(r, card_coin, fee_usdt),
        }))
    })
}

fn fee_in_usdt(w: &crate::tenant::World, fee: Decimal, coin: Currency) -> Result<Decimal, HcError> {
    let usdt = Currency::parse("USDT").expect("USDT is in the currency table");
    ops::convert(ops::settings(w)?, fee, coin, usdt)
}

/// `POST /openapi/card/recharge/query`. An unknown reference answers success with no
/// data, as HyperCard does.
#[utoipa::path(
    post,
    path = "/openapi/card/recharge/query",
    tag = "recharge",
    operation_id = "recharge_query",
    summary = "A recharge's status and figures (an unknown reference: success with no data)",
    request_body = RechargeQueryRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<RechargeQueryData>))
)]
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
#[utoipa::path(
    post,
    path = "/openapi/card/estimation/crypto",
    tag = "recharge",
    operation_id = "estimation_crypto",
    summary = "What a recharge would cost",
    request_body = EstimationRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<RechargeFigures>))
)]
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
#[utoipa::path(
    post,
    path = "/openapi/card/buy/coin",
    tag = "merchant",
    operation_id = "buy_coin",
    summary = "Card fiat to USDT on the merchant balance, less a fee",
    request_body = BuyCoinRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<BuyCoinData>))
)]
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
#[utoipa::path(
    post,
    path = "/openapi/card/operation",
    tag = "cards",
    operation_id = "card_operation",
    summary = "Freeze, unfreeze, cancel or another card operation (answers code and msg only)",
    request_body = OperationRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<NoData>))
)]
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
pub(crate) struct NoData;

impl utoipa::PartialSchema for NoData {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .description(Some("never sent: this answer carries only code and msg"))
            .build()
            .into()
    }
}

impl utoipa::ToSchema for NoData {}

impl serde::Serialize for NoData {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_none()
    }
}

/// `POST /v2/openapi/card/operation/result`.
#[utoipa::path(
    post,
    path = "/v2/openapi/card/operation/result",
    tag = "cards",
    operation_id = "operation_result",
    summary = "An operation's status",
    request_body = OperationRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<OperationResultData>))
)]
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
#[utoipa::path(
    post,
    path = "/v5/openapi/card/list",
    tag = "products",
    operation_id = "card_list",
    summary = "The card products",
    request_body = CardListRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<Vec<ProductRow>>))
)]
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
#[utoipa::path(
    post,
    path = "/openapi/card/merchant/balance",
    tag = "merchant",
    operation_id = "merchant_balance",
    summary = "The merchant's balance per coin",
    request_body = MerchantBalanceRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<Vec<MerchantBalanceRow>>))
)]
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
#[utoipa::path(
    post,
    path = "/v2/openapi/card/transaction/record",
    tag = "transactions",
    operation_id = "transaction_record",
    summary = "A card's monthly statements (GMT+8, at most 31 days)",
    request_body = StatementRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<Vec<MonthStatement>>))
)]
pub(super) async fn transaction_record(req: Signed) -> Response {
    req.run(|w, body| query::statement(&w.hypercard, body))
}

/// `POST /v3/openapi/card/transactions`.
#[utoipa::path(
    post,
    path = "/v3/openapi/card/transactions",
    tag = "transactions",
    operation_id = "transactions_v3",
    summary = "Transaction Query v3: one business type's records, newest first; each record has exactly its business type's fields",
    request_body = TransactionsRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<TxPage>))
)]
pub(super) async fn transactions_v3(req: Signed) -> Response {
    req.run(|w, body| query::transactions(&w.hypercard, body))
}

/// `POST /v4/openapi/card/apply/quick` (express v4): answers `{code, msg}` only; the
/// outcome comes later, in the application result and the `OPEN_CARD` push.
#[utoipa::path(
    post,
    path = "/v4/openapi/card/apply/quick",
    tag = "applications",
    operation_id = "apply_quick",
    summary = "Express application (answers code and msg only; the outcome comes on the tenant clock)",
    request_body = ApplyQuickRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<NoData>))
)]
pub(super) async fn apply_quick(req: Signed) -> Response {
    req.run(|w, body| {
        let mc_trade_no = wire::req_text(body, "mc_trade_no", 64)?;
        let info = match body.get("base_info") {
            Some(serde_json::Value::Object(info)) => info,
            Some(_) => return Err(HcError::param("base_info must be an object")),
            None => return Err(HcError::param("base_info is required")),
        };
        let field = |name: &str, max: usize| {
            wire::req_text(info, name, max)
                .map(str::to_owned)
                .map_err(|e| HcError::param(format!("base_info.{}", e.msg)))
        };
        let card_type_id = field("card_type_id", 64)?;
        let email = field("email", 64)?;
        if !plausible_email(&email) {
            return Err(HcError::param(format!(
                "base_info.email {email:?} is not an email address"
            )));
        }
        let first_name = field("first_name", 50)?;
        let last_name = field("last_name", 50)?;
        let mobile = field("mobile", 11)?;
        if mobile.len() < 6 || !mobile.bytes().all(|b| b.is_ascii_digit()) {
            return Err(HcError::param(format!(
                "base_info.mobile must be 6 to 11 digits, got {mobile:?}"
            )));
        }
        let mobile_code = field("mobile_code", 5)?;
        let user_ip = wire::opt_text(info, "user_ip", 64)
            .map_err(|e| HcError::param(format!("base_info.{}", e.msg)))?
            .unwrap_or_default()
            .to_owned();
        let first_recharge_amount = wire::opt_amount(info, "first_recharge_amount")
            .map_err(|e| HcError::param(format!("base_info.{}", e.msg)))?;
        ops::apply(
            w,
            &ops::ApplyRequest {
                mc_trade_no: mc_trade_no.to_owned(),
                card_type_id,
                email,
                first_name,
                last_name,
                mobile,
                mobile_code,
                user_ip,
                first_recharge_amount,
                card_id: None,
            },
        )?;
        Ok(NoData)
    })
}

/// One `@`, something either side, a dot in the domain.
fn plausible_email(email: &str) -> bool {
    let mut parts = email.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// `POST /openapi/card/apply/result` (v1) and `/v2/openapi/card/apply/result`: the
/// application `mc_trade_no` names (its own, or its opening deposit's); unknown: `A0003`.
#[utoipa::path(
    post,
    path = "/openapi/card/apply/result",
    tag = "applications",
    operation_id = "apply_result",
    summary = "An application's result (v1)",
    request_body = ApplyResultRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<ApplyResultData>))
)]
pub(super) async fn apply_result(req: Signed) -> Response {
    apply_result_any(req).await
}

/// `POST /v2/openapi/card/apply/result`: the same as v1.
#[utoipa::path(
    post,
    path = "/v2/openapi/card/apply/result",
    tag = "applications",
    operation_id = "apply_result_v2",
    summary = "An application's result (v2, the same answer as v1)",
    request_body = ApplyResultRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<ApplyResultData>))
)]
pub(super) async fn apply_result_v2(req: Signed) -> Response {
    apply_result_any(req).await
}

async fn apply_result_any(req: Signed) -> Response {
    req.run(|w, body| {
        let mc_trade_no = wire::req_text(body, "mc_trade_no", 128)?;
        let index = w
            .hypercard
            .application_by_trade_no(mc_trade_no)
            .ok_or_else(|| {
                HcError::param(format!(
                    "mc_trade_no {mc_trade_no} is not a card application"
                ))
            })?;
        let a = &w.hypercard.applications[index];
        let card = &w.hypercard.cards[a.card];
        let issued = a.result == state::apply_result::ISSUED;
        Ok(ApplyResultData {
            mc_trade_no: mc_trade_no.to_owned(),
            result: ApplyResult {
                card_id: card.card_id.clone(),
                card_number: if issued {
                    card.card_number.clone()
                } else {
                    String::new()
                },
                card_status: card.status,
                card_type_id: w.hypercard.products[card.product].card_type_id.clone(),
                create_timestamp: a.created_at.as_secs(),
                fail_code: a.fail_code.clone(),
                fail_reason: a.fail_reason.clone(),
            },
        })
    })
}

/// `POST /openapi/card/active`: `{card_id, file}`, `file` the raw base64 of a JPEG or
/// PNG (no `data:` prefix); answers `{code, msg}` only.
#[utoipa::path(
    post,
    path = "/openapi/card/active",
    tag = "cards",
    operation_id = "card_active",
    summary = "Activate a card (answers code and msg only)",
    request_body = ActivateRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<NoData>))
)]
pub(super) async fn card_active(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let file = wire::opt_str(body, "file")?;
        if let Some(file) = file {
            check_image(file)?;
        }
        ops::activate(w, card_id, file.is_some())?;
        Ok(NoData)
    })
}

/// The most an activation document may weigh once decoded.
const MAX_FILE_BYTES: usize = 1024 * 1024;

/// A JPEG or PNG, sent as raw standard base64.
fn check_image(file: &str) -> Result<(), HcError> {
    use base64::Engine as _;
    if file.starts_with("data:") {
        return Err(HcError::param(
            "file must be raw base64, without a data: URL prefix",
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file.trim())
        .map_err(|e| HcError::param(format!("file is not valid base64: {e}")))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(HcError::param(format!(
            "file must be at most {MAX_FILE_BYTES} bytes once decoded, got {}",
            bytes.len()
        )));
    }
    let jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    if !jpeg && !png {
        return Err(HcError::param("file must be a jpg, jpeg or png image"));
    }
    Ok(())
}

/// `POST /v2/openapi/card/bank/details`: the card's number, CVV and expiry (or, for
/// hosted-page products, the page's url and password) encrypted with `pub_key`.
#[utoipa::path(
    post,
    path = "/v2/openapi/card/bank/details",
    tag = "cards",
    operation_id = "bank_details",
    summary = "The card's number, CVV and expiry encrypted with your public key",
    request_body = BankDetailsRequest,
    responses((status = 200, description = "The envelope: data on success, or an error code and message", body = Envelope<BankDetailsData>))
)]
pub(super) async fn bank_details(req: Signed) -> Response {
    req.run(|w, body| {
        let card_id = wire::req_id(body, "card_id", CARD_ID_DIGITS)?;
        let pub_key = wire::req_str(body, "pub_key")?;
        let key = card_details::parse_public_key(pub_key).map_err(HcError::param)?;
        let card = w
            .hypercard
            .card_by_id(card_id)
            .ok_or_else(|| HcError::card_not_found(card_id))?;
        let c = w.hypercard.cards[card].clone();
        if !matches!(
            c.status,
            state::card_status::ACTIVATED | state::card_status::FROZEN
        ) {
            return Err(HcError::new(
                super::Code::A0000,
                format!(
                    "card {card_id} is in status {}; its details are available once it is activated (9)",
                    c.status
                ),
            ));
        }
        let product = w.hypercard.products[c.product].clone();
        let plaintext = match product.card_detail_obtain_way {
            0 => {
                let pan =
                    card_details::pan(w.seed, &c.card_id, &c.card_number, c.opened_at);
                Some(serde_json::json!({"card_number": pan.card_number, "cvv": pan.cvv,
                    "expire": pan.expire}))
            }
            1 => {
                let now = w.now().as_secs();
                let token = w.ids.hex(32);
                let password = w.ids.numeric(6);
                Some(serde_json::json!({
                    "url": format!("https://hosted-card.example.invalid/card/{token}"),
                    "password": password,
                    "expires_at": now + HOSTED_PAGE_SECONDS,
                    "expires_in": HOSTED_PAGE_SECONDS,
                }))
            }
            _ => None,
        };
        let encoded_card_detail = match plaintext {
            Some(p) => {
                let mut seed = [0u8; 32];
                rand::RngCore::fill_bytes(w.rng.as_rng(), &mut seed);
                card_details::encrypt(&key, p.to_string().as_bytes(), seed)
                    .map_err(|e| HcError::new(super::Code::B0000, e))?
            }
            None => String::new(),
        };
        Ok(BankDetailsData {
            card_id: card_id.to_owned(),
            pub_key: pub_key.to_owned(),
            encoded_card_detail,
            card_detail_obtain_way: product.card_detail_obtain_way,
            card_type: product.card_type,
        })
    })
}

/// How long a hosted card page link lives.
const HOSTED_PAGE_SECONDS: i64 = 600;
