//! Interlace's request bodies and query parameters as the OpenAPI document describes
//! them (`openapi.rs`). The handlers read bodies field by field (`wire.rs`), so that an
//! amount may come as a string or a number and every refusal names its field; these
//! types say what a well-formed request holds, in the same camelCase names the handlers
//! read. Amounts are documented as the strings Interlace's examples send (at most 2
//! decimals; a JSON number is accepted too), countries as ISO 3166 alpha-2 codes. Also the one
//! answer with two shapes (`TransferAnswer`).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::Envelope;
use super::global::wire::TransactionView;
use super::onboarding::wire::AccountTransferView;

/// `page` and `limit` of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page, from 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// `startTime` and `endTime`, inclusive, in epoch milliseconds.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TimeQuery {
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
}

/// `GET /open-api/oauth/authorize`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeQuery {
    /// A clientId a tenant view lists.
    pub client_id: String,
}

/// `POST /open-api/oauth/access-token`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessTokenRequest {
    pub client_id: String,
    /// Required on both paths (quirks.rs, "OAuth").
    pub client_secret: String,
    /// The code `authorize` answered: single use, valid 5 minutes.
    pub code: String,
}

/// `POST /open-api/v3/oauth/refresh-token`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshTokenRequest {
    pub client_id: String,
    /// Single use: a refresh rotates both tokens.
    pub refresh_token: String,
}

/// `POST /open-api/v3/cards`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateCardRequest {
    pub account_id: String,
    /// Moved from the Infinity balance onto the new prepaid card (default 0).
    #[schema(pattern = r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    pub cost: Option<String>,
    pub label: Option<String>,
    /// The account's budget id: issues a budget card drawing on it.
    pub budget_id: Option<String>,
    pub user_name: Option<String>,
}

/// `POST /open-api/v3/cards/transfer-in` and `transfer-out`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferRequest {
    pub account_id: String,
    pub card_id: String,
    /// Greater than 0.
    #[schema(pattern = r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    pub amount: String,
    pub client_transaction_id: Option<String>,
}

/// `POST /open-api/v3/accounts/register`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisterRequest {
    /// Registers once (case-insensitive).
    #[schema(format = Email)]
    pub email: String,
    pub name: String,
    /// A type 0 (main) account.
    pub parent_account_id: String,
    pub phone_number: Option<String>,
    pub phone_country_code: Option<String>,
}

/// `POST /open-api/v3/files/upload`, as `multipart/form-data`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadForm {
    pub account_id: String,
    /// JPEG, PNG or PDF (read from the bytes), 5 MiB each, 10 at most, 20 MiB in all.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub files: Vec<Vec<u8>>,
}

/// The address of a KYC submission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KycAddress {
    pub address_line1: String,
    pub city: String,
    pub state: String,
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: String,
    pub postal_code: String,
}

/// `POST /open-api/v3/accounts/{accountId}/kyc`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KycRequest {
    /// `"api"` when sent.
    #[schema(pattern = "^api$")]
    pub source_type: Option<String>,
    pub first_name: String,
    pub last_name: String,
    #[schema(format = Date)]
    pub date_of_birth: String,
    #[schema(pattern = "^[MF]$")]
    pub gender: String,
    #[schema(pattern = "^[A-Z]{2}$")]
    pub nationality: String,
    pub id_type: String,
    pub national_id: String,
    #[schema(format = Date)]
    pub issue_date: String,
    /// After `issueDate`.
    #[schema(format = Date)]
    pub expiry_date: String,
    pub phone_number: String,
    pub phone_country_code: String,
    /// Required when the address is in the US.
    pub ssn: Option<String>,
    pub address: KycAddress,
    /// A file id `files/upload` answered.
    pub id_front_id: String,
    pub id_back_id: Option<String>,
    /// A file id `files/upload` answered.
    pub selfie: String,
}

/// `POST /open-api/v3/vcc/simulate/kyc/review`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KycReviewRequest {
    pub account_id: String,
    /// The outcome (upper case is accepted too).
    #[schema(pattern = "^(Passed|Canceled|Request)$")]
    pub status: String,
    pub message: Option<String>,
}

/// The address of a cardholder.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CardholderAddress {
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: String,
}

/// `POST /open-api/v3/cardholders`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CardholderRequest {
    pub account_id: String,
    /// A BIN id `card/bins` lists.
    pub bin_id: String,
    /// `CONSUMER` (default) or `BUSINESS`.
    #[schema(pattern = "^(CONSUMER|BUSINESS)$")]
    pub cardholder_tier: Option<String>,
    pub first_name: String,
    pub last_name: String,
    #[schema(format = Email)]
    pub email: String,
    #[schema(format = Date)]
    pub dob: String,
    #[schema(pattern = "^[MF]$")]
    pub gender: String,
    #[schema(pattern = "^[A-Z]{2}$")]
    pub nationality: String,
    /// Validated per BIN (quirks.rs, "BINs").
    pub phone_number: String,
    pub phone_country_code: String,
    pub address: Option<CardholderAddress>,
}

/// `POST /open-api/v3/prepaid-card`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrepaidCardRequest {
    pub account_id: String,
    pub bin_id: String,
    /// An ACTIVE cardholder enrolled on the BIN.
    pub cardholder_id: String,
    pub reference_id: String,
    /// `VIRTUAL_CARD` (default) or `PHYSICAL_CARD`.
    #[schema(pattern = "^(VIRTUAL_CARD|PHYSICAL_CARD)$")]
    pub card_mode: Option<String>,
    /// Loaded from the Infinity balance (default 0).
    #[schema(pattern = r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    pub amount: Option<String>,
    /// `default` when sent.
    #[schema(pattern = "^default$")]
    pub use_type: Option<String>,
    pub label: Option<String>,
}

/// `GET /open-api/v3/cards/{cardId}/private-info/access-token`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct AccountQuery {
    /// The card's account.
    pub account_id: String,
}

/// An optional account filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct AccountFilter {
    pub account_id: Option<String>,
}

/// `GET /open-api/v3/card/transactions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct CardTransactionQuery {
    pub account_id: Option<String>,
    pub card_id: Option<String>,
}

/// `POST /open-api/v3/business/legal-entity`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegalEntityRequest {
    pub account_id: String,
    pub account_name: Option<String>,
}

/// `POST /open-api/v3/business/accounts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BusinessAccountRequest {
    /// An account with an ACTIVE legal entity.
    pub account_id: String,
    pub nickname: String,
    /// `USD`, `EUR` or `GBP`, among others the sandbox knows.
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: String,
    pub purpose: Option<String>,
}

/// `GET /open-api/v3/business/accounts`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct BusinessAccountQuery {
    pub account_id: Option<String>,
    #[param(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
}

/// `POST /open-api/v3/business/account/{id}/bank-account`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BankAccountRequest {
    pub account_name: Option<String>,
}

/// `GET /open-api/v3/business/accounts/transactions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct GlobalTransactionQuery {
    pub account_id: Option<String>,
    pub business_account_id: Option<String>,
    /// `INBOUND` or `OUTBOUND`.
    #[param(pattern = "^(INBOUND|OUTBOUND)$")]
    pub business_type: Option<String>,
    pub status: Option<String>,
}

/// The balance a transfer leaves: `{id}`, a business account's `balanceId`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Balance {
    pub id: String,
}

/// The beneficiary of an outbound transfer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Beneficiary {
    pub name: Option<String>,
}

/// An outbound global-account transfer (no `to`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalTransferRequest {
    pub client_transaction_id: String,
    #[schema(pattern = r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    pub amount: String,
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: String,
    pub from: Balance,
    pub beneficiary: Option<Beneficiary>,
    pub counterparty: Option<String>,
    pub reference: Option<String>,
}

/// One side of an account-to-account transfer: an Infinity balance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    /// The balance id the wallets list (objectType 0).
    pub id: String,
    pub account_id: String,
    /// `USD` (default).
    pub currency: Option<String>,
    /// 0, the Infinity balance (default).
    #[schema(minimum = 0, maximum = 0)]
    pub business_type: Option<u8>,
}

/// A transfer between two accounts' Infinity balances (it names `to`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountTransferRequest {
    pub client_transaction_id: String,
    #[schema(pattern = r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    pub amount: String,
    pub from: Side,
    pub to: Side,
}

/// `POST /open-api/v3/business/transfer/external`: outbound, or between two accounts
/// when the body names `to` (quirks.rs, "Onboarding").
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum TransferExternalRequest {
    External(ExternalTransferRequest),
    Account(AccountTransferRequest),
}

/// The answer of `POST /open-api/v3/business/transfer/external`: the outbound
/// transaction, or the account-to-account transfer when the request named `to`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[expect(
    dead_code,
    reason = "describes an answer the handlers render from the two views"
)]
pub(crate) enum TransferAnswer {
    External(Envelope<TransactionView>),
    Account(Envelope<AccountTransferView>),
}
