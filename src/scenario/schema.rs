//! The scenario file format, version 1: serde types with `deny_unknown_fields`, whose
//! leaf types parse on the way in (amounts, currencies, times), so a type error names its
//! key path. Serialising a `Scenario` writes it back as YAML (exports use this).
//!
//! Each provider's section is its own type here; the provider issues fill them in.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::clock::Timestamp;
use crate::money::Currency;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Always 1 for this format.
    pub version: Version,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Drives ids, generated data and fault decisions. `--seed` and a tenant-creation
    /// request may override it; absent everywhere, the seed is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "ClockSpec::is_default")]
    pub clock: ClockSpec,
    /// Plain ledger accounts not tied to a provider, and holds on them.
    #[serde(default, skip_serializing_if = "LedgerSection::is_empty")]
    pub ledger: LedgerSection,
    /// Generators that write history before `clock.start` through ledger operations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activity: Vec<Activity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlace: Option<InterlaceSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opcard: Option<OpcardSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypercard: Option<HypercardSection>,
    /// Fault and latency rules of the tenant built from the scenario, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<crate::faults::FaultRule>,
    /// The tenant's webhook configuration (set after the history is generated, so
    /// generated history sends nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<crate::webhooks::WebhookConfig>,
    /// A tenant's complete state, as `GET /_sandbox/tenants/{t}/export` writes it. A
    /// scenario with a snapshot has no `ledger` or `activity` section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
}

/// The format version; only 1 exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version;

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(1)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u64::deserialize(d)?;
        if v == 1 {
            Ok(Self)
        } else {
            Err(de::Error::custom(format!(
                "unsupported scenario version {v}; this sandbox reads version 1"
            )))
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSpec {
    /// The instant the tenant's clock shows when the tenant is created; absent, the wall
    /// clock at that moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Time>,
    #[serde(default)]
    pub mode: ClockModeSpec,
    /// Tenant seconds per wall second of a running clock (1 to 86400; default 1), so
    /// retries and settlements hours apart happen in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_scale: Option<u32>,
    /// The clock authentication counts on: `wall` (the default: signed timestamps are
    /// fresh near the wall clock or the tenant clock, credentials lapse on the wall
    /// clock, so a moved tenant clock never breaks a real client) or `tenant` (both
    /// count on the tenant clock, to test expiry by moving it).
    #[serde(default, skip_serializing_if = "AuthClockSpec::is_default")]
    pub auth: AuthClockSpec,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthClockSpec {
    #[default]
    Wall,
    Tenant,
}

impl AuthClockSpec {
    fn is_default(&self) -> bool {
        *self == Self::Wall
    }
}

impl ClockSpec {
    fn is_default(&self) -> bool {
        self == &Self::default()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockModeSpec {
    /// Stands still until advanced: the deterministic choice, and the default.
    #[default]
    Frozen,
    /// Moves with the wall clock from `start`.
    Running,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerSection {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountDecl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<HoldDecl>,
}

impl LedgerSection {
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.holds.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountDecl {
    /// Unique name of the account within the tenant.
    pub key: String,
    #[serde(default)]
    pub kind: KindSpec,
    pub currency: CurrencyCode,
    /// Opening balance, posted from the currency's `opening:<CUR>` account when history
    /// starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Amount>,
    /// Whether the balance may go below zero (default: only for external and clearing
    /// accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_negative: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindSpec {
    #[default]
    Wallet,
    Card,
    External,
    Fee,
    Clearing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldDecl {
    /// The `key` of an account in `ledger.accounts`.
    pub account: String,
    pub amount: Amount,
    /// Seconds after `clock.start` at which the hold lapses; absent, it never does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// One activity generator: exactly one of its keys is set. (A struct of optional keys
/// rather than an enum, because the YAML reader wants tags for enums, and
/// `- transfers: {...}` reads better.) Each generator writes history in the `days`
/// before `clock.start`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// Random transfers between ledger accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfers: Option<TransfersActivity>,
    /// HyperCard card activity: consumptions, recharges, refunds, fees, withdrawals and
    /// coin purchases on the section's cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypercard: Option<HypercardActivity>,
    /// OPCard activity: card spend and refunds (billed monthly), loads (some across
    /// currencies), releases and payouts on the section's programs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opcard: Option<OpcardActivity>,
    /// Interlace card activity: authorisations with their clearings or reversals,
    /// refunds, fees, transfers and deposits; cards may go negative and be repaid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlace: Option<InterlaceActivity>,
    /// Interlace global-account activity: deposits through every inbound outcome and
    /// outbound transfers that settle, fail or are cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlace_business: Option<InterlaceActivity>,
}

/// An activity item with its one generator picked out.
#[derive(Debug, Clone, Copy)]
pub enum Generator<'a> {
    Transfers(&'a TransfersActivity),
    Hypercard(&'a HypercardActivity),
    Opcard(&'a OpcardActivity),
    Interlace(&'a InterlaceActivity),
    InterlaceBusiness(&'a InterlaceActivity),
}

impl Activity {
    /// The generator, or `None` when the item sets no key (the loader refuses that).
    pub fn generator(&self) -> Option<Generator<'_>> {
        let set = [
            self.transfers.is_some(),
            self.hypercard.is_some(),
            self.opcard.is_some(),
            self.interlace.is_some(),
            self.interlace_business.is_some(),
        ];
        if set.iter().filter(|s| **s).count() != 1 {
            return None;
        }
        if let Some(t) = &self.transfers {
            return Some(Generator::Transfers(t));
        }
        if let Some(h) = &self.hypercard {
            return Some(Generator::Hypercard(h));
        }
        if let Some(o) = &self.opcard {
            return Some(Generator::Opcard(o));
        }
        if let Some(i) = &self.interlace {
            return Some(Generator::Interlace(i));
        }
        self.interlace_business
            .as_ref()
            .map(Generator::InterlaceBusiness)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransfersActivity {
    /// Keys of the accounts money comes from (one is drawn per transfer).
    pub from: Vec<String>,
    /// Keys of the accounts money goes to.
    pub to: Vec<String>,
    pub count: u32,
    /// Smallest and largest amount; a transfer is made smaller when the payer has less.
    pub min: Amount,
    pub max: Amount,
    #[serde(default = "default_days")]
    pub days: u32,
    /// The entry kind written to the ledger.
    #[serde(default = "default_transfer_kind")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HypercardActivity {
    /// How many operations to draw.
    pub count: u32,
    #[serde(default = "default_days")]
    pub days: u32,
    /// Card ids to act on; absent, every card of the `hypercard` section.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<String>,
    /// How the generated history behaves; absent, a healthy programme's defaults.
    #[serde(default, skip_serializing_if = "Realism::is_default")]
    pub realism: Realism,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpcardActivity {
    /// How many operations to draw.
    pub count: u32,
    #[serde(default = "default_days")]
    pub days: u32,
    /// How the generated history behaves; absent, a healthy programme's defaults.
    #[serde(default, skip_serializing_if = "Realism::is_default")]
    pub realism: Realism,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterlaceActivity {
    /// How many operations to draw.
    pub count: u32,
    #[serde(default = "default_days")]
    pub days: u32,
    /// How the generated history behaves; absent, a healthy programme's defaults.
    #[serde(default, skip_serializing_if = "Realism::is_default")]
    pub realism: Realism,
}

/// The card generators' knobs (`hypercard`, `opcard`, `interlace`; `interlace_business`
/// reads none): how often things go wrong and how habitual spending is. Shares are
/// fractions between 0 and 1; the defaults are those of a healthy programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Realism {
    /// Share of card purchases declined (insufficient funds, or a frozen card where
    /// the section has one); the rest find the card funded, topped up if need be.
    #[serde(default = "default_decline_rate")]
    pub decline_rate: f64,
    /// Share of steps that are card fees (small: a few dollars at most).
    #[serde(default = "default_fee_rate")]
    pub fee_rate: f64,
    /// Share of steps that refund part or all of a recent purchase.
    #[serde(default = "default_refund_rate")]
    pub refund_rate: f64,
    /// Share of authorisations reversed instead of cleared (Interlace).
    #[serde(default = "default_reversal_rate")]
    pub reversal_rate: f64,
    /// Share of purchases made at one of the card's usual merchants.
    #[serde(default = "default_regular_share")]
    pub regular_share: f64,
    /// Share of purchases made abroad (another country and currency, where the
    /// provider carries them).
    #[serde(default = "default_abroad_share")]
    pub abroad_share: f64,
    /// Whether each card pays a monthly subscription on a fixed day.
    #[serde(default = "default_true")]
    pub subscriptions: bool,
    /// Whether a card is topped up before a purchase it could not pay, and deposits are
    /// large enough to clear negatives (Interlace). Off, cards drain, purchases are
    /// declined for insufficient funds, clearings and fees take cards negative and
    /// small deposits repay them in part: a programme in trouble.
    #[serde(default = "default_true")]
    pub auto_top_up: bool,
}

impl Default for Realism {
    fn default() -> Self {
        Self {
            decline_rate: default_decline_rate(),
            fee_rate: default_fee_rate(),
            refund_rate: default_refund_rate(),
            reversal_rate: default_reversal_rate(),
            regular_share: default_regular_share(),
            abroad_share: default_abroad_share(),
            subscriptions: true,
            auto_top_up: true,
        }
    }
}

impl Realism {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The shares, by key, for checks.
    pub fn shares(&self) -> [(&'static str, f64); 6] {
        [
            ("decline_rate", self.decline_rate),
            ("fee_rate", self.fee_rate),
            ("refund_rate", self.refund_rate),
            ("reversal_rate", self.reversal_rate),
            ("regular_share", self.regular_share),
            ("abroad_share", self.abroad_share),
        ]
    }
}

fn default_decline_rate() -> f64 {
    0.03
}

fn default_fee_rate() -> f64 {
    0.03
}

fn default_refund_rate() -> f64 {
    0.03
}

fn default_reversal_rate() -> f64 {
    0.04
}

fn default_regular_share() -> f64 {
    0.35
}

fn default_abroad_share() -> f64 {
    0.05
}

fn default_true() -> bool {
    true
}

fn default_days() -> u32 {
    30
}

fn default_transfer_kind() -> String {
    "transfer".to_owned()
}

pub use crate::providers::interlace::scenario::{InterlaceSection, InterlaceSnapshot};

pub use crate::providers::opcard::scenario::{OpcardSection, OpcardSnapshot};

pub use crate::providers::hypercard::scenario::HypercardSection;

/// A tenant's full state. Written by exports; loading it restores the tenant exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub ids: IdsSnapshot,
    pub rng: RngSnapshot,
    #[serde(default)]
    pub accounts: Vec<SnapAccount>,
    #[serde(default)]
    pub entries: Vec<SnapEntry>,
    #[serde(default)]
    pub holds: Vec<SnapHold>,
    #[serde(default)]
    pub scheduled: Vec<SnapEvent>,
    #[serde(default)]
    pub next_event_seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypercard: Option<crate::providers::hypercard::scenario::HypercardSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opcard: Option<crate::providers::opcard::scenario::OpcardSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlace: Option<crate::providers::interlace::scenario::InterlaceSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdsSnapshot {
    pub word_pos: U128,
    pub display_next: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RngSnapshot {
    pub word_pos: U128,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapAccount {
    pub key: String,
    pub kind: KindSpec,
    pub currency: CurrencyCode,
    pub allow_negative: bool,
    pub opened_at: Time,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapEntry {
    pub time: Time,
    pub kind: String,
    pub legs: Vec<SnapLeg>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Index (in `holds`) of the hold this entry captured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapLeg {
    pub account: String,
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapHold {
    pub account: String,
    pub amount: Amount,
    pub placed_at: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,
    pub state: HoldStateSpec,
    /// When a captured, released or expired hold ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Time>,
    /// Index (in `entries`) of the entry that captured it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldStateSpec {
    Active,
    Captured,
    Released,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapEvent {
    pub due: Time,
    pub seq: u64,
    pub kind: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, String>,
}

/// An amount written as a string (`"12.50"`) or a whole number. Unquoted decimals are
/// refused: YAML reads them as binary floats, which cannot hold money exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub Decimal);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AmountVisitor;
        impl Visitor<'_> for AmountVisitor {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount as a quoted decimal string such as \"12.50\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                Decimal::from_str(v.trim()).map(Amount).map_err(|_| {
                    E::custom(format!(
                        "{v:?} is not a decimal amount; write it like \"12.50\""
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                Err(E::custom(format!(
                    "write the amount {v} as a quoted string (\"{v}\"): unquoted decimals are binary floats and lose cents"
                )))
            }
        }
        d.deserialize_any(AmountVisitor)
    }
}

/// A currency code, checked against the sandbox's currency table on the way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrencyCode(pub Currency);

impl Serialize for CurrencyCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.code())
    }
}

impl<'de> Deserialize<'de> for CurrencyCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Currency::parse(&text)
            .map(CurrencyCode)
            .map_err(de::Error::custom)
    }
}

/// An RFC 3339 time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time(pub Timestamp);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&text)
            .map(Time)
            .map_err(de::Error::custom)
    }
}

/// A 128-bit number written as a string (YAML readers disagree on big integers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct U128(pub u128);

impl Serialize for U128 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for U128 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map(U128)
            .map_err(|_| de::Error::custom(format!("{text:?} is not a whole number")))
    }
}
