//! OPCard's part of a tenant's world: clients and tokens, programs with their card
//! accounts (one per `program_value` + currency), cards, balance change records, loads,
//! payouts and card spend awaiting its monthly bill. Plain data, no serde.
//!
//! Money never lives here: a card account's balance (`card_limit_amount`) is its ledger
//! account's balance, and every balance change record names the entry that made it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::clock::Timestamp;
use crate::ledger::{AccountId, EntryId};
use crate::money::Currency;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Seconds from `load/create` to the load's confirmation on the tenant clock.
    pub load_confirm_seconds: i64,
    /// USD value of one unit per currency (upper-case code), the base of forex rates.
    pub usd_rates: BTreeMap<String, Decimal>,
}

/// An app that may ask for tokens, with an optional token that never expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub app_key: String,
    pub app_secret: String,
    pub static_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub app_key: String,
    pub expires_at: Timestamp,
    /// Where it lapses on the wall clock when the tenant authenticates on it (never
    /// exported: a restored token lapses on the tenant clock).
    pub wall_expires_at: Option<Timestamp>,
}

/// A card programme ("account card type") and its card accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub value: u32,
    pub cn_name: String,
    pub en_name: String,
    /// The card account per currency.
    pub accounts: BTreeMap<Currency, AccountId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskRule {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub card_id: u64,
    pub card_no: u64,
    /// Masked PAN, `527375 **** 4392`.
    pub card_number: String,
    pub card_name: String,
    pub card_desc: String,
    pub card_holder_id: u64,
    /// Index into `programs`.
    pub program: usize,
    /// Last instant the card is valid (end of its `YYYYMM` month, GMT+8).
    pub valid_until: Timestamp,
    pub status: String,
    pub risk_list: Vec<RiskRule>,
    pub created_at: Timestamp,
}

/// Fund types of balance change records (seed 001).
pub mod fund_type {
    pub const LIMIT_CREATION: u16 = 20;
    pub const MONTHLY_BILL: u16 = 21;
    pub const BILL_SETTLEMENT: u16 = 22;
    pub const LIMIT_RELEASE: u16 = 23;
    pub const FOREX_SELL: u16 = 24;
    pub const FOREX_BUY: u16 = 25;
    pub const PAYOUT: u16 = 28;
    pub const ALL: [u16; 7] = [20, 21, 22, 23, 24, 25, 28];
}

/// One balance change of one card account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord {
    /// Increasing with creation; the cursor of the record listings.
    pub id: u64,
    /// Index into `programs`.
    pub program: usize,
    pub time: Timestamp,
    /// 1 credit, 2 debit.
    pub moving_type: u8,
    pub fund_type: u16,
    pub batch_no: String,
    pub bill_amount: Decimal,
    pub bill_currency: Currency,
    /// Always positive; `moving_type` gives the direction.
    pub amount: Decimal,
    pub currency: Currency,
    /// The card account's balance right after this change.
    pub balance_after: Decimal,
    pub exchange_rate: Decimal,
    pub exchange_time: Option<Timestamp>,
    pub entry: EntryId,
}

/// Load status: pending until the clock confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStatus {
    Pending,
    Success,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    /// The UUID `load/create` answers with.
    pub batch_no: String,
    /// The short numeric batch number its records carry.
    pub record_batch: String,
    pub program: usize,
    pub accounting_currency: Currency,
    pub accounting_amount: Decimal,
    pub bill_currency: Currency,
    pub bill_amount: Decimal,
    /// Accounting units per bill unit.
    pub rate: Decimal,
    pub status: LoadStatus,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    /// Also the batch number of its balance change record.
    pub batch_no: String,
    pub program: usize,
    pub currency: Currency,
    pub amount: Decimal,
    /// The card account's balance after the payout.
    pub balance_after: Decimal,
    pub time: Timestamp,
    /// Cursor of the payout listing.
    pub id: u64,
}

/// Card spend or refund waiting for its month's bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    pub card: usize,
    pub currency: Currency,
    pub amount: Decimal,
    pub merchant: String,
    pub refund: bool,
    pub time: Timestamp,
    /// Set when a monthly bill took it in.
    pub billed: bool,
}

#[derive(Debug, Clone, Default)]
pub struct OpcardState {
    /// `None` when the tenant's scenario has no `opcard` section.
    pub settings: Option<Settings>,
    pub clients: Vec<Client>,
    /// Issued tokens in issue order, bounded (README, "Bounds").
    pub tokens: crate::issued::Issued<Token>,
    /// Tokens dropped (expired or over the bound) since the registry last heard.
    pub retired: Vec<String>,
    pub programs: Vec<Program>,
    pub cards: Vec<Card>,
    pub records: Vec<ChangeRecord>,
    pub loads: Vec<Load>,
    pub payouts: Vec<Payout>,
    pub spends: Vec<Spend>,
    /// The next record id (starts at a seeded value so cursors look like the docs').
    pub next_record_id: u64,
    /// The next short numeric batch number.
    pub next_batch: u64,
}

impl OpcardState {
    pub fn program_index(&self, value: u32) -> Option<usize> {
        self.programs.iter().position(|p| p.value == value)
    }

    pub fn card_index(&self, card_id: u64) -> Option<usize> {
        self.cards.iter().position(|c| c.card_id == card_id)
    }

    /// The (program index, currency) of a ledger account, if it is a card account.
    pub fn account_of(&self, account: AccountId) -> Option<(usize, Currency)> {
        self.programs.iter().enumerate().find_map(|(i, p)| {
            p.accounts
                .iter()
                .find(|(_, a)| **a == account)
                .map(|(c, _)| (i, *c))
        })
    }
}
