//! OPCard's part of a tenant's world: clients and tokens, programs with their card
//! accounts (one per `program_value` + currency), cards, balance change records, loads,
//! payouts and card spend awaiting its monthly bill. Plain data, no serde.
//!
//! Money never lives here: a card account's balance (`card_limit_amount`) is its ledger
//! account's balance, and every balance change record names the entry that made it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::clock::Timestamp;
use crate::handle::record_handle;
use crate::ledger::{AccountId, EntryId};
use crate::money::Currency;

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Seconds from `load/create` to the load's confirmation on the tenant clock.
    pub(crate) load_confirm_seconds: i64,
    /// USD value of one unit per currency (upper-case code), the base of forex rates.
    pub(crate) usd_rates: BTreeMap<String, Decimal>,
}

record_handle!(
    /// A program's position in `OpcardState::programs`.
    pub(crate) ProgramIdx => Program
);
record_handle!(
    /// A card's position in `OpcardState::cards`.
    pub(crate) CardIdx => Card
);
record_handle!(
    /// A balance change record's position in `OpcardState::records`.
    pub(crate) RecordIdx => ChangeRecord
);
record_handle!(
    /// A load's position in `OpcardState::loads`.
    pub(crate) LoadIdx => Load
);
record_handle!(
    /// A payout's position in `OpcardState::payouts`.
    pub(crate) PayoutIdx => Payout
);
record_handle!(
    /// A card spend's position in `OpcardState::spends`.
    pub(crate) SpendIdx => Spend
);

/// An app that may ask for tokens, with an optional token that never expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Client {
    pub(crate) app_key: String,
    pub(crate) app_secret: String,
    pub(crate) static_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) app_key: String,
    pub(crate) expires_at: Timestamp,
    /// Where it lapses on the wall clock when the tenant authenticates on it (never
    /// exported: a restored token lapses on the tenant clock).
    pub(crate) wall_expires_at: Option<Timestamp>,
}

/// A card programme ("account card type") and its card accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Program {
    pub(crate) value: u32,
    pub(crate) cn_name: String,
    pub(crate) en_name: String,
    /// The card account per currency.
    pub(crate) accounts: BTreeMap<Currency, AccountId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RiskRule {
    pub(crate) name: String,
    pub(crate) value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Card {
    pub(crate) card_id: u64,
    pub(crate) card_no: u64,
    /// Masked PAN, `527375 **** 4392`.
    pub(crate) card_number: String,
    pub(crate) card_name: String,
    pub(crate) card_desc: String,
    pub(crate) card_holder_id: u64,
    pub(crate) program: ProgramIdx,
    /// Last instant the card is valid (end of its `YYYYMM` month, GMT+8).
    pub(crate) valid_until: Timestamp,
    pub(crate) status: String,
    pub(crate) risk_list: Vec<RiskRule>,
    pub(crate) created_at: Timestamp,
}

/// Fund types of balance change records (seed 001).
pub(crate) mod fund_type {
    pub(crate) const LIMIT_CREATION: u16 = 20;
    pub(crate) const MONTHLY_BILL: u16 = 21;
    pub(crate) const BILL_SETTLEMENT: u16 = 22;
    pub(crate) const LIMIT_RELEASE: u16 = 23;
    pub(crate) const FOREX_SELL: u16 = 24;
    pub(crate) const FOREX_BUY: u16 = 25;
    pub(crate) const PAYOUT: u16 = 28;
    pub(crate) const ALL: [u16; 7] = [20, 21, 22, 23, 24, 25, 28];
}

/// One balance change of one card account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChangeRecord {
    /// Increasing with creation; the cursor of the record listings.
    pub(crate) id: u64,
    pub(crate) program: ProgramIdx,
    pub(crate) time: Timestamp,
    /// 1 credit, 2 debit.
    pub(crate) moving_type: u8,
    pub(crate) fund_type: u16,
    pub(crate) batch_no: String,
    pub(crate) bill_amount: Decimal,
    pub(crate) bill_currency: Currency,
    /// Always positive; `moving_type` gives the direction.
    pub(crate) amount: Decimal,
    pub(crate) currency: Currency,
    /// The card account's balance right after this change.
    pub(crate) balance_after: Decimal,
    pub(crate) exchange_rate: Decimal,
    pub(crate) exchange_time: Option<Timestamp>,
    pub(crate) entry: EntryId,
}

/// Load status: pending until the clock confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoadStatus {
    Pending,
    Success,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Load {
    /// The UUID `load/create` answers with.
    pub(crate) batch_no: String,
    /// The short numeric batch number its records carry.
    pub(crate) record_batch: String,
    pub(crate) program: ProgramIdx,
    pub(crate) accounting_currency: Currency,
    pub(crate) accounting_amount: Decimal,
    pub(crate) bill_currency: Currency,
    pub(crate) bill_amount: Decimal,
    /// Accounting units per bill unit.
    pub(crate) rate: Decimal,
    pub(crate) status: LoadStatus,
    pub(crate) created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Payout {
    /// Also the batch number of its balance change record.
    pub(crate) batch_no: String,
    pub(crate) program: ProgramIdx,
    pub(crate) currency: Currency,
    pub(crate) amount: Decimal,
    /// The card account's balance after the payout.
    pub(crate) balance_after: Decimal,
    pub(crate) time: Timestamp,
    /// Cursor of the payout listing.
    pub(crate) id: u64,
}

/// Card spend or refund waiting for its month's bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spend {
    pub(crate) card: CardIdx,
    pub(crate) currency: Currency,
    pub(crate) amount: Decimal,
    pub(crate) merchant: String,
    pub(crate) refund: bool,
    pub(crate) time: Timestamp,
    /// Set when a monthly bill took it in.
    pub(crate) billed: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct OpcardState {
    /// `None` when the tenant's scenario has no `opcard` section.
    pub(crate) settings: Option<Settings>,
    pub(crate) clients: Vec<Client>,
    /// Issued tokens in issue order, bounded (README, "Bounds").
    pub(crate) tokens: crate::issued::Issued<Token>,
    /// Tokens dropped (expired or over the bound) since the registry last heard.
    pub(crate) retired: Vec<String>,
    pub(crate) programs: Vec<Program>,
    pub(crate) cards: Vec<Card>,
    pub(crate) records: Vec<ChangeRecord>,
    pub(crate) loads: Vec<Load>,
    pub(crate) payouts: Vec<Payout>,
    pub(crate) spends: Vec<Spend>,
    /// The next record id (starts at a seeded value so cursors look like the docs').
    pub(crate) next_record_id: u64,
    /// The next short numeric batch number.
    pub(crate) next_batch: u64,
}

impl OpcardState {
    pub(crate) fn program_index(&self, value: u32) -> Option<ProgramIdx> {
        self.programs
            .iter()
            .position(|p| p.value == value)
            .map(ProgramIdx)
    }

    pub(crate) fn card_index(&self, card_id: u64) -> Option<CardIdx> {
        self.cards
            .iter()
            .position(|c| c.card_id == card_id)
            .map(CardIdx)
    }
}
