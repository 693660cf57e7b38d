//! The checks a scenario needs beyond its types, run by `parse` so that a scenario that
//! parses can be built (short of running out of money in a generator): the clock,
//! webhook and fault settings and what a snapshot excludes (here), each provider
//! section (its face's `check_section`), the ledger's accounts and holds (`ledger.rs`), and the
//! activity generators (`activity.rs`). Every refusal names its key path.

mod activity;
mod ledger;

use rust_decimal::Decimal;

use super::error::ScenarioError;
use super::schema::Scenario;
use crate::money::Currency;
use crate::providers::Provider;

/// Checks that need several keys at once, in the order the file reads.
pub(crate) fn check_static(file: &str, scenario: &Scenario) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    check_settings(scenario).map_err(|(path, message)| err(path, message))?;
    for provider in Provider::SECTION_ORDER {
        provider.face().check_section(file, scenario)?;
    }
    let accounts = ledger::check(scenario).map_err(|(path, message)| err(path, message))?;
    activity::check(scenario, &accounts).map_err(|(path, message)| err(path, message))
}

/// A refusal: the key path and what is wrong with it.
type Refused = (String, String);

/// The clock's time scale, webhooks, fault rules, and what a snapshot leaves out.
fn check_settings(scenario: &Scenario) -> Result<(), Refused> {
    if let Some(scale) = scenario.clock.time_scale
        && !(1..=86_400).contains(&scale)
    {
        return Err((
            "clock.time_scale".to_owned(),
            format!("must be between 1 and 86400 tenant seconds per wall second, got {scale}"),
        ));
    }
    if let Some(webhooks) = &scenario.webhooks {
        webhooks
            .validate()
            .map_err(|(field, message)| (format!("webhooks.{field}"), message))?;
    }
    let mut faults = crate::faults::FaultSet::new(0);
    for (i, rule) in scenario.faults.iter().enumerate() {
        if rule.tenant.is_some() {
            return Err((
                format!("faults[{i}].tenant"),
                "a scenario's rules belong to the tenant built from it; remove `tenant`".to_owned(),
            ));
        }
        faults
            .add(rule.clone())
            .map_err(|e| (format!("faults[{i}].{}", e.field), e.message))?;
    }
    if scenario.snapshot.is_some() && (!scenario.ledger.is_empty() || !scenario.activity.is_empty())
    {
        return Err((
            "snapshot".to_owned(),
            "a scenario with a snapshot cannot also declare ledger or activity; the snapshot already holds the whole state".to_owned(),
        ));
    }
    if scenario.snapshot.is_some() && Provider::ALL.iter().any(|p| p.face().has_section(scenario)) {
        return Err((
            "snapshot".to_owned(),
            "a scenario with a snapshot cannot also declare provider sections; the snapshot holds them".to_owned(),
        ));
    }
    Ok(())
}

/// An amount has no more decimals than its currency keeps.
fn check_precision(amount: Decimal, currency: Currency) -> Result<(), String> {
    if amount.normalize().scale() > currency.scale() {
        return Err(format!(
            "{amount} has more decimals than {currency} allows ({})",
            currency.scale()
        ));
    }
    Ok(())
}

/// An amount is above zero and fits its currency.
fn check_positive(amount: Decimal, currency: Currency) -> Result<(), String> {
    if amount <= Decimal::ZERO {
        return Err(format!(
            "the amount must be greater than zero, got {amount}"
        ));
    }
    check_precision(amount, currency)
}
