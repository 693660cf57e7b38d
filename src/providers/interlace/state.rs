//! Interlace's part of a tenant's world: OAuth clients, codes and tokens, accounts with
//! their Infinity and budget balances, prepaid and budget cards, card transactions, and
//! the card-negative history (daily statistics, bills, repayments, batch hooks). Plain
//! data, no serde.
//!
//! Money never lives here: balances are ledger balances; records name the entries that
//! moved money.

use rust_decimal::Decimal;

use crate::chunked::Chunked;
use crate::clock::Timestamp;
use crate::handle::record_handle;
use crate::issued::Issued;
use crate::ledger::{AccountId, EntryId, HoldId};

record_handle!(
    /// An account's position in `InterlaceState::accounts`.
    pub(crate) AccountIdx => Account
);
record_handle!(
    /// A card's position in `InterlaceState::cards`.
    pub(crate) CardIdx => Card
);
record_handle!(
    /// A card transaction's position in `InterlaceState::transactions`.
    pub(crate) TxIdx => Transaction
);
record_handle!(
    /// A negative-balance statistic's position in `InterlaceState::stats`.
    pub(crate) StatIdx => NegativeStat
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Client {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
}

/// A one-time authorisation code from `oauth/authorize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthCode {
    pub(crate) client_id: String,
    pub(crate) expires_at: Timestamp,
    /// Where it lapses on the wall clock when the tenant authenticates on it (never
    /// exported: a restored code lapses on the tenant clock).
    pub(crate) wall_expires_at: Option<Timestamp>,
    pub(crate) used: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccessToken {
    pub(crate) client_id: String,
    pub(crate) expires_at: Timestamp,
    /// As for [`AuthCode::wall_expires_at`].
    pub(crate) wall_expires_at: Option<Timestamp>,
}

/// Account type: 0 API client, 1 API client's customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) account_type: u8,
    pub(crate) name: String,
    pub(crate) name_en: String,
    pub(crate) display_id: String,
    /// False until the Infinity account is provisioned (cards refuse `010021`).
    pub(crate) initialized: bool,
    /// Whether KYC passed (a type 1 account without it refuses cards with `010787`).
    pub(crate) kyc_passed: bool,
    /// The Infinity (USD) balance and its id.
    pub(crate) infinity: AccountId,
    pub(crate) infinity_id: String,
    /// The account-level budget that budget cards draw on, and its id.
    pub(crate) budget: AccountId,
    pub(crate) budget_id: String,
    pub(crate) created_at: Timestamp,
}

/// Card status (Interlace's card resource).
pub(crate) mod card_status {
    pub(crate) const ACTIVE: &str = "ACTIVE";
    pub(crate) const FROZEN: &str = "FROZEN";
    pub(crate) const INACTIVE: &str = "INACTIVE";
    pub(crate) const CONTROL: &str = "CONTROL";
    pub(crate) const PENDING: &str = "PENDING";
    pub(crate) const ALL: [&str; 5] = [INACTIVE, CONTROL, ACTIVE, PENDING, FROZEN];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Card {
    pub(crate) id: String,
    /// Index into `accounts`.
    pub(crate) account: AccountIdx,
    pub(crate) user_name: String,
    pub(crate) bin: String,
    pub(crate) last_four: String,
    pub(crate) status: String,
    pub(crate) label: String,
    /// The card's own balance id (prepaid cards); budget cards draw on the budget.
    pub(crate) balance_id: Option<String>,
    pub(crate) cardholder_id: String,
    /// `VIRTUAL_CARD` or `PHYSICAL_CARD`.
    pub(crate) card_mode: String,
    pub(crate) created_at: Timestamp,
    /// The ledger account the card spends from: its own, or its account's budget.
    pub(crate) ledger: AccountId,
    /// When its balance last went below zero (repayments go oldest first).
    pub(crate) negative_since: Option<Timestamp>,
}

impl Card {
    pub(crate) fn is_budget_card(&self) -> bool {
        self.balance_id.is_none()
    }
}

/// One card transaction record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transaction {
    pub(crate) id: String,
    pub(crate) card: CardIdx,
    pub(crate) time: Timestamp,
    /// `authorization`, `clearing`, `reversal`, `refund` or `fee`.
    pub(crate) kind: String,
    /// `PENDING` (an authorisation holding money), `CLOSED`, or `FAIL` (declined).
    pub(crate) status: String,
    pub(crate) transaction_amount: Decimal,
    pub(crate) transaction_currency: String,
    pub(crate) billing_amount: Decimal,
    pub(crate) merchant_name: String,
    pub(crate) merchant_city: String,
    pub(crate) merchant_country: String,
    pub(crate) mcc: String,
    /// Card business code (1003 settlement above, 1005 below the authorisation).
    pub(crate) business_code: Option<String>,
    /// The authorisation a clearing or reversal refers to.
    pub(crate) authorization: Option<String>,
    pub(crate) hold: Option<HoldId>,
    pub(crate) entry: Option<EntryId>,
    pub(crate) decline_reason: Option<String>,
}

/// One AccountNegative statistic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NegativeStat {
    pub(crate) account: AccountIdx,
    pub(crate) card_negative: Decimal,
    pub(crate) budget_negative: Decimal,
    pub(crate) time: Timestamp,
}

/// One row of a negative bill's CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BillRow {
    /// Empty for the budget row.
    pub(crate) card_id: String,
    /// `CARD` or `BUDGET`.
    pub(crate) kind: &'static str,
    pub(crate) amount: Decimal,
}

/// An AccountNegativeBill: one account's negative balances at `time`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bill {
    pub(crate) id: String,
    pub(crate) account: AccountIdx,
    pub(crate) time: Timestamp,
    pub(crate) rows: Vec<BillRow>,
}

/// An AccountRepayment: what money reaching an account repaid of its negatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repayment {
    pub(crate) account: AccountIdx,
    pub(crate) card_negative: Decimal,
    pub(crate) budget_negative: Decimal,
    pub(crate) card_settled: Decimal,
    pub(crate) budget_settled: Decimal,
    pub(crate) time: Timestamp,
}

/// A BatchHook page: the statistics of one daily run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Batch {
    pub(crate) batch_no: String,
    pub(crate) page: usize,
    pub(crate) size: usize,
    pub(crate) total: usize,
    pub(crate) last_page: bool,
    /// Indices into `stats`.
    pub(crate) stats: Vec<StatIdx>,
}

/// How many idempotent answers a tenant remembers unless told otherwise
/// (`--idempotency-limit`).
pub(crate) const DEFAULT_IDEMPOTENCY_LIMIT: usize = 10_000;

/// A remembered answer for an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Remembered {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// SHA-256 of the request body it answered: another body with the same key is
    /// refused.
    pub(crate) request: [u8; 32],
}

#[derive(Debug, Clone, Default)]
pub(crate) struct InterlaceState {
    /// Whether the tenant's scenario has an `interlace` section.
    pub(crate) enabled: bool,
    pub(crate) clients: Vec<Client>,
    /// Codes, tokens and refresh tokens keep issue order and a bound (README, "Bounds").
    pub(crate) codes: Issued<AuthCode>,
    pub(crate) tokens: Issued<AccessToken>,
    /// Refresh token -> client id.
    pub(crate) refresh_tokens: Issued<String>,
    /// Access tokens dropped (expired or over the bound) since the registry last heard,
    /// so it forgets them too.
    pub(crate) retired: Vec<String>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) cards: Vec<Card>,
    pub(crate) transactions: Chunked<Transaction>,
    pub(crate) stats: Vec<NegativeStat>,
    pub(crate) bills: Vec<Bill>,
    pub(crate) repayments: Vec<Repayment>,
    pub(crate) batches: Vec<Batch>,
    /// `accountId`, `Idempotency-Key` and path (one line each) -> the first answer; the
    /// newest `--idempotency-limit` are kept.
    pub(crate) idempotency: Issued<Remembered>,
    /// Legal entities, business and bank accounts, business account transactions.
    pub(crate) global: super::global::state::GlobalState,
    /// Sub-accounts, uploaded files, KYC cases, cardholders, card-display tokens.
    pub(crate) onboarding: super::onboarding::state::Onboarding,
}

impl InterlaceState {
    pub(crate) fn account_index(&self, id: &str) -> Option<AccountIdx> {
        self.accounts
            .iter()
            .position(|a| a.id == id)
            .map(AccountIdx)
    }

    pub(crate) fn card_index(&self, id: &str) -> Option<CardIdx> {
        self.cards.iter().position(|c| c.id == id).map(CardIdx)
    }
}
