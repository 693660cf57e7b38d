//! Global (business) accounts: settings, legal entities, business accounts with their
//! bank accounts, and business account transactions with their fees. Plain data.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::bank::BankDetails;
use crate::clock::Timestamp;
use crate::ledger::{AccountId, HoldId};
use crate::money::Currency;

/// Legal entity statuses (seed 002).
pub const LEGAL_ENTITY_STATUSES: [&str; 10] = [
    "PENDING",
    "PROCESSING",
    "AWAIT_ADDITIONAL",
    "REVIEW_ADDITIONAL",
    "REQUEST",
    "FROZEN",
    "FAILED",
    "DELETED",
    "INACTIVE",
    "ACTIVE",
];

/// Business account transaction statuses (seed 002).
pub const TRANSACTION_STATUSES: [&str; 11] = [
    "PENDING",
    "REFUNDING",
    "CLOSED",
    "CANCELLED",
    "REJECTED",
    "REQUESTED",
    "UNKNOWN",
    "PAYMENT_FAILED",
    "USER_CANCELLED",
    "INBOUND_RELATIONSHIP_CONFIRM",
    "INBOUND_RELATIONSHIP_CONFIRM_REQUEST",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalSettings {
    /// From PENDING to PROCESSING, then from PROCESSING to ACTIVE.
    pub legal_entity_processing_seconds: i64,
    pub legal_entity_active_seconds: i64,
    /// Between the statuses of an inbound transaction.
    pub inbound_step_seconds: i64,
    /// From PENDING to CLOSED for an outbound transfer.
    pub outbound_settle_seconds: i64,
    /// From PAYMENT_FAILED to REFUNDING (funds and fee back).
    pub refund_seconds: i64,
    /// Platform fee per outbound transfer, by currency.
    pub fees: BTreeMap<Currency, Decimal>,
}

impl Default for GlobalSettings {
    fn default() -> Self {
        let fee = |code: &str, amount: i64| {
            (
                Currency::parse(code).expect("a known currency"),
                Decimal::new(amount, 2),
            )
        };
        Self {
            legal_entity_processing_seconds: 3600,
            legal_entity_active_seconds: 86_400,
            inbound_step_seconds: 3600,
            outbound_settle_seconds: 86_400,
            refund_seconds: 3600,
            fees: [fee("USD", 2500), fee("EUR", 2000), fee("GBP", 1500)]
                .into_iter()
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalEntity {
    pub id: String,
    /// Index into the Interlace accounts.
    pub account: usize,
    pub account_name: String,
    pub message: String,
    pub status: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub status: String,
    pub account_name: String,
    pub details: BankDetails,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessAccount {
    pub id: String,
    pub account: usize,
    pub nickname: String,
    pub purpose: String,
    pub currency: Currency,
    pub balance_id: String,
    pub ledger: AccountId,
    pub created_at: Timestamp,
    pub bank_accounts: Vec<BankAccount>,
}

/// A business account transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalTx {
    pub id: String,
    pub business_account: usize,
    pub currency: Currency,
    pub counterparty: String,
    pub amount: Decimal,
    pub display_id: String,
    /// The platform fee of an outbound transfer.
    pub fee: Option<Decimal>,
    /// `INBOUND` or `OUTBOUND`.
    pub business_type: String,
    pub status: String,
    pub reference: String,
    pub origin_transfer_id: String,
    pub client_transaction_id: String,
    pub time: Timestamp,
    /// The statuses still ahead, the clock moving it one step at a time.
    pub path: Vec<String>,
    /// Amount and fee held while an outbound transfer is pending.
    pub hold: Option<HoldId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalState {
    pub settings: GlobalSettings,
    pub legal_entities: Vec<LegalEntity>,
    pub business_accounts: Vec<BusinessAccount>,
    pub transactions: Vec<GlobalTx>,
    /// The 6-digit sequence of transaction display ids.
    pub next_display: u32,
}

impl GlobalState {
    pub fn legal_entity(&self, id: &str) -> Option<usize> {
        self.legal_entities.iter().position(|l| l.id == id)
    }

    pub fn business_account(&self, id: &str) -> Option<usize> {
        self.business_accounts.iter().position(|b| b.id == id)
    }
}
