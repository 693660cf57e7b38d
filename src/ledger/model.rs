//! The ledger's records: accounts, entries (postings) with their legs, holds, and the
//! per-account lines that give each account its history in time order.
//!
//! Plain data with no serde and no HTTP: providers turn these into their own wire types.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::clock::Timestamp;
use crate::money::Currency;

/// Free-form facts a provider attaches to an account, entry or hold (its own ids,
/// fund types, merchant names). Sorted by key, so exports are stable.
///
/// A sorted `Vec` rather than a `BTreeMap`: most hold one or two facts, and a
/// `BTreeMap`'s first node alone takes about half a kilobyte, which a million entries
/// turn into half a gigabyte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata(Vec<(Cow<'static, str>, String)>);

impl Metadata {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (a `&'static str` key costs no allocation); the value it replaced.
    pub fn insert(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Option<String> {
        let (key, value) = (key.into(), value.into());
        match self
            .0
            .binary_search_by(|(k, _)| k.as_ref().cmp(key.as_ref()))
        {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].1, value)),
            Err(at) => {
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.0
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|at| &self.0[at].1)
    }

    /// The facts in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &String)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<Cow<'static, str>>, V: Into<String>> FromIterator<(K, V)> for Metadata {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut metadata = Self::new();
        for (key, value) in iter {
            metadata.insert(key, value);
        }
        metadata
    }
}

impl<K: Into<Cow<'static, str>>, V: Into<String>, const N: usize> From<[(K, V); N]> for Metadata {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl From<Metadata> for BTreeMap<String, String> {
    fn from(metadata: Metadata) -> Self {
        metadata
            .0
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect()
    }
}

impl<'a> IntoIterator for &'a Metadata {
    type Item = (&'a str, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Cow<'static, str>, String)>,
        fn(&'a (Cow<'static, str>, String)) -> (&'a str, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

/// Index of an account in its ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub(crate) u32);

/// Index of an entry in its ledger; entries are numbered in the order they were posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub(crate) u64);

/// Index of a hold in its ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HoldId(pub(crate) u64);

impl EntryId {
    pub fn index(self) -> u64 {
        self.0
    }

    pub fn from_index(index: u64) -> Self {
        Self(index)
    }
}

impl HoldId {
    pub fn index(self) -> u64 {
        self.0
    }

    pub fn from_index(index: u64) -> Self {
        Self(index)
    }
}

impl AccountId {
    pub fn index(self) -> u32 {
        self.0
    }
}

/// What an account stands for. The ledger treats every kind alike except for the
/// default of `allow_negative`; providers use the kind to find their accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// Money a customer or merchant holds (an Infinity account, a card programme).
    Wallet,
    /// A card's own balance.
    Card,
    /// The outside world: where deposits come from and payouts go. May go negative.
    External,
    /// Fees the platform earns.
    Fee,
    /// Money in flight between two other accounts (settlement, conversion).
    Clearing,
}

impl AccountKind {
    pub const ALL: [Self; 5] = [
        Self::Wallet,
        Self::Card,
        Self::External,
        Self::Fee,
        Self::Clearing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wallet => "wallet",
            Self::Card => "card",
            Self::External => "external",
            Self::Fee => "fee",
            Self::Clearing => "clearing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether accounts of this kind may go below zero unless told otherwise.
    pub fn negative_by_default(self) -> bool {
        matches!(self, Self::External | Self::Clearing)
    }
}

/// What a caller asks for when opening an account.
#[derive(Debug, Clone)]
pub struct AccountSpec {
    /// A stable, unique name (`"hypercard:card:1234"`), used by exports and scenarios.
    pub key: String,
    pub kind: AccountKind,
    pub currency: Currency,
    /// Whether the available balance may go below zero.
    pub allow_negative: bool,
    pub opened_at: Timestamp,
    pub metadata: Metadata,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub key: String,
    pub kind: AccountKind,
    pub currency: Currency,
    pub allow_negative: bool,
    pub opened_at: Timestamp,
    pub metadata: Metadata,
    /// Sum of the account's legs; kept in step with `lines` by every operation and
    /// recomputed from the entries by the invariants check.
    pub(crate) posted: Decimal,
    /// Sum of the account's active holds.
    pub(crate) held: Decimal,
    /// The account's history, sorted by (time, entry id).
    pub(crate) lines: Vec<Line>,
}

/// One posting to one account, in its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub entry: EntryId,
    pub time: Timestamp,
    /// Positive: money in. Negative: money out.
    pub amount: Decimal,
    /// The account's posted balance right after this line, in time order.
    pub balance_after: Decimal,
}

/// An account's balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// The sum of everything posted.
    pub posted: Decimal,
    /// Authorised but not yet captured.
    pub held: Decimal,
    /// `posted - held`: what can be spent.
    pub available: Decimal,
}

/// One side of an entry: an amount into (positive) or out of (negative) an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leg {
    pub account: AccountId,
    pub amount: Decimal,
}

/// A balanced set of legs posted at one instant: for every currency the legs sum to zero.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: EntryId,
    pub time: Timestamp,
    /// What happened, in the provider's words (`"transfer"`, `"consume"`, ...).
    pub kind: String,
    pub legs: Vec<Leg>,
    pub metadata: Metadata,
    /// The hold this entry captured, if any.
    pub hold: Option<HoldId>,
}

/// What a caller asks to post.
#[derive(Debug, Clone)]
pub struct EntryDraft {
    pub time: Timestamp,
    pub kind: String,
    pub legs: Vec<Leg>,
    pub metadata: Metadata,
}

impl EntryDraft {
    /// A two-leg entry moving `amount` from `from` to `to`.
    pub fn transfer(
        time: Timestamp,
        kind: impl Into<String>,
        from: AccountId,
        to: AccountId,
        amount: Decimal,
    ) -> Self {
        Self {
            time,
            kind: kind.into(),
            legs: vec![
                Leg {
                    account: from,
                    amount: -amount,
                },
                Leg {
                    account: to,
                    amount,
                },
            ],
            metadata: Metadata::new(),
        }
    }

    pub fn with_metadata(
        mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.metadata.insert(key, value);
        self
    }
}

/// Where a hold stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldState {
    Active,
    /// Turned into an entry.
    Captured {
        entry: EntryId,
        at: Timestamp,
    },
    /// Let go by a caller (a reversal, a declined capture).
    Released {
        at: Timestamp,
    },
    /// Let go by the clock at `expires_at`.
    Expired {
        at: Timestamp,
    },
}

impl HoldState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Captured { .. } => "captured",
            Self::Released { .. } => "released",
            Self::Expired { .. } => "expired",
        }
    }
}

/// Money set aside on an account: authorised but not yet settled.
#[derive(Debug, Clone)]
pub struct Hold {
    pub id: HoldId,
    pub account: AccountId,
    pub amount: Decimal,
    pub placed_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub state: HoldState,
    pub metadata: Metadata,
}

/// What a caller asks to hold.
#[derive(Debug, Clone)]
pub struct HoldDraft {
    pub account: AccountId,
    pub amount: Decimal,
    pub placed_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub metadata: Metadata,
}
