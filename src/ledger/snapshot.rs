//! A ledger as plain records keyed by account key, for exports; and the restore that
//! rebuilds an identical ledger from them (same entry and hold numbers, same history).
//!
//! Restore checks structure (accounts exist, every entry balances, hold links agree) and
//! then every invariant, so a snapshot that restores is a valid ledger.

use rust_decimal::Decimal;

use super::{
    AccountKind, AccountSpec, EntryDraft, EntryId, Funds, Hold, HoldId, HoldState, Ledger,
    LedgerError, Leg, Metadata,
};
use crate::clock::Timestamp;
use crate::money::Currency;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerSnapshot {
    pub accounts: Vec<AccountRecord>,
    pub entries: Vec<EntryRecord>,
    pub holds: Vec<HoldRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub key: String,
    pub kind: AccountKind,
    pub currency: Currency,
    pub allow_negative: bool,
    pub opened_at: Timestamp,
    pub metadata: Metadata,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub time: Timestamp,
    pub kind: String,
    /// (account key, amount) pairs.
    pub legs: Vec<(String, Decimal)>,
    pub metadata: Metadata,
    /// The index of the hold this entry captured.
    pub hold: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldRecord {
    pub account: String,
    pub amount: Decimal,
    pub placed_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub state: HoldState,
    pub metadata: Metadata,
}

impl Ledger {
    pub fn snapshot(&self) -> LedgerSnapshot {
        let key = |id: super::AccountId| self.accounts[id.0 as usize].key.clone();
        LedgerSnapshot {
            accounts: self
                .accounts
                .iter()
                .map(|a| AccountRecord {
                    key: a.key.clone(),
                    kind: a.kind,
                    currency: a.currency,
                    allow_negative: a.allow_negative,
                    opened_at: a.opened_at,
                    metadata: a.metadata.clone(),
                })
                .collect(),
            entries: self
                .entries
                .iter()
                .map(|e| EntryRecord {
                    time: e.time,
                    kind: e.kind.clone(),
                    legs: e.legs.iter().map(|l| (key(l.account), l.amount)).collect(),
                    metadata: e.metadata.clone(),
                    hold: e.hold.map(|h| h.0),
                })
                .collect(),
            holds: self
                .holds
                .iter()
                .map(|h| HoldRecord {
                    account: key(h.account),
                    amount: h.amount,
                    placed_at: h.placed_at,
                    expires_at: h.expires_at,
                    state: h.state,
                    metadata: h.metadata.clone(),
                })
                .collect(),
        }
    }

    /// Rebuilds a ledger from a snapshot. Entries are replayed in their recorded order
    /// without the funds check (they were valid when first posted, with the holds of
    /// that moment); the invariants then decide whether the result is acceptable.
    pub fn restore(snapshot: &LedgerSnapshot) -> Result<Self, LedgerError> {
        let mut ledger = Self::new();
        for record in &snapshot.accounts {
            ledger.open_account(AccountSpec {
                key: record.key.clone(),
                kind: record.kind,
                currency: record.currency,
                allow_negative: record.allow_negative,
                opened_at: record.opened_at,
                metadata: record.metadata.clone(),
            })?;
        }
        for record in &snapshot.entries {
            let legs = record
                .legs
                .iter()
                .map(|(key, amount)| {
                    Ok(Leg {
                        account: ledger.account_by_key(key)?.id,
                        amount: *amount,
                    })
                })
                .collect::<Result<Vec<_>, LedgerError>>()?;
            let draft = EntryDraft {
                time: record.time,
                kind: record.kind.clone(),
                legs,
                metadata: record.metadata.clone(),
            };
            ledger.validate_entry(&draft, None, Funds::Unchecked)?;
            ledger.apply_entry(draft, record.hold.map(HoldId));
        }
        for (index, record) in snapshot.holds.iter().enumerate() {
            let account = ledger.account_by_key(&record.account)?.id;
            if record.state == HoldState::Active {
                ledger.accounts[account.0 as usize].held += record.amount;
            }
            if let HoldState::Captured { entry, .. } = record.state {
                let EntryId(n) = entry;
                if n as usize >= ledger.entries.len() {
                    return Err(LedgerError::BadSnapshot(format!(
                        "hold {index} was captured by entry {n}, which does not exist"
                    )));
                }
            }
            ledger.holds.push(Hold {
                id: HoldId(index as u64),
                account,
                amount: record.amount,
                placed_at: record.placed_at,
                expires_at: record.expires_at,
                state: record.state,
                metadata: record.metadata.clone(),
            });
        }
        let failed: Vec<String> = ledger
            .check_invariants()
            .into_iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        if failed.is_empty() {
            Ok(ledger)
        } else {
            Err(LedgerError::BadSnapshot(failed.join("; ")))
        }
    }
}
