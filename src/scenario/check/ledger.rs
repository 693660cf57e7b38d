//! The `ledger:` section's checks: account keys (present, unique, not reserved),
//! opening balances (precision, sign), and holds on declared accounts.

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::{Refused, check_positive, check_precision};
use crate::money::Currency;
use crate::scenario::build::{OPENING_PREFIX, kind};
use crate::scenario::schema::Scenario;

/// A declared account as later checks need it: key, currency, whether it may go
/// below zero.
pub(super) type Declared<'a> = Vec<(&'a str, Currency, bool)>;

/// Checks accounts and holds; the declared accounts, in file order.
pub(super) fn check(scenario: &Scenario) -> Result<Declared<'_>, Refused> {
    let mut keys: Declared<'_> = Vec::new();
    let mut seen = HashSet::new();
    for (i, account) in scenario.ledger.accounts.iter().enumerate() {
        let at = format!("ledger.accounts[{i}]");
        if account.key.trim().is_empty() {
            return Err((
                format!("{at}.key"),
                "an account key cannot be empty".to_owned(),
            ));
        }
        if account.key.starts_with(OPENING_PREFIX) {
            return Err((
                format!("{at}.key"),
                format!("keys starting with {OPENING_PREFIX:?} are reserved for opening balances"),
            ));
        }
        if !seen.insert(account.key.as_str()) {
            return Err((
                format!("{at}.key"),
                format!("duplicate account key {:?}", account.key),
            ));
        }
        let currency = account.currency.0;
        let allow_negative = account
            .allow_negative
            .unwrap_or_else(|| kind(account.kind).negative_by_default());
        if let Some(balance) = account.balance {
            check_precision(balance.0, currency).map_err(|m| (format!("{at}.balance"), m))?;
            if balance.0 < Decimal::ZERO && !allow_negative {
                return Err((
                    format!("{at}.balance"),
                    format!(
                        "{} is negative; set allow_negative: true to allow it",
                        balance.0
                    ),
                ));
            }
        }
        keys.push((account.key.as_str(), currency, allow_negative));
    }
    for (i, hold) in scenario.ledger.holds.iter().enumerate() {
        let at = format!("ledger.holds[{i}]");
        let (_, currency, _) = find(&keys, &hold.account).ok_or_else(|| {
            (
                format!("{at}.account"),
                format!("no account {:?} in ledger.accounts", hold.account),
            )
        })?;
        check_positive(hold.amount.0, currency).map_err(|m| (format!("{at}.amount"), m))?;
    }
    Ok(keys)
}

/// The declared account `key`.
pub(super) fn find<'a>(keys: &Declared<'a>, key: &str) -> Option<(&'a str, Currency, bool)> {
    keys.iter().find(|(k, _, _)| *k == key).copied()
}
