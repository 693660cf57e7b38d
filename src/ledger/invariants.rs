//! The ledger's invariants, checked from scratch (never from the cached totals they
//! verify):
//!
//! - `entries_balance`: every entry has two or more non-zero legs and, per currency,
//!   its legs sum to zero;
//! - `balances_match_postings`: every account's balance equals the sum of its legs, and
//!   its history lists exactly those legs with correct running balances;
//! - `history_in_time_order`: every account's history is sorted by (time, entry);
//! - `holds_consistent`: no orphan hold: every hold names an existing account, each
//!   account's held total is the sum of its active holds, and a captured hold and its
//!   entry point at each other;
//! - `no_forbidden_negatives`: an account that may not go negative has a non-negative
//!   available balance.

use rust_decimal::Decimal;

use super::{AccountId, HoldState, Ledger};
use crate::money::Currency;

/// The outcome of one named check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvariantCheck {
    pub name: &'static str,
    pub ok: bool,
    /// `"ok"` or the first problems found.
    pub detail: String,
}

/// How many problems one check lists before it stops.
const MAX_PROBLEMS: usize = 5;

pub(super) fn check(ledger: &Ledger) -> Vec<InvariantCheck> {
    vec![
        named("entries_balance", entries_balance(ledger)),
        named("balances_match_postings", balances_match(ledger)),
        named("history_in_time_order", history_ordered(ledger)),
        named("holds_consistent", holds_consistent(ledger)),
        named("no_forbidden_negatives", no_forbidden_negatives(ledger)),
    ]
}

fn named(name: &'static str, problems: Vec<String>) -> InvariantCheck {
    let ok = problems.is_empty();
    let detail = if ok {
        "ok".to_owned()
    } else {
        problems
            .into_iter()
            .take(MAX_PROBLEMS)
            .collect::<Vec<_>>()
            .join("; ")
    };
    InvariantCheck { name, ok, detail }
}

fn entries_balance(ledger: &Ledger) -> Vec<String> {
    let mut problems = Vec::new();
    let mut sums: Vec<(Currency, Decimal)> = Vec::new();
    for entry in ledger.entries() {
        if entry.legs.len() < 2 {
            problems.push(format!(
                "entry {} has {} leg(s)",
                entry.id.0,
                entry.legs.len()
            ));
        }
        // An entry has a few legs in one or two currencies: a short list, reused.
        sums.clear();
        for leg in &entry.legs {
            if leg.amount.is_zero() {
                problems.push(format!("entry {} has a zero leg", entry.id.0));
            }
            match ledger.account(leg.account) {
                Ok(account) => match sums.iter_mut().find(|(c, _)| *c == account.currency) {
                    Some((_, sum)) => *sum += leg.amount,
                    None => sums.push((account.currency, leg.amount)),
                },
                Err(_) => problems.push(format!(
                    "entry {} names missing account {}",
                    entry.id.0, leg.account.0
                )),
            }
        }
        sums.sort_by_key(|(c, _)| *c);
        for &(currency, sum) in sums.iter().filter(|(_, s)| !s.is_zero()) {
            problems.push(format!("entry {} is off by {sum} {currency}", entry.id.0));
        }
    }
    problems
}

fn balances_match(ledger: &Ledger) -> Vec<String> {
    // Account ids are positions in `accounts`: one slot each (a leg naming a missing
    // account is `entries_balance`'s to report).
    let mut sums = vec![(Decimal::ZERO, 0usize); ledger.accounts().len()];
    for entry in ledger.entries() {
        for leg in &entry.legs {
            if let Some(slot) = sums.get_mut(slot_of(leg.account)) {
                slot.0 += leg.amount;
                slot.1 += 1;
            }
        }
    }
    let mut problems = Vec::new();
    for account in ledger.accounts() {
        let (sum, count) = sums.get(slot_of(account.id)).copied().unwrap_or_default();
        if account.posted != sum {
            problems.push(format!(
                "{} shows {} but its postings sum to {sum}",
                account.key, account.posted
            ));
        }
        if account.lines.len() != count {
            problems.push(format!(
                "{} lists {} lines for {count} postings",
                account.key,
                account.lines.len()
            ));
        }
        let mut running = Decimal::ZERO;
        for line in &account.lines {
            running += line.amount;
            if line.balance_after != running {
                problems.push(format!(
                    "{} line for entry {} says {} after it, the running sum is {running}",
                    account.key, line.entry.0, line.balance_after
                ));
                break;
            }
        }
    }
    problems
}

fn history_ordered(ledger: &Ledger) -> Vec<String> {
    ledger
        .accounts()
        .iter()
        .filter(|a| {
            a.lines
                .windows(2)
                .any(|w| (w[0].time, w[0].entry) > (w[1].time, w[1].entry))
        })
        .map(|a| format!("{} history is out of time order", a.key))
        .collect()
}

fn holds_consistent(ledger: &Ledger) -> Vec<String> {
    let mut problems = Vec::new();
    let mut held = vec![Decimal::ZERO; ledger.accounts().len()];
    for hold in ledger.holds() {
        if ledger.account(hold.account).is_err() {
            problems.push(format!(
                "hold {} names missing account {}",
                hold.id.0, hold.account.0
            ));
            continue;
        }
        match hold.state {
            HoldState::Active => {
                if let Some(slot) = held.get_mut(slot_of(hold.account)) {
                    *slot += hold.amount;
                }
            }
            HoldState::Captured { entry, .. } => {
                if ledger.entry(entry).and_then(|e| e.hold) != Some(hold.id) {
                    problems.push(format!(
                        "captured hold {} and entry {} do not point at each other",
                        hold.id.0, entry.0
                    ));
                }
            }
            HoldState::Released { .. } | HoldState::Expired { .. } => {}
        }
    }
    for entry in ledger.entries() {
        if let Some(hold) = entry.hold {
            let captured_by = ledger.hold(hold).ok().and_then(|h| match h.state {
                HoldState::Captured { entry, .. } => Some(entry),
                _ => None,
            });
            if captured_by != Some(entry.id) {
                problems.push(format!(
                    "entry {} claims hold {} which it did not capture",
                    entry.id.0, hold.0
                ));
            }
        }
    }
    for account in ledger.accounts() {
        let expected = held.get(slot_of(account.id)).copied().unwrap_or_default();
        if account.held != expected {
            problems.push(format!(
                "{} holds {} but its active holds sum to {expected}",
                account.key, account.held
            ));
        }
    }
    problems
}

fn no_forbidden_negatives(ledger: &Ledger) -> Vec<String> {
    ledger
        .accounts()
        .iter()
        .filter(|a| !a.allow_negative && a.posted - a.held < Decimal::ZERO)
        .map(|a| {
            format!(
                "{} may not go negative but has {} {} available",
                a.key,
                a.posted - a.held,
                a.currency
            )
        })
        .collect()
}

/// An account's slot in a per-account table: its position in `Ledger::accounts`.
fn slot_of(id: AccountId) -> usize {
    id.0 as usize
}
