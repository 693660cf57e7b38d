//! The scenario's `interlace:` section (OAuth clients, accounts with their Infinity and
//! budget balances, cards): its checks and its build into a world through Interlace's
//! operations. Interlace's part of an export lives in `snapshot.rs`.

mod snapshot;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use snapshot::InterlaceSnapshot;
pub(in crate::scenario) use snapshot::{export, restore};

use super::error::ScenarioError;
use super::schema::Amount;
use crate::providers::interlace::state::{Client, card_status};
use crate::providers::interlace::{negatives, ops};
use crate::tenant::World;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterlaceSection {
    #[serde(default)]
    pub clients: Vec<ClientDecl>,
    #[serde(default)]
    pub accounts: Vec<AccountDecl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<CardDecl>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientDecl {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountDecl {
    /// Scenario-local name cards refer to.
    pub key: String,
    /// A UUID; drawn from the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 0 API client, 1 API client's customer.
    #[serde(rename = "type")]
    pub account_type: u8,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Opening Infinity (USD) balance, deposited when history starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Amount>,
    /// Opening budget, moved from the Infinity balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Amount>,
    /// False: the Infinity balance is not provisioned (cards refuse `010021`).
    #[serde(default = "yes")]
    pub initialized: bool,
    /// False: no KYC passed (a type 1 account's cards refuse `010787`).
    #[serde(default = "yes")]
    pub kyc_passed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardDecl {
    /// The `key` of an account above.
    pub account: String,
    /// A UUID; drawn from the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Opening balance of a prepaid card, moved from the Infinity balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Amount>,
    /// A budget card: no balance of its own, draws on the account's budget.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub budget: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// One of INACTIVE, CONTROL, ACTIVE (default), PENDING, FROZEN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

pub(super) fn check(file: &str, section: &InterlaceSection) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    let mut keys = Vec::new();
    for (i, a) in section.accounts.iter().enumerate() {
        let at = format!("interlace.accounts[{i}]");
        if keys.contains(&a.key.as_str()) {
            return Err(err(
                format!("{at}.key"),
                format!("duplicate account key {:?}", a.key),
            ));
        }
        keys.push(a.key.as_str());
        if a.account_type > 1 {
            return Err(err(
                format!("{at}.type"),
                format!(
                    "type is 0 (API client) or 1 (customer), got {}",
                    a.account_type
                ),
            ));
        }
        for (name, amount) in [("balance", a.balance), ("budget", a.budget)] {
            if amount.is_some_and(|m| m.0 < Decimal::ZERO || m.0.normalize().scale() > 2) {
                return Err(err(
                    format!("{at}.{name}"),
                    "an amount of at least 0 with at most 2 decimals".to_owned(),
                ));
            }
        }
    }
    for (i, c) in section.cards.iter().enumerate() {
        let at = format!("interlace.cards[{i}]");
        if !keys.contains(&c.account.as_str()) {
            return Err(err(
                format!("{at}.account"),
                format!("no account {:?} in interlace.accounts", c.account),
            ));
        }
        if let Some(status) = &c.status
            && !card_status::ALL.contains(&status.as_str())
        {
            return Err(err(
                format!("{at}.status"),
                format!(
                    "status is one of {}, got {status:?}",
                    card_status::ALL.join(", ")
                ),
            ));
        }
        if c.budget && c.cost.is_some() {
            return Err(err(
                format!("{at}.cost"),
                "a budget card takes no cost".to_owned(),
            ));
        }
    }
    Ok(())
}

pub(super) fn setup(world: &mut World, section: &InterlaceSection) {
    world.interlace.enabled = true;
    world.interlace.clients = section
        .clients
        .iter()
        .map(|c| Client {
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
        })
        .collect();
}

/// Builds the section into a fresh world at history start.
pub(super) fn build(
    file: &str,
    world: &mut World,
    section: &InterlaceSection,
) -> Result<(), ScenarioError> {
    setup(world, section);
    let err = |path: String, e: String| ScenarioError::new(file, path, e);
    for (i, a) in section.accounts.iter().enumerate() {
        let at = format!("interlace.accounts[{i}]");
        let name_en = a.name_en.clone().unwrap_or_else(|| a.name.clone());
        let index = ops::add_account(
            world,
            a.id.clone(),
            a.account_type,
            &a.name,
            &name_en,
            a.initialized,
            a.kyc_passed,
        );
        if let Some(balance) = a.balance.filter(|b| !b.0.is_zero()) {
            ops::fund_account(world, index, balance.0)
                .map_err(|e| err(format!("{at}.balance"), e.message))?;
        }
        if let Some(budget) = a.budget.filter(|b| !b.0.is_zero()) {
            ops::fund_budget(world, index, budget.0)
                .map_err(|e| err(format!("{at}.budget"), e.message))?;
        }
    }
    for (i, c) in section.cards.iter().enumerate() {
        let at = format!("interlace.cards[{i}]");
        let account = section
            .accounts
            .iter()
            .position(|a| a.key == c.account)
            .ok_or_else(|| err(format!("{at}.account"), "unknown account".to_owned()))?;
        let account_id = world.interlace.accounts[account].id.clone();
        let cost = c.cost.map_or(Decimal::ZERO, |m| m.0);
        let user_name = c
            .user_name
            .clone()
            .unwrap_or_else(|| "Sandbox Cardholder".to_owned());
        let card = ops::create_card(
            world,
            &account_id,
            cost,
            c.budget,
            &c.label,
            &user_name,
            c.id.clone(),
        )
        .map_err(|e| err(at.clone(), e.message))?;
        if let Some(status) = &c.status {
            world.interlace.cards[card].status = status.clone();
        }
    }
    negatives::schedule_first_stat(world);
    Ok(())
}
