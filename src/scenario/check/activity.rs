//! The `activity:` list's checks: one generator per item, the provider section each
//! provider generator needs, the accounts and cards generators name, and the bounds on
//! `days` and `count` every generator shares.

use std::collections::HashSet;

use super::ledger::{Declared, find};
use super::{Refused, check_positive};
use crate::money::Currency;
use crate::scenario::activity::{MAX_COUNT, MAX_DAYS};
use crate::scenario::schema::{Generator, Realism, Scenario, TransfersActivity};

/// Every share of a generator's `realism` is a fraction.
fn check_realism(at: &str, realism: &Realism) -> Result<(), Refused> {
    for (key, share) in realism.shares() {
        if !(0.0..=1.0).contains(&share) {
            return Err((
                format!("{at}.realism.{key}"),
                format!("must be between 0 and 1, got {share}"),
            ));
        }
    }
    Ok(())
}

/// Checks every activity item against the declared accounts and sections.
pub(super) fn check(scenario: &Scenario, accounts: &Declared<'_>) -> Result<(), Refused> {
    for (i, item) in scenario.activity.iter().enumerate() {
        match item.generator() {
            None => {
                return Err((
                    format!("activity[{i}]"),
                    "name exactly one generator per item; the generators are: transfers, hypercard, opcard, interlace, interlace_business"
                        .to_owned(),
                ));
            }
            Some(Generator::Interlace(g) | Generator::InterlaceBusiness(g)) => {
                let at = format!("activity[{i}].interlace");
                if scenario.interlace.is_none() {
                    return Err((
                        at,
                        "the interlace generator needs an interlace section".to_owned(),
                    ));
                }
                if g.days == 0 || g.days > MAX_DAYS || g.count > MAX_COUNT {
                    return Err((
                        at,
                        format!(
                            "days must be between 1 and {MAX_DAYS} and count at most {MAX_COUNT}"
                        ),
                    ));
                }
                check_realism(&at, &g.realism)?;
            }
            Some(Generator::Opcard(o)) => {
                let at = format!("activity[{i}].opcard");
                if scenario.opcard.is_none() {
                    return Err((
                        at,
                        "the opcard generator needs an opcard section".to_owned(),
                    ));
                }
                check_span(&at, o.days, o.count)?;
                check_realism(&at, &o.realism)?;
            }
            Some(Generator::Hypercard(h)) => {
                let at = format!("activity[{i}].hypercard");
                let Some(section) = &scenario.hypercard else {
                    return Err((
                        at,
                        "the hypercard generator needs a hypercard section".to_owned(),
                    ));
                };
                for (j, id) in h.cards.iter().enumerate() {
                    if !section
                        .cards
                        .iter()
                        .any(|c| c.card_id.as_deref() == Some(id))
                    {
                        return Err((
                            format!("{at}.cards[{j}]"),
                            format!("no card {id:?} with that card_id in hypercard.cards"),
                        ));
                    }
                }
                check_span(&at, h.days, h.count)?;
                check_realism(&at, &h.realism)?;
            }
            Some(Generator::Transfers(t)) => {
                check_transfers(&format!("activity[{i}].transfers"), t, accounts)?;
            }
        }
    }
    Ok(())
}

/// Transfers: declared accounts on both sides, in one currency, with `min <= max`.
fn check_transfers(
    at: &str,
    t: &TransfersActivity,
    accounts: &Declared<'_>,
) -> Result<(), Refused> {
    let mut currencies = HashSet::new();
    for (side, list) in [("from", &t.from), ("to", &t.to)] {
        if list.is_empty() {
            return Err((
                format!("{at}.{side}"),
                "name at least one account key".to_owned(),
            ));
        }
        for (j, key) in list.iter().enumerate() {
            let (_, currency, _) = find(accounts, key).ok_or_else(|| {
                (
                    format!("{at}.{side}[{j}]"),
                    format!("no account {key:?} in ledger.accounts"),
                )
            })?;
            currencies.insert(currency);
        }
    }
    if currencies.len() > 1 {
        return Err((
            at.to_owned(),
            "from and to accounts must all share one currency".to_owned(),
        ));
    }
    let currency = currencies.into_iter().next().unwrap_or(Currency::USD);
    check_positive(t.min.0, currency).map_err(|m| (format!("{at}.min"), m))?;
    check_positive(t.max.0, currency).map_err(|m| (format!("{at}.max"), m))?;
    if t.min.0 > t.max.0 {
        return Err((
            format!("{at}.max"),
            format!("max {} is below min {}", t.max.0, t.min.0),
        ));
    }
    check_span(at, t.days, t.count)
}

/// `days` within 1..=MAX_DAYS and `count` at most MAX_COUNT.
fn check_span(at: &str, days: u32, count: u32) -> Result<(), Refused> {
    if days == 0 || days > MAX_DAYS {
        return Err((
            format!("{at}.days"),
            format!("days must be between 1 and {MAX_DAYS}, got {days}"),
        ));
    }
    if count > MAX_COUNT {
        return Err((
            format!("{at}.count"),
            format!("count must be at most {MAX_COUNT}, got {count}"),
        ));
    }
    Ok(())
}
