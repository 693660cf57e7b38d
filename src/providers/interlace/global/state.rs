//! Global (business) accounts: settings, legal entities, business accounts with their
//! bank accounts, and business account transactions with their fees. Plain data.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::bank::BankDetails;
use crate::chunked::Chunked;
use crate::clock::Timestamp;
use crate::handle::record_handle;
use crate::ledger::{AccountId, HoldId};
use crate::money::Currency;
use crate::providers::interlace::state::AccountIdx;

/// Legal entity statuses (seed 002).
pub(crate) const LEGAL_ENTITY_STATUSES: [&str; 10] = [
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

record_handle!(
    /// A legal entity's position in `GlobalState::legal_entities`.
    pub(crate) LegalEntityIdx => LegalEntity
);
record_handle!(
    /// A business account's position in `GlobalState::business_accounts`.
    pub(crate) BusinessAccountIdx => BusinessAccount
);
record_handle!(
    /// A business transaction's position in `GlobalState::transactions`.
    pub(crate) GlobalTxIdx => GlobalTx
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GlobalSettings {
    /// From PENDING to PROCESSING, then from PROCESSING to ACTIVE.
    pub(crate) legal_entity_processing_seconds: i64,
    pub(crate) legal_entity_active_seconds: i64,
    /// Between the statuses of an inbound transaction.
    pub(crate) inbound_step_seconds: i64,
    /// From PENDING to CLOSED for an outbound transfer.
    pub(crate) outbound_settle_seconds: i64,
    /// From PAYMENT_FAILED to REFUNDING (funds and fee back).
    pub(crate) refund_seconds: i64,
    /// Platform fee per outbound transfer, by currency.
    pub(crate) fees: BTreeMap<Currency, Decimal>,
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
pub(crate) struct LegalEntity {
    pub(crate) id: String,
    /// Index into the Interlace accounts.
    pub(crate) account: AccountIdx,
    pub(crate) account_name: String,
    pub(crate) message: String,
    pub(crate) status: String,
    pub(crate) created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BankAccount {
    pub(crate) status: String,
    pub(crate) account_name: String,
    pub(crate) details: BankDetails,
    pub(crate) created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BusinessAccount {
    pub(crate) id: String,
    pub(crate) account: AccountIdx,
    pub(crate) nickname: String,
    pub(crate) purpose: String,
    pub(crate) currency: Currency,
    pub(crate) balance_id: String,
    pub(crate) ledger: AccountId,
    pub(crate) created_at: Timestamp,
    pub(crate) bank_accounts: Vec<BankAccount>,
}

/// A business account transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GlobalTx {
    pub(crate) id: String,
    pub(crate) business_account: BusinessAccountIdx,
    pub(crate) currency: Currency,
    pub(crate) counterparty: String,
    pub(crate) amount: Decimal,
    pub(crate) display_id: String,
    /// The platform fee of an outbound transfer.
    pub(crate) fee: Option<Decimal>,
    /// `INBOUND` or `OUTBOUND`.
    pub(crate) business_type: String,
    pub(crate) status: String,
    pub(crate) reference: String,
    pub(crate) origin_transfer_id: String,
    pub(crate) client_transaction_id: String,
    pub(crate) time: Timestamp,
    /// The statuses still ahead, the clock moving it one step at a time.
    pub(crate) path: Vec<String>,
    /// Amount and fee held while an outbound transfer is pending.
    pub(crate) hold: Option<HoldId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GlobalState {
    pub(crate) settings: GlobalSettings,
    pub(crate) legal_entities: Vec<LegalEntity>,
    pub(crate) business_accounts: Vec<BusinessAccount>,
    /// Every transaction, in the order made; added through [`GlobalState::push`] only.
    pub(crate) transactions: Chunked<GlobalTx>,
    /// Outbound transfers by (account, `clientTransactionId`), the first of each, so a
    /// repeat finds its first without scanning history. Ordered, so growing it never
    /// rehashes every entry under the tenant lock (see `HypercardState::tx_index`).
    outbound_by_client_id: BTreeMap<(AccountIdx, String), GlobalTxIdx>,
    /// The 6-digit sequence of transaction display ids.
    pub(crate) next_display: u32,
}

impl GlobalState {
    /// Adds a transaction, keeping the index of outbound transfers.
    pub(crate) fn push(&mut self, tx: GlobalTx) -> GlobalTxIdx {
        let index = GlobalTxIdx(self.transactions.len());
        if tx.business_type == "OUTBOUND" {
            let account = self.business_accounts[tx.business_account].account;
            self.outbound_by_client_id
                .entry((account, tx.client_transaction_id.clone()))
                .or_insert(index);
        }
        self.transactions.push(tx);
        index
    }

    /// The first outbound transfer of `account` with this `clientTransactionId`.
    pub(crate) fn outbound_repeat(
        &self,
        account: AccountIdx,
        client_transaction_id: &str,
    ) -> Option<GlobalTxIdx> {
        self.outbound_by_client_id
            .get(&(account, client_transaction_id.to_owned()))
            .copied()
    }

    pub(crate) fn legal_entity(&self, id: &str) -> Option<LegalEntityIdx> {
        self.legal_entities
            .iter()
            .position(|l| l.id == id)
            .map(LegalEntityIdx)
    }

    pub(crate) fn business_account(&self, id: &str) -> Option<BusinessAccountIdx> {
        self.business_accounts
            .iter()
            .position(|b| b.id == id)
            .map(BusinessAccountIdx)
    }
}
