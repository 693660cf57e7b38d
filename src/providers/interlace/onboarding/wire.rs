//! The JSON of the onboarding endpoints: registration, KYC case, CDD detail, card BIN,
//! cardholder, card-display token and account-to-account transfer (camelCase, times as
//! epoch-millisecond strings, amounts 2-decimal strings).

use serde::Serialize;
use utoipa::ToSchema;

use super::bins::Bin;
use super::ops::kyc_status_of;
use super::state::Cardholder;
use crate::providers::interlace::state::AccountIdx;
use crate::providers::interlace::wire::ms;
use crate::tenant::World;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredView {
    pub id: String,
    pub display_id: String,
    #[schema(value_type = String, example = "ACTIVE")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KycCaseView {
    pub case_id: String,
    pub account_id: String,
    /// `PENDING` on submission (quirks.rs).
    #[schema(example = "PENDING")]
    pub status: String,
}

/// `GET /open-api/v3/accounts/cdd/detail/{accountId}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CddView {
    pub account_id: String,
    pub display_id: String,
    #[schema(schema_with = kyc_status_schema)]
    pub kyc_status: String,
    pub message: String,
    pub case_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub nationality: Option<String>,
    pub id_type: Option<String>,
    pub country: Option<String>,
    /// Epoch milliseconds.
    pub submit_time: Option<String>,
    /// Epoch milliseconds.
    pub review_time: Option<String>,
}

impl CddView {
    pub(crate) fn of(world: &World, account: AccountIdx) -> Self {
        let a = &world.interlace.accounts[account];
        let onboarding = &world.interlace.onboarding;
        let case = onboarding.latest_case(&a.id).map(|c| &onboarding.cases[c]);
        let message = onboarding
            .profiles
            .get(&a.id)
            .map(|p| p.kyc_message.clone())
            .unwrap_or_default();
        Self {
            account_id: a.id.clone(),
            display_id: a.display_id.clone(),
            kyc_status: kyc_status_of(world, account),
            message,
            case_id: case.map(|c| c.id.clone()),
            first_name: case.map(|c| c.first_name.clone()),
            last_name: case.map(|c| c.last_name.clone()),
            date_of_birth: case.map(|c| c.date_of_birth.clone()),
            nationality: case.map(|c| c.nationality.clone()),
            id_type: case.map(|c| c.id_type.clone()),
            country: case.map(|c| c.country.clone()),
            submit_time: case.map(|c| ms(c.submitted_at)),
            review_time: case.and_then(|c| c.reviewed_at).map(ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub avs: bool,
    pub three_ds: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseLimit {
    #[schema(value_type = String)]
    pub day: &'static str,
    #[schema(value_type = String)]
    pub single: &'static str,
    #[schema(value_type = String)]
    pub lifetime: &'static str,
}

/// The card BIN object.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BinView {
    #[schema(value_type = String)]
    pub id: &'static str,
    #[schema(value_type = String)]
    pub bin: &'static str,
    /// 0 issues prepaid cards, 1 budget cards.
    #[serde(rename = "type")]
    #[schema(schema_with = bin_type_schema)]
    pub kind: u8,
    #[schema(value_type = Vec<String>)]
    pub currencies: &'static [&'static str],
    #[schema(value_type = String)]
    pub network: &'static str,
    pub verification: Verification,
    pub purchase_limit: PurchaseLimit,
    pub support_physical_card: bool,
}

impl BinView {
    pub fn of(b: &Bin) -> Self {
        Self {
            id: b.id,
            bin: b.bin,
            kind: b.kind,
            currencies: b.currencies,
            network: b.network,
            verification: Verification {
                avs: b.avs,
                three_ds: b.three_ds,
            },
            purchase_limit: PurchaseLimit {
                day: b.day,
                single: b.single,
                lifetime: b.lifetime,
            },
            support_physical_card: b.physical,
        }
    }
}

/// The answer to a cardholder creation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CardholderCreated {
    pub id: String,
    #[schema(schema_with = cardholder_status_schema)]
    pub status: String,
    pub card_bin_list: Vec<String>,
}

/// A cardholder as `GET /open-api/v3/cardholders/{id}` and the list show it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CardholderView {
    pub id: String,
    pub account_id: String,
    #[schema(schema_with = cardholder_status_schema)]
    pub status: String,
    pub reject_reason: Option<String>,
    #[schema(schema_with = cardholder_tier_schema)]
    pub cardholder_tier: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub dob: String,
    pub gender: String,
    pub nationality: String,
    pub phone_number: String,
    pub phone_country_code: String,
    pub card_bin_list: Vec<String>,
    /// Epoch milliseconds.
    pub create_time: String,
}

impl CardholderView {
    pub(crate) fn of(h: &Cardholder) -> Self {
        Self {
            id: h.id.clone(),
            account_id: h.account_id.clone(),
            status: h.status.clone(),
            reject_reason: h.reject_reason.clone(),
            cardholder_tier: h.tier.clone(),
            first_name: h.first_name.clone(),
            last_name: h.last_name.clone(),
            email: h.email.clone(),
            dob: h.dob.clone(),
            gender: h.gender.clone(),
            nationality: h.nationality.clone(),
            phone_number: h.phone_number.clone(),
            phone_country_code: h.phone_country_code.clone(),
            card_bin_list: vec![h.bin_id.clone()],
            create_time: ms(h.created_at),
        }
    }
}

/// The card-display token.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DisplayTokenView {
    pub access_token: String,
    pub expires_in: i64,
    pub card_id: String,
}

/// One side of an account-to-account transfer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SideView {
    pub id: String,
    pub account_id: String,
    pub currency: String,
    /// 0, the Infinity balance.
    #[schema(schema_with = side_type_schema)]
    pub business_type: u8,
}

/// An account-to-account transfer between Infinity balances.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountTransferView {
    pub id: String,
    pub client_transaction_id: String,
    pub amount: String,
    pub fee: String,
    pub currency: String,
    #[schema(value_type = String, example = "CLOSED")]
    pub status: &'static str,
    pub from: SideView,
    pub to: SideView,
    pub create_time: String,
}

fn kyc_status_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(super::state::kyc_status::ALL)
}

fn cardholder_status_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(super::state::cardholder_status::ALL)
}

fn cardholder_tier_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(super::state::CARDHOLDER_TIERS)
}

fn bin_type_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::integer_enum([0, 1])
}

fn side_type_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::integer_enum([0])
}
