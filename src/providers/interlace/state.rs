//! Interlace's part of a tenant's world: OAuth clients, codes and tokens, accounts with
//! their Infinity and budget balances, prepaid and budget cards, card transactions, and
//! the card-negative history (daily statistics, bills, repayments, batch hooks). Plain
//! data, no serde.
//!
//! Money never lives here: balances are ledger balances; records name the entries that
//! moved money.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::clock::Timestamp;
use crate::issued::Issued;
use crate::ledger::{AccountId, EntryId, HoldId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub client_id: String,
    pub client_secret: String,
}

/// A one-time authorisation code from `oauth/authorize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthCode {
    pub client_id: String,
    pub expires_at: Timestamp,
    /// Where it lapses on the wall clock when the tenant authenticates on it (never
    /// exported: a restored code lapses on the tenant clock).
    pub wall_expires_at: Option<Timestamp>,
    pub used: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub client_id: String,
    pub expires_at: Timestamp,
    /// As for [`AuthCode::wall_expires_at`].
    pub wall_expires_at: Option<Timestamp>,
}

/// Account type: 0 API client, 1 API client's customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub account_type: u8,
    pub name: String,
    pub name_en: String,
    pub display_id: String,
    /// False until the Infinity account is provisioned (cards refuse `010021`).
    pub initialized: bool,
    /// Whether KYC passed (a type 1 account without it refuses cards with `010787`).
    pub kyc_passed: bool,
    /// The Infinity (USD) balance and its id.
    pub infinity: AccountId,
    pub infinity_id: String,
    /// The account-level budget that budget cards draw on, and its id.
    pub budget: AccountId,
    pub budget_id: String,
    pub created_at: Timestamp,
}

/// Card status (Interlace's card resource).
pub mod card_status {
    pub const ACTIVE: &str = "ACTIVE";
    pub const FROZEN: &str = "FROZEN";
    pub const INACTIVE: &str = "INACTIVE";
    pub const CONTROL: &str = "CONTROL";
    pub const PENDING: &str = "PENDING";
    pub const ALL: [&str; 5] = [INACTIVE, CONTROL, ACTIVE, PENDING, FROZEN];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub id: String,
    /// Index into `accounts`.
    pub account: usize,
    pub user_name: String,
    pub bin: String,
    pub last_four: String,
    pub status: String,
    pub label: String,
    /// The card's own balance id (prepaid cards); budget cards draw on the budget.
    pub balance_id: Option<String>,
    pub cardholder_id: String,
    /// `VIRTUAL_CARD` or `PHYSICAL_CARD`.
    pub card_mode: String,
    pub created_at: Timestamp,
    /// The ledger account the card spends from: its own, or its account's budget.
    pub ledger: AccountId,
    /// When its balance last went below zero (repayments go oldest first).
    pub negative_since: Option<Timestamp>,
}

impl Card {
    pub fn is_budget_card(&self) -> bool {
        self.balance_id.is_none()
    }
}

/// One card transaction record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub id: String,
    pub card: usize,
    pub time: Timestamp,
    /// `authorization`, `clearing`, `reversal`, `refund` or `fee`.
    pub kind: String,
    /// `PENDING` (an authorisation holding money), `CLOSED`, or `FAIL` (declined).
    pub status: String,
    pub transaction_amount: Decimal,
    pub transaction_currency: String,
    pub billing_amount: Decimal,
    pub merchant_name: String,
    pub merchant_city: String,
    pub merchant_country: String,
    pub mcc: String,
    /// Card business code (1003 settlement above, 1005 below the authorisation).
    pub business_code: Option<String>,
    /// The authorisation a clearing or reversal refers to.
    pub authorization: Option<String>,
    pub hold: Option<HoldId>,
    pub entry: Option<EntryId>,
    pub decline_reason: Option<String>,
}

/// One AccountNegative statistic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegativeStat {
    pub account: usize,
    pub card_negative: Decimal,
    pub budget_negative: Decimal,
    pub time: Timestamp,
}

/// One row of a negative bill's CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRow {
    /// Empty for the budget row.
    pub card_id: String,
    /// `CARD` or `BUDGET`.
    pub kind: &'static str,
    pub amount: Decimal,
}

/// An AccountNegativeBill: one account's negative balances at `time`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub id: String,
    pub account: usize,
    pub time: Timestamp,
    pub rows: Vec<BillRow>,
}

/// An AccountRepayment: what money reaching an account repaid of its negatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repayment {
    pub account: usize,
    pub card_negative: Decimal,
    pub budget_negative: Decimal,
    pub card_settled: Decimal,
    pub budget_settled: Decimal,
    pub time: Timestamp,
}

/// A BatchHook page: the statistics of one daily run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub batch_no: String,
    pub page: usize,
    pub size: usize,
    pub total: usize,
    pub last_page: bool,
    /// Indices into `stats`.
    pub stats: Vec<usize>,
}

/// A remembered answer for an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub status: u16,
    pub body: Vec<u8>,
    /// SHA-256 of the request body it answered: another body with the same key is
    /// refused.
    pub request: [u8; 32],
}

#[derive(Debug, Clone, Default)]
pub struct InterlaceState {
    /// Whether the tenant's scenario has an `interlace` section.
    pub enabled: bool,
    pub clients: Vec<Client>,
    /// Codes, tokens and refresh tokens keep issue order and a bound (README, "Bounds").
    pub codes: Issued<AuthCode>,
    pub tokens: Issued<AccessToken>,
    /// Refresh token -> client id.
    pub refresh_tokens: Issued<String>,
    /// Access tokens dropped (expired or over the bound) since the registry last heard,
    /// so it forgets them too.
    pub retired: Vec<String>,
    pub accounts: Vec<Account>,
    pub cards: Vec<Card>,
    pub transactions: Vec<Transaction>,
    pub stats: Vec<NegativeStat>,
    pub bills: Vec<Bill>,
    pub repayments: Vec<Repayment>,
    pub batches: Vec<Batch>,
    /// (accountId, Idempotency-Key, path) -> the first answer.
    pub idempotency: HashMap<(String, String, String), Remembered>,
    /// Legal entities, business and bank accounts, business account transactions.
    pub global: super::global::state::GlobalState,
    /// Sub-accounts, uploaded files, KYC cases, cardholders, card-display tokens.
    pub onboarding: super::onboarding::state::Onboarding,
}

impl InterlaceState {
    pub fn account_index(&self, id: &str) -> Option<usize> {
        self.accounts.iter().position(|a| a.id == id)
    }

    pub fn card_index(&self, id: &str) -> Option<usize> {
        self.cards.iter().position(|c| c.id == id)
    }
}
