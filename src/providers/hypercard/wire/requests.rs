//! The request bodies, as the OpenAPI document describes them (`openapi.rs`). The
//! handlers read the same fields one by one with the readers in `wire/mod.rs`; every
//! body is also signed (the canonical string of the signed headers and these fields).
//! Ids and amounts are strings, as HyperCard documents them.

use utoipa::ToSchema;

use crate::providers::schema::integer_enum;

/// `{card_id}`: `/openapi/card/balance`.
#[derive(Debug, ToSchema)]
pub struct CardRequest {
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: String,
}

/// `/openapi/card/recharge`.
#[derive(Debug, ToSchema)]
pub struct RechargeRequest {
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: String,
    /// The merchant's reference, unique per recharge.
    #[schema(min_length = 1, max_length = 64)]
    pub mc_trade_no: String,
    /// The coin paid with (`USDT`).
    pub pay_coin: String,
    /// In the card's currency, a decimal string.
    #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$")]
    pub recharge_amount: String,
    #[schema(max_length = 255)]
    pub remark: Option<String>,
}

/// `/openapi/card/recharge/query`.
#[derive(Debug, ToSchema)]
pub struct RechargeQueryRequest {
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: String,
    #[schema(min_length = 1, max_length = 64)]
    pub mc_trade_no: String,
}

/// `/openapi/card/estimation/crypto`.
#[derive(Debug, ToSchema)]
pub struct EstimationRequest {
    #[schema(min_length = 1, max_length = 64)]
    pub card_type_id: String,
    pub pay_coin: String,
    #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$")]
    pub recharge_amount: String,
}

/// `/openapi/card/buy/coin`.
#[derive(Debug, ToSchema)]
pub struct BuyCoinRequest {
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: String,
    /// In the card's currency, a decimal string.
    #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$")]
    pub currency_amount: String,
    #[schema(min_length = 1, max_length = 64)]
    pub mc_trade_no: String,
}

/// `/openapi/card/operation` and `/v2/openapi/card/operation/result`.
#[derive(Debug, ToSchema)]
pub struct OperationRequest {
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: String,
    #[schema(min_length = 1, max_length = 64)]
    pub request_number: String,
    /// 1 freeze, 2 unfreeze, 3 report lost, 4 lift the report, 5 reissue (needs
    /// `address`), 6 change the PIN, 9 cancel.
    #[schema(schema_with = operation_type, rename = "type")]
    pub kind: u8,
    /// The delivery address of a reissued card (type 5).
    #[schema(value_type = Option<Object>)]
    pub address: Option<serde_json::Value>,
}

/// The operation types `/openapi/card/operation` takes (`state::op_type::ALL`).
fn operation_type() -> utoipa::openapi::schema::Object {
    integer_enum(crate::providers::hypercard::state::op_type::ALL.map(i64::from))
}

/// `/v5/openapi/card/list`.
#[derive(Debug, ToSchema)]
pub struct CardListRequest {
    /// Narrows the list to one product.
    #[schema(max_length = 64)]
    pub card_type_id: Option<String>,
}

/// `/openapi/card/merchant/balance`.
#[derive(Debug, ToSchema)]
pub struct MerchantBalanceRequest {
    /// Narrows the list to one coin.
    #[schema(max_length = 20)]
    pub coin: Option<String>,
}

/// `/v2/openapi/card/transaction/record`.
#[derive(Debug, ToSchema)]
pub struct StatementRequest {
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: String,
    /// Unix seconds, a string of digits; the span is at most 31 days.
    #[schema(pattern = "^[0-9]{1,12}$")]
    pub start_time: String,
    #[schema(pattern = "^[0-9]{1,12}$")]
    pub end_time: String,
}

/// `/v3/openapi/card/transactions`.
#[derive(Debug, ToSchema)]
pub struct TransactionsRequest {
    /// Unix seconds, a string of digits; the span is at most 60 days.
    #[schema(pattern = "^[0-9]{1,12}$")]
    pub start_time: String,
    #[schema(pattern = "^[0-9]{1,12}$")]
    pub end_time: String,
    #[schema(minimum = 1)]
    pub page: Option<i64>,
    #[schema(minimum = 10, maximum = 200)]
    pub size: Option<i64>,
    /// 1 consumption, 2 recharge, 3 withdrawal, 8 refund, 10 handling fee, 101 buy
    /// coin, 102 cancel card.
    #[schema(schema_with = business_type)]
    pub business_type: u16,
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: Option<String>,
    #[schema(max_length = 32)]
    pub tx_id: Option<String>,
}

/// The business types Transaction Query v3 takes (`query::BUSINESS_TYPES`).
fn business_type() -> utoipa::openapi::schema::Object {
    integer_enum(crate::providers::hypercard::query::BUSINESS_TYPES.map(i64::from))
}

/// `/v4/openapi/card/apply/quick`.
#[derive(Debug, ToSchema)]
pub struct ApplyQuickRequest {
    #[schema(min_length = 1, max_length = 64)]
    pub mc_trade_no: String,
    pub base_info: BaseInfo,
}

/// The applicant of an express application.
#[derive(Debug, ToSchema)]
pub struct BaseInfo {
    #[schema(min_length = 1, max_length = 64)]
    pub card_type_id: String,
    #[schema(format = "email")]
    pub email: String,
    #[schema(min_length = 1, max_length = 64)]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 64)]
    pub last_name: String,
    /// 6 to 11 digits.
    #[schema(pattern = "^[0-9]{6,11}$")]
    pub mobile: String,
    #[schema(pattern = "^[0-9]{1,4}$")]
    pub mobile_code: String,
    #[schema(max_length = 64)]
    pub user_ip: Option<String>,
    #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$")]
    pub first_recharge_amount: Option<String>,
}

/// `/openapi/card/apply/result` and `/v2/openapi/card/apply/result`.
#[derive(Debug, ToSchema)]
pub struct ApplyResultRequest {
    #[schema(min_length = 1, max_length = 128)]
    pub mc_trade_no: String,
}

/// `/openapi/card/active`.
#[derive(Debug, ToSchema)]
pub struct ActivateRequest {
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: String,
    /// Raw standard base64 of a JPEG or PNG (no `data:` prefix); needed when the
    /// product's `activate_type` is 1.
    #[schema(content_encoding = "base64")]
    pub file: Option<String>,
}

/// `/v2/openapi/card/bank/details`.
#[derive(Debug, ToSchema)]
pub struct BankDetailsRequest {
    #[schema(pattern = "^[0-9]{1,20}$")]
    pub card_id: String,
    /// Your RSA public key, base64 DER, that the card's details are encrypted for.
    pub pub_key: String,
}
