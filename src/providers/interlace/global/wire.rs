//! The global-account objects exactly as seed 002 defines them. Two seed conflicts are
//! settled as its attribute tables say (quirks.rs): a bank account's `bankAddress` is a
//! string and its `createTime` 10-digit seconds.

use serde::Serialize;
use utoipa::ToSchema;

use super::state::{BusinessAccount, GlobalTx, LegalEntity};
use crate::providers::interlace::wire::{money, ms};
use crate::tenant::World;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegalEntityView {
    pub account_id: String,
    pub account_name: String,
    pub id: String,
    pub message: String,
    #[schema(schema_with = legal_entity_status_schema)]
    pub status: String,
}

impl LegalEntityView {
    pub(crate) fn of(world: &World, le: &LegalEntity) -> Self {
        Self {
            account_id: world.interlace.accounts[le.account].id.clone(),
            account_name: le.account_name.clone(),
            id: le.id.clone(),
            message: le.message.clone(),
            status: le.status.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BankAccountView {
    pub status: String,
    pub currency: String,
    pub account_no: String,
    pub account_id: String,
    /// Unix seconds, 10 digits (quirks.rs).
    pub create_time: String,
    pub bank_name: String,
    pub routing_type: String,
    pub routing_number: String,
    pub bank_address: String,
    pub account_name: String,
    pub swift: String,
    pub branch_name: String,
    pub branch_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BusinessAccountView {
    pub id: String,
    pub account_id: String,
    /// Epoch milliseconds.
    pub create_time: String,
    pub nickname: String,
    pub purpose: String,
    pub currency: String,
    pub balance_id: String,
    pub bank_accounts: Vec<BankAccountView>,
}

impl BusinessAccountView {
    pub(crate) fn of(world: &World, ba: &BusinessAccount) -> Self {
        let account_id = world.interlace.accounts[ba.account].id.clone();
        Self {
            id: ba.id.clone(),
            account_id: account_id.clone(),
            create_time: ms(ba.created_at),
            nickname: ba.nickname.clone(),
            purpose: ba.purpose.clone(),
            currency: ba.currency.code().to_owned(),
            balance_id: ba.balance_id.clone(),
            bank_accounts: ba
                .bank_accounts
                .iter()
                .map(|b| BankAccountView {
                    status: b.status.clone(),
                    currency: ba.currency.code().to_owned(),
                    account_no: b.details.account_no.clone(),
                    account_id: account_id.clone(),
                    create_time: b.created_at.as_secs().to_string(),
                    bank_name: b.details.bank_name.clone(),
                    routing_type: b.details.routing_type.clone(),
                    routing_number: b.details.routing_number.clone(),
                    bank_address: b.details.bank_address.clone(),
                    account_name: b.account_name.clone(),
                    swift: b.details.swift.clone(),
                    branch_name: b.details.branch_name.clone(),
                    branch_code: b.details.branch_code.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeeView {
    pub amount: String,
    pub currency: String,
    pub fee_type: u8,
}

/// A global-account transaction.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BusinessTransactionView)]
pub struct TransactionView {
    pub id: String,
    pub account_id: String,
    pub currency: String,
    pub counterparty: String,
    pub settlement_amount: String,
    pub transaction_display_id: String,
    pub fees: Vec<FeeView>,
    #[schema(schema_with = business_type_schema)]
    pub business_type: String,
    #[schema(schema_with = transaction_status_schema)]
    pub status: String,
    pub reference: String,
    pub origin_transfer_id: String,
    pub client_transaction_id: String,
}

impl TransactionView {
    pub(crate) fn of(world: &World, tx: &GlobalTx) -> Self {
        let ba = &world.interlace.global.business_accounts[tx.business_account];
        Self {
            id: tx.id.clone(),
            account_id: world.interlace.accounts[ba.account].id.clone(),
            currency: tx.currency.code().to_owned(),
            counterparty: tx.counterparty.clone(),
            settlement_amount: money(tx.amount),
            transaction_display_id: tx.display_id.clone(),
            fees: tx
                .fee
                .map(|f| FeeView {
                    amount: money(f),
                    currency: tx.currency.code().to_owned(),
                    fee_type: 0,
                })
                .into_iter()
                .collect(),
            business_type: tx.business_type.clone(),
            status: tx.status.clone(),
            reference: tx.reference.clone(),
            origin_transfer_id: tx.origin_transfer_id.clone(),
            client_transaction_id: tx.client_transaction_id.clone(),
        }
    }
}

/// `GET /open-api/v3/business/accounts/{id}/balance`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BalanceView {
    pub balance_id: String,
    pub currency: String,
    pub available: String,
    /// Inbound deposits on their way (not yet CLOSED, REJECTED, CANCELLED or UNKNOWN).
    pub pending: String,
}

fn legal_entity_status_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(super::state::LEGAL_ENTITY_STATUSES)
}

fn business_type_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(["INBOUND", "OUTBOUND"])
}

fn transaction_status_schema() -> utoipa::openapi::schema::Object {
    crate::providers::schema::string_enum(super::state::TRANSACTION_STATUSES)
}
