//! HyperCard's part of a tenant's world: settings, merchants, card products, cards,
//! transaction records, recharges, card operations and card applications. Plain data,
//! no serde: `wire.rs` renders it, `ops.rs` changes it (always together with the ledger).
//!
//! Money never lives here: a card's balance is its ledger account's balance, and every
//! record that moved money names the ledger entry that moved it.

use std::collections::BTreeMap;

use foldhash::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::signature::PublicKey;
use crate::chunked::Chunked;
use crate::clock::Timestamp;
use crate::handle::record_handle;
use crate::id_index::IdIndex;
use crate::issued::Issued;
use crate::ledger::{AccountId, EntryId, HoldId};
use crate::money::Currency;

/// Whether signed-request checks run (`hypercard.signatures` in a scenario).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum SignatureMode {
    /// Signature, timestamp window and nonce reuse are checked.
    #[default]
    Verify,
    /// None of them are; `api-key` still picks the merchant.
    Off,
}

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) signatures: SignatureMode,
    /// Seconds between a recharge and its settlement on the tenant clock.
    pub(crate) recharge_settle_seconds: i64,
    /// USD value of one unit of each coin or currency (lower-case code), for
    /// conversions and the `*_exchange_usd_rate` fields.
    pub(crate) usd_rates: BTreeMap<String, Decimal>,
    /// Fraction of a coin purchase kept as the exchange fee.
    pub(crate) buy_coin_fee_rate: Decimal,
}

record_handle!(
    /// A product's position in `HypercardState::products`.
    pub(crate) ProductIdx => Product
);
record_handle!(
    /// A card's position in `HypercardState::cards`.
    pub(crate) CardIdx => Card
);
record_handle!(
    /// A record's position in `HypercardState::records`.
    pub(crate) RecordIdx => Record
);
record_handle!(
    /// A recharge's position in `HypercardState::recharges`.
    pub(crate) RechargeIdx => Recharge
);
record_handle!(
    /// An operation's position in `HypercardState::operations`.
    pub(crate) OperationIdx => Operation
);
record_handle!(
    /// An application's position in `HypercardState::applications`.
    pub(crate) ApplicationIdx => Application
);

/// A merchant key: who may call, and the public key their requests verify with.
#[derive(Debug, Clone)]
pub(crate) struct Merchant {
    pub(crate) api_key: String,
    /// Shipped with the scenario so tests can sign; handed out in the tenant's credentials.
    pub(crate) private_key_pem: Option<String>,
    pub(crate) public_key: Arc<PublicKey>,
}

/// A card product ("card type") of the v5 card list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Product {
    pub(crate) card_type_id: String,
    pub(crate) card_name: String,
    /// 1 virtual, 2 physical.
    pub(crate) card_type: u8,
    /// 1 VISA, 2 Mastercard, 3 AmEx, 4 UnionPay, 5 Discover, 6 JCB.
    pub(crate) card_org: u8,
    pub(crate) card_coin: Currency,
    /// The first six digits of the product's card numbers.
    pub(crate) bin: String,
    /// Recharge fee as a fraction of the recharge (0.02 = 2 %).
    pub(crate) recharge_fee: Decimal,
    /// Issuance and yearly fees, in USDT (catalogue information only).
    pub(crate) card_fee: Decimal,
    pub(crate) annual_fee: Decimal,
    pub(crate) min_single_recharge_amount: Decimal,
    pub(crate) max_single_recharge_amount: Decimal,
    /// Per card and day.
    pub(crate) max_recharge_amount: Decimal,
    pub(crate) min_first_recharge_amount: Decimal,
    /// Operation types the product supports, comma-separated (`"1,2,9"`).
    pub(crate) support_business: String,
    pub(crate) can_recharge: bool,
    /// Handling fee per consumption (business type 10), in the card currency.
    pub(crate) consumption_fee: Decimal,
    /// Bank fee per withdrawal, in the card currency.
    pub(crate) withdrawal_fee: Decimal,
    /// Fee kept when a card is cancelled, in the card currency.
    pub(crate) cancel_fee: Decimal,
    /// 1 default (documents inline), 2 express, 3 binding, 4 billing, 5 online. Only
    /// express applications are emulated.
    pub(crate) apply_type: u8,
    /// 1 via the API with an ID document, 2 via email, 3 via the API without one.
    pub(crate) activate_type: u8,
    /// 0 API (encrypted details), 1 hosted page, 2 email.
    pub(crate) card_detail_obtain_way: u8,
    /// An application waits in pre-apply (status 0) until its opening deposit.
    pub(crate) need_first_recharge: bool,
    /// What becomes of applications for this product, and when.
    pub(crate) application: ApplicationRule,
}

/// The scenario's knob for a product's applications: the review outcome, how long the
/// review and an activation take on the tenant clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApplicationRule {
    pub(crate) outcome: ReviewOutcome,
    pub(crate) review_seconds: i64,
    pub(crate) activation_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReviewOutcome {
    /// The card is issued (`OPEN_CARD` result 1).
    Issue,
    /// The application is refused (`OPEN_CARD` result 2) with these.
    Refuse {
        fail_code: String,
        fail_reason: String,
    },
    /// The application stays under review for good.
    Pending,
}

impl Default for ApplicationRule {
    fn default() -> Self {
        Self {
            outcome: ReviewOutcome::Issue,
            review_seconds: 60,
            activation_seconds: 60,
        }
    }
}

/// Card status codes (HyperCard's appendix).
pub(crate) mod card_status {
    /// Applied for, waiting for its opening deposit.
    pub(crate) const PRE_APPLY: u8 = 0;
    pub(crate) const REVIEWING: u8 = 2;
    /// Issued, waiting for activation.
    pub(crate) const REVIEW_PASSED: u8 = 3;
    pub(crate) const REVIEW_REJECTED: u8 = 4;
    /// Activation through the API without an ID document (or by email) under way.
    pub(crate) const ACTIVATING: u8 = 7;
    /// Activation with an ID document under review.
    pub(crate) const ACTIVATION_REVIEWING: u8 = 11;
    pub(crate) const ACTIVATED: u8 = 9;
    pub(crate) const FROZEN: u8 = 10;
    pub(crate) const CANCELLED: u8 = 15;
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Card {
    pub(crate) card_id: String,
    pub(crate) product: ProductIdx,
    /// Masked PAN, `296068******7277`.
    pub(crate) card_number: String,
    pub(crate) status: u8,
    pub(crate) account: AccountId,
    pub(crate) opened_at: Timestamp,
}

/// Transaction status in records and statements: 0 in operation, 1 success, 2 fail.
pub(crate) mod tx_status {
    pub(crate) const PENDING: u8 = 0;
    pub(crate) const SUCCESS: u8 = 1;
    pub(crate) const FAILED: u8 = 2;
}

/// One row of Transaction Query v3 (and of the card statement).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    pub(crate) tx_id: String,
    /// `None` for a merchant-level fee.
    pub(crate) card: Option<CardIdx>,
    pub(crate) time: Timestamp,
    pub(crate) status: u8,
    /// The ledger entry that moved the money, when money moved.
    pub(crate) entry: Option<EntryId>,
    pub(crate) detail: Detail,
}

/// What each business type records beyond the common fields. Amounts are exact
/// decimals in their currency; `wire.rs` prints them with 8 decimals.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Detail {
    /// Business type 1.
    Consumption {
        tx_currency: Currency,
        tx_amount: Decimal,
        deduction_currency: Currency,
        deduction_amount: Decimal,
        fee: Decimal,
        mcc: String,
        description: String,
        /// Refunded so far (refunds never exceed `deduction_amount`).
        refunded: Decimal,
        /// Why a failed consumption was declined.
        decline_reason: Option<String>,
    },
    /// Business type 2.
    Recharge { recharge: RechargeIdx },
    /// Business type 3.
    Withdrawal {
        tx_currency: Currency,
        tx_amount: Decimal,
        trade_currency: Currency,
        trade_amount: Decimal,
        bank_fee: Decimal,
        description: String,
    },
    /// Business type 8.
    Refund {
        tx_currency: Currency,
        tx_amount: Decimal,
        refund_coin: Currency,
        refund_amount: Decimal,
        consume_tx_id: String,
        description: String,
    },
    /// Business type 10.
    Fee {
        amount: Decimal,
        currency: Currency,
        consume_tx_id: String,
        bill_cycle: String,
        service_fee_standard: Decimal,
        description: String,
    },
    /// Business type 101.
    BuyCoin {
        pay_coin: Currency,
        tx_amount: Decimal,
        buy_coin: Currency,
        buy_amount: Decimal,
        fee: Decimal,
        mc_trade_no: String,
    },
    /// Business type 102.
    Cancel {
        tx_amount: Decimal,
        card_coin: Currency,
        refund_amount: Decimal,
        fee: Decimal,
    },
}

impl Detail {
    pub(crate) fn business_type(&self) -> u16 {
        match self {
            Self::Consumption { .. } => 1,
            Self::Recharge { .. } => 2,
            Self::Withdrawal { .. } => 3,
            Self::Refund { .. } => 8,
            Self::Fee { .. } => 10,
            Self::BuyCoin { .. } => 101,
            Self::Cancel { .. } => 102,
        }
    }
}

/// Recharge status: 0 pending, 1 success, 2 fail, 3 to be refunded, 4 refunded.
pub(crate) mod recharge_status {
    pub(crate) const PENDING: u8 = 0;
    pub(crate) const SUCCESS: u8 = 1;
    pub(crate) const FAILED: u8 = 2;
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Recharge {
    pub(crate) card: CardIdx,
    pub(crate) mc_trade_no: String,
    pub(crate) order_no: String,
    pub(crate) pay_coin: Currency,
    /// Fiat going onto the card.
    pub(crate) currency_amount: Decimal,
    /// Pay coin converted, before the fee.
    pub(crate) coin_amount: Decimal,
    /// Fee in the pay coin.
    pub(crate) fee: Decimal,
    pub(crate) coin_usd_rate: Decimal,
    pub(crate) currency_usd_rate: Decimal,
    pub(crate) status: u8,
    pub(crate) fail_reason: String,
    pub(crate) remark: String,
    /// The hold on the merchant's coin balance while pending.
    pub(crate) hold: Option<HoldId>,
    /// Index into `records`.
    pub(crate) record: RecordIdx,
}

impl Recharge {
    /// What the merchant pays in the pay coin, fee included.
    pub(crate) fn total_coin(&self) -> Decimal {
        self.coin_amount + self.fee
    }
}

/// Operation types (HyperCard's appendix).
pub(crate) mod op_type {
    pub(crate) const FREEZE: u8 = 1;
    pub(crate) const UNFREEZE: u8 = 2;
    pub(crate) const CANCEL: u8 = 9;
    /// Every documented type: 1 freeze, 2 unfreeze, 3 report loss, 4 reset password,
    /// 5 reissue card, 6 resend PIN, 9 cancel.
    pub(crate) const ALL: [u8; 7] = [1, 2, 3, 4, 5, 6, 9];
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Operation {
    pub(crate) card: CardIdx,
    pub(crate) request_number: String,
    pub(crate) op_type: u8,
    /// 0 in operation, 1 success, 2 fail, 98 pending payment, 99 waiting for third party.
    pub(crate) operate_status: u8,
    pub(crate) at: Timestamp,
}

/// Application result: 0 under way, 1 issued, 2 refused (`OPEN_CARD`'s `result`).
pub(crate) mod apply_result {
    pub(crate) const PENDING: u8 = 0;
    pub(crate) const ISSUED: u8 = 1;
    pub(crate) const REFUSED: u8 = 2;
}

/// A card application (express v4) and the card it opened.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Application {
    pub(crate) mc_trade_no: String,
    /// Index into `cards`: the card exists from the application on, with its id.
    pub(crate) card: CardIdx,
    pub(crate) email: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) mobile: String,
    pub(crate) mobile_code: String,
    pub(crate) user_ip: String,
    pub(crate) created_at: Timestamp,
    pub(crate) result: u8,
    pub(crate) fail_code: String,
    pub(crate) fail_reason: String,
    /// Index into `recharges`: the opening deposit, once there is one.
    pub(crate) deposit: Option<RechargeIdx>,
}

/// How long a nonce may not be used again.
const NONCE_WINDOW_MS: i64 = 600_000;
/// How many nonces a tenant remembers unless told otherwise (`--nonce-limit`).
pub(crate) const DEFAULT_NONCE_LIMIT: usize = 10_000;

/// Everything HyperCard keeps for one tenant.
#[derive(Debug, Clone, Default)]
pub(crate) struct HypercardState {
    /// `None` when the tenant's scenario has no `hypercard` section.
    pub(crate) settings: Option<Settings>,
    pub(crate) merchants: Vec<Merchant>,
    pub(crate) products: Vec<Product>,
    pub(crate) cards: Vec<Card>,
    pub(crate) records: Chunked<Record>,
    pub(crate) recharges: Vec<Recharge>,
    pub(crate) operations: Vec<Operation>,
    pub(crate) applications: Vec<Application>,
    pub(crate) card_index: HashMap<String, CardIdx>,
    /// Records by `tx_id`. Ordered, with the ids inline ([`IdIndex`]), for the indexes
    /// that grow with every record: a hash map rehashes all of its entries when it
    /// doubles, under the tenant lock (a quarter of a second at a million entries here,
    /// which every request of the tenant waits out); a B-tree only ever splits a node
    /// (ARCHITECTURE.md, "Performance").
    pub(crate) tx_index: IdIndex<RecordIdx>,
    /// Records of one business type, and of one card and business type, each list in
    /// (time, index) order: Transaction Query v3 seeks its time range and page in
    /// these instead of scanning every record.
    pub(crate) by_type: HashMap<u16, Vec<RecordIdx>>,
    pub(crate) by_card_type: HashMap<(CardIdx, u16), Vec<RecordIdx>>,
    /// `mc_trade_no` is one namespace shared by recharges and coin purchases.
    pub(crate) trade_nos: IdIndex<RecordIdx>,
    /// Nonces seen in the last ten minutes, keyed `{api-key}\n{nonce}`, at most
    /// `--nonce-limit` of them (not exported: replay protection, not state).
    pub(crate) nonces: Nonces,
}

/// The nonce window: the newest nonces first in, first out.
#[derive(Debug, Clone)]
pub(crate) struct Nonces(Issued<Seen>);

/// When a nonce was seen: on the tenant clock, and on the wall clock when the tenant
/// authenticates on it (a timestamp may then be fresh on either clock, so a nonce is
/// remembered until ten minutes have passed on both).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen {
    tenant: Timestamp,
    wall: Option<Timestamp>,
}

impl Default for Nonces {
    fn default() -> Self {
        Self(Issued::with_limit(DEFAULT_NONCE_LIMIT))
    }
}

impl Nonces {
    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.0.set_limit(limit);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl HypercardState {
    /// Adds a record and indexes it (by `tx_id`, by business type, by card and type);
    /// its index in `records`.
    pub(crate) fn add_record(&mut self, record: Record) -> RecordIdx {
        let index = RecordIdx(self.records.len());
        let (time, business_type, card) = (record.time, record.detail.business_type(), record.card);
        self.tx_index.insert(&record.tx_id, index);
        self.records.push(record);
        let records = &self.records;
        let insert = |list: &mut Vec<RecordIdx>| {
            // Records arrive in clock order, so this is nearly always an append.
            match list.last() {
                Some(&last) if records[last].time > time => {
                    let at = list.partition_point(|&i| (records[i].time, i) <= (time, index));
                    list.insert(at, index);
                }
                _ => list.push(index),
            }
        };
        insert(self.by_type.entry(business_type).or_default());
        if let Some(card) = card {
            insert(self.by_card_type.entry((card, business_type)).or_default());
        }
        index
    }

    /// Remembers `nonce` of `api_key` for ten minutes from `now` (the tenant clock)
    /// and, when given, from `wall` (the wall clock, when the tenant authenticates on
    /// it); false when it was seen within that time. Nonces are kept in arrival order,
    /// so expired ones are swept from the oldest end (amortised O(1) a request); beyond
    /// the limit the oldest is forgotten even inside the window, so memory stays
    /// bounded on a frozen clock too (README, "Bounds": replay detection then covers
    /// the newest `--nonce-limit` nonces).
    pub(crate) fn remember_nonce(
        &mut self,
        api_key: &str,
        nonce: &str,
        now: Timestamp,
        wall: Option<Timestamp>,
    ) -> bool {
        let past = |then: Timestamp, now: Timestamp| {
            now.as_millis().saturating_sub(then.as_millis()) >= NONCE_WINDOW_MS
        };
        let expired = |seen: &Seen| {
            past(seen.tenant, now)
                && match (seen.wall, wall) {
                    (Some(then), Some(wall)) => past(then, wall),
                    _ => true,
                }
        };
        self.nonces.0.sweep(expired);
        let key = format!("{api_key}\n{nonce}");
        match self.nonces.0.get(&key) {
            Some(seen) if !expired(seen) => false,
            _ => {
                self.nonces.0.insert(key, Seen { tenant: now, wall });
                true
            }
        }
    }

    /// The records of `business_type` (of `card` when given), oldest first.
    pub(crate) fn records_of(&self, business_type: u16, card: Option<CardIdx>) -> &[RecordIdx] {
        let list = match card {
            Some(card) => self.by_card_type.get(&(card, business_type)),
            None => self.by_type.get(&business_type),
        };
        list.map_or(&[], Vec::as_slice)
    }

    pub(crate) fn card_by_id(&self, card_id: &str) -> Option<CardIdx> {
        self.card_index.get(card_id).copied()
    }

    pub(crate) fn record_by_tx_id(&self, tx_id: &str) -> Option<RecordIdx> {
        self.tx_index.get(tx_id)
    }

    pub(crate) fn merchant(&self, api_key: &str) -> Option<&Merchant> {
        self.merchants.iter().find(|m| m.api_key == api_key)
    }

    pub(crate) fn product_by_id(&self, card_type_id: &str) -> Option<ProductIdx> {
        self.products
            .iter()
            .position(|p| p.card_type_id == card_type_id)
            .map(ProductIdx)
    }

    /// The application `mc_trade_no` names: its own reference, or its opening
    /// deposit's (one outcome per `mc_trade_no`).
    pub(crate) fn application_by_trade_no(&self, mc_trade_no: &str) -> Option<ApplicationIdx> {
        self.applications
            .iter()
            .position(|a| {
                a.mc_trade_no == mc_trade_no
                    || a.deposit
                        .is_some_and(|d| self.recharges[d].mc_trade_no == mc_trade_no)
            })
            .map(ApplicationIdx)
    }

    /// The application that opened `card`, if an application did.
    pub(crate) fn application_of(&self, card: CardIdx) -> Option<ApplicationIdx> {
        self.applications
            .iter()
            .position(|a| a.card == card)
            .map(ApplicationIdx)
    }

    /// Whether `mc_trade_no` is taken (recharges, coin purchases and applications share
    /// one namespace).
    pub(crate) fn trade_no_taken(&self, mc_trade_no: &str) -> bool {
        self.trade_nos.contains(mc_trade_no)
            || self
                .applications
                .iter()
                .any(|a| a.mc_trade_no == mc_trade_no)
    }

    pub(crate) fn recharge_by_trade_no(
        &self,
        card: CardIdx,
        mc_trade_no: &str,
    ) -> Option<RechargeIdx> {
        self.recharges
            .iter()
            .position(|r| r.card == card && r.mc_trade_no == mc_trade_no)
            .map(RechargeIdx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cancel(card: usize, secs: i64) -> Record {
        Record {
            tx_id: format!("tx-{card}-{secs}"),
            card: Some(CardIdx(card)),
            time: Timestamp::from_secs(secs),
            status: tx_status::SUCCESS,
            entry: None,
            detail: Detail::Cancel {
                tx_amount: Decimal::ZERO,
                card_coin: Currency::USD,
                refund_amount: Decimal::ZERO,
                fee: Decimal::ZERO,
            },
        }
    }

    #[test]
    fn record_indexes_stay_in_time_order_when_a_record_arrives_late() {
        let mut state = HypercardState::default();
        for (card, secs) in [(0, 10), (1, 15), (0, 30), (0, 20), (0, 30)] {
            state.add_record(cancel(card, secs));
        }
        let records = |list: &[RecordIdx]| list.iter().map(|r| r.0).collect::<Vec<_>>();
        // Card 0's records: index 0 at 10 s, 3 at 20 s, then 2 and 4 at 30 s.
        assert_eq!(
            records(state.records_of(102, Some(CardIdx(0)))),
            [0, 3, 2, 4]
        );
        assert_eq!(records(state.records_of(102, Some(CardIdx(1)))), [1]);
        assert_eq!(records(state.records_of(102, None)), [0, 1, 3, 2, 4]);
        assert!(state.records_of(1, Some(CardIdx(0))).is_empty());
        assert_eq!(state.record_by_tx_id("tx-0-20"), Some(RecordIdx(3)));
    }

    #[test]
    fn nonces_are_refused_for_ten_minutes_and_expired_ones_are_swept() {
        let mut state = HypercardState::default();
        let t0 = Timestamp::from_secs(1_000);
        assert!(state.remember_nonce("k", "n", t0, None));
        assert!(!state.remember_nonce("k", "n", t0, None));
        assert!(
            state.remember_nonce("other", "n", t0, None),
            "nonces are per api-key"
        );
        let just_before = Timestamp::from_millis(t0.as_millis() + NONCE_WINDOW_MS - 1);
        assert!(!state.remember_nonce("k", "n", just_before, None));
        for i in 0..100 {
            assert!(state.remember_nonce("k", &format!("bulk-{i}"), t0, None));
        }
        assert_eq!(state.nonces.len(), 102);
        // Ten minutes on, the first new nonce sweeps every one from t0.
        let later = Timestamp::from_millis(t0.as_millis() + NONCE_WINDOW_MS);
        assert!(state.remember_nonce("k", "late", later, None));
        assert_eq!(state.nonces.len(), 1);
        assert!(
            state.remember_nonce("k", "n", later, None),
            "the window has passed"
        );
        assert!(!state.remember_nonce("k", "n", later, None));
        assert!(!state.remember_nonce("k", "late", later, None));
    }

    #[test]
    fn on_a_frozen_clock_the_nonce_window_keeps_the_newest_up_to_its_limit() {
        let mut state = HypercardState::default();
        state.nonces.set_limit(50);
        let now = Timestamp::from_secs(1_000);
        for i in 0..10_000 {
            assert!(state.remember_nonce("k", &format!("n-{i}"), now, None));
            assert!(state.nonces.len() <= 50);
        }
        assert!(
            !state.remember_nonce("k", "n-9999", now, None),
            "the newest are kept"
        );
        assert!(
            state.remember_nonce("k", "n-0", now, None),
            "the oldest went first"
        );
    }

    #[test]
    fn on_the_wall_clock_a_nonce_is_kept_until_ten_minutes_pass_on_both_clocks() {
        let mut state = HypercardState::default();
        let (t0, w0) = (Timestamp::from_secs(1_000), Timestamp::from_secs(9_000));
        assert!(state.remember_nonce("k", "n", t0, Some(w0)));
        let day_on = t0.plus_secs(86_400);
        assert!(
            !state.remember_nonce("k", "n", day_on, Some(w0.plus_secs(1))),
            "a tenant clock moved a day on does not forget a nonce a wall-clock client just sent"
        );
        assert!(
            !state.remember_nonce("k", "n", t0, Some(w0.plus_secs(3_600))),
            "nor does the wall clock while the tenant clock stands"
        );
        assert!(state.remember_nonce("k", "n", day_on, Some(w0.plus_secs(600))));
    }
}
