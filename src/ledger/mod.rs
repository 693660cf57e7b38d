//! The double-entry core: accounts, balanced entries, holds, balances derived from
//! postings, per-account history in time order, and the invariants check.
//!
//! Knows nothing of HTTP, serde, scenarios or any provider. Callers pass the time of
//! every operation (from the tenant clock), so the ledger never reads a clock itself.
//! Every operation validates everything first and only then changes state, so an
//! operation that returns `Err` has changed nothing.

mod error;
mod invariants;
mod model;
mod snapshot;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::chunked::Chunked;
use crate::clock::Timestamp;
use crate::money::Currency;

pub use error::LedgerError;
pub use invariants::InvariantCheck;
pub use model::{
    Account, AccountId, AccountKind, AccountSpec, Balance, Entry, EntryDraft, EntryId, Hold,
    HoldDraft, HoldId, HoldState, Leg, Line, Metadata,
};
pub use snapshot::{AccountRecord, EntryRecord, HoldRecord, LedgerSnapshot};

/// One tenant's books. Owned by the tenant's world and guarded by its lock; the ledger
/// itself is plain single-threaded data.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    accounts: Vec<Account>,
    by_key: HashMap<String, AccountId>,
    entries: Chunked<Entry>,
    holds: Vec<Hold>,
}

impl Ledger {
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens an account. Keys are unique within a ledger.
    pub fn open_account(&mut self, spec: AccountSpec) -> Result<AccountId, LedgerError> {
        if self.by_key.contains_key(&spec.key) {
            return Err(LedgerError::DuplicateAccount(spec.key));
        }
        let id = AccountId(u32::try_from(self.accounts.len()).unwrap_or(u32::MAX));
        self.by_key.insert(spec.key.clone(), id);
        self.accounts.push(Account {
            id,
            key: spec.key,
            kind: spec.kind,
            currency: spec.currency,
            allow_negative: spec.allow_negative,
            opened_at: spec.opened_at,
            metadata: spec.metadata,
            posted: Decimal::ZERO,
            held: Decimal::ZERO,
            lines: Vec::new(),
        });
        Ok(id)
    }

    /// The account with `spec.key`, opened from `spec` on first use (an existing account
    /// is returned as it is).
    pub fn open_or_get(&mut self, spec: AccountSpec) -> AccountId {
        if let Some(id) = self.by_key.get(&spec.key) {
            return *id;
        }
        self.open_account(spec)
            .expect("the key was just looked up and is free")
    }

    pub fn account(&self, id: AccountId) -> Result<&Account, LedgerError> {
        self.accounts
            .get(id.0 as usize)
            .ok_or(LedgerError::UnknownAccount(id.0))
    }

    pub fn account_by_key(&self, key: &str) -> Result<&Account, LedgerError> {
        self.by_key
            .get(key)
            .map(|id| &self.accounts[id.0 as usize])
            .ok_or_else(|| LedgerError::UnknownAccountKey(key.to_owned()))
    }

    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// Replaces an account's metadata (a provider renaming a card, changing a status).
    pub fn set_account_metadata(
        &mut self,
        id: AccountId,
        key: impl Into<std::borrow::Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Result<(), LedgerError> {
        let account = self
            .accounts
            .get_mut(id.0 as usize)
            .ok_or(LedgerError::UnknownAccount(id.0))?;
        account.metadata.insert(key, value);
        Ok(())
    }

    pub fn balance(&self, id: AccountId) -> Result<Balance, LedgerError> {
        let account = self.account(id)?;
        Ok(Balance {
            posted: account.posted,
            held: account.held,
            available: account.posted - account.held,
        })
    }

    /// The account's history in time order, each line with the balance after it.
    pub fn lines(&self, id: AccountId) -> Result<&[Line], LedgerError> {
        Ok(&self.account(id)?.lines)
    }

    pub fn entries(&self) -> &Chunked<Entry> {
        &self.entries
    }

    pub fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.entries.get(id.0 as usize)
    }

    pub fn holds(&self) -> &[Hold] {
        &self.holds
    }

    pub fn hold(&self, id: HoldId) -> Result<&Hold, LedgerError> {
        self.holds
            .get(id.0 as usize)
            .ok_or(LedgerError::UnknownHold(id.0))
    }

    /// Posts a balanced entry. Accounts that may not go negative must keep a
    /// non-negative available balance.
    pub fn post(&mut self, draft: EntryDraft) -> Result<EntryId, LedgerError> {
        self.validate_entry(&draft, None, Funds::Checked)?;
        Ok(self.apply_entry(draft, None))
    }

    /// Sets money aside on an account until it is captured, released or expires.
    pub fn place_hold(&mut self, draft: HoldDraft) -> Result<HoldId, LedgerError> {
        let account = self.account(draft.account)?;
        check_amount(draft.amount, account.currency)?;
        if draft.expires_at.is_some_and(|e| e < draft.placed_at) {
            return Err(LedgerError::ExpiryBeforePlacement);
        }
        let available = account.posted - account.held;
        if !account.allow_negative && available < draft.amount {
            return Err(insufficient(account, draft.amount, available));
        }
        let id = HoldId(self.holds.len() as u64);
        self.accounts[draft.account.0 as usize].held += draft.amount;
        self.holds.push(Hold {
            id,
            account: draft.account,
            amount: draft.amount,
            placed_at: draft.placed_at,
            expires_at: draft.expires_at,
            state: HoldState::Active,
            metadata: draft.metadata,
        });
        Ok(id)
    }

    /// Turns an active hold into an entry. The entry's legs may move a different amount
    /// than was held (a tip, a partial capture); the hold is let go either way.
    pub fn capture_hold(
        &mut self,
        hold: HoldId,
        draft: EntryDraft,
    ) -> Result<EntryId, LedgerError> {
        let active = self.active_hold(hold)?;
        self.validate_entry(&draft, Some(active), Funds::Checked)?;
        let (account, amount) = (active.account, active.amount);
        let at = draft.time;
        self.accounts[account.0 as usize].held -= amount;
        let entry = self.apply_entry(draft, Some(hold));
        self.holds[hold.0 as usize].state = HoldState::Captured { entry, at };
        Ok(entry)
    }

    /// Lets an active hold go without moving money.
    pub fn release_hold(&mut self, hold: HoldId, at: Timestamp) -> Result<(), LedgerError> {
        self.end_hold(hold, HoldState::Released { at })
    }

    /// Lets an active hold go because its time ran out (called by the scheduler).
    pub fn expire_hold(&mut self, hold: HoldId, at: Timestamp) -> Result<(), LedgerError> {
        self.end_hold(hold, HoldState::Expired { at })
    }

    /// Checks every invariant; see [`invariants`] for the list.
    pub fn check_invariants(&self) -> Vec<InvariantCheck> {
        invariants::check(self)
    }

    fn end_hold(&mut self, hold: HoldId, state: HoldState) -> Result<(), LedgerError> {
        let active = self.active_hold(hold)?;
        let (account, amount) = (active.account, active.amount);
        self.accounts[account.0 as usize].held -= amount;
        self.holds[hold.0 as usize].state = state;
        Ok(())
    }

    fn active_hold(&self, hold: HoldId) -> Result<&Hold, LedgerError> {
        let found = self.hold(hold)?;
        match found.state {
            HoldState::Active => Ok(found),
            other => Err(LedgerError::HoldNotActive {
                hold: hold.0,
                state: other.name(),
            }),
        }
    }

    /// Everything `apply_entry` relies on. `releasing` is a hold the entry captures: its
    /// amount counts as available to the entry.
    fn validate_entry(
        &self,
        draft: &EntryDraft,
        releasing: Option<&Hold>,
        funds: Funds,
    ) -> Result<(), LedgerError> {
        if draft.legs.len() < 2 {
            return Err(LedgerError::TooFewLegs);
        }
        let mut sums: Vec<(Currency, Decimal)> = Vec::new();
        let mut per_account: Vec<(AccountId, Decimal)> = Vec::new();
        for leg in &draft.legs {
            let account = self.account(leg.account)?;
            if leg.amount.is_zero() {
                return Err(LedgerError::ZeroLeg);
            }
            if leg.amount.normalize().scale() > account.currency.scale() {
                return Err(LedgerError::TooPrecise {
                    amount: leg.amount,
                    currency: account.currency,
                });
            }
            add_to(&mut sums, account.currency, leg.amount);
            add_to(&mut per_account, leg.account, leg.amount);
        }
        if let Some((currency, sum)) = sums.into_iter().find(|(_, s)| !s.is_zero()) {
            return Err(LedgerError::Unbalanced { currency, sum });
        }
        if funds == Funds::Unchecked {
            return Ok(());
        }
        for (id, change) in per_account {
            let account = self.account(id)?;
            if account.allow_negative || change >= Decimal::ZERO {
                continue;
            }
            let released = releasing
                .filter(|h| h.account == id)
                .map_or(Decimal::ZERO, |h| h.amount);
            let available = account.posted - account.held + released;
            if available + change < Decimal::ZERO {
                return Err(insufficient(account, -change, available));
            }
        }
        Ok(())
    }

    fn apply_entry(&mut self, draft: EntryDraft, hold: Option<HoldId>) -> EntryId {
        let id = EntryId(self.entries.len() as u64);
        for leg in &draft.legs {
            let account = &mut self.accounts[leg.account.0 as usize];
            account.posted += leg.amount;
            insert_line(&mut account.lines, id, draft.time, leg.amount);
        }
        self.entries.push(Entry {
            id,
            time: draft.time,
            kind: draft.kind,
            legs: draft.legs,
            metadata: draft.metadata,
            hold,
        });
        id
    }
}

/// Whether `validate_entry` checks available balances (every new posting) or only the
/// entry's shape (replaying a snapshot, whose entries were checked when first posted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Funds {
    Checked,
    Unchecked,
}

/// Inserts a line in (time, entry) order and brings the running balances after it up
/// to date. Entries normally arrive in time order, so this is an append.
fn insert_line(lines: &mut Vec<Line>, entry: EntryId, time: Timestamp, amount: Decimal) {
    let at = match lines.last() {
        // The usual case: a new entry at or after the newest line.
        Some(last) if (last.time, last.entry) <= (time, entry) => lines.len(),
        None => 0,
        Some(_) => lines.partition_point(|l| (l.time, l.entry) <= (time, entry)),
    };
    let before = at
        .checked_sub(1)
        .map_or(Decimal::ZERO, |i| lines[i].balance_after);
    lines.insert(
        at,
        Line {
            entry,
            time,
            amount,
            balance_after: before + amount,
        },
    );
    for line in &mut lines[at + 1..] {
        line.balance_after += amount;
    }
}

fn add_to<K: PartialEq>(sums: &mut Vec<(K, Decimal)>, key: K, amount: Decimal) {
    match sums.iter_mut().find(|(k, _)| *k == key) {
        Some((_, sum)) => *sum += amount,
        None => sums.push((key, amount)),
    }
}

fn check_amount(amount: Decimal, currency: Currency) -> Result<(), LedgerError> {
    if amount <= Decimal::ZERO {
        return Err(LedgerError::NotPositive(amount));
    }
    if amount.normalize().scale() > currency.scale() {
        return Err(LedgerError::TooPrecise { amount, currency });
    }
    Ok(())
}

fn insufficient(account: &Account, needed: Decimal, available: Decimal) -> LedgerError {
    LedgerError::InsufficientFunds {
        account: account.key.clone(),
        currency: account.currency,
        needed,
        available,
    }
}
