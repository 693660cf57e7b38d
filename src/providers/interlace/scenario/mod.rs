//! The scenario's `interlace:` section (OAuth clients, accounts with their Infinity and
//! budget balances, cards): its checks and its build into a world through Interlace's
//! operations. Interlace's part of an export lives in `snapshot.rs`.

mod onboarding;
mod snapshot;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use onboarding::{CardholderDecl, OnboardingDecl, SnapOnboarding};
pub use snapshot::InterlaceSnapshot;
pub(super) use snapshot::{export, restore};

use crate::money::Currency;
use crate::providers::interlace::global::ops as global;
use crate::providers::interlace::global::state::{GlobalSettings, LEGAL_ENTITY_STATUSES};
use crate::providers::interlace::onboarding::bins;
use crate::providers::interlace::onboarding::state::{Profile, kyc_status};
use crate::providers::interlace::state::{Client, card_status};
use crate::providers::interlace::{negatives, ops};
use crate::scenario::ScenarioError;
use crate::scenario::schema::{Amount, CurrencyCode};
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
    /// Global-account timings and fees (defaults in the scenario reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<GlobalDecl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_entities: Vec<LegalEntityDecl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_accounts: Vec<BusinessAccountDecl>,
    /// How KYC and cardholder reviews end on the tenant clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding: Option<OnboardingDecl>,
    /// Cardholders that exist when history starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cardholders: Vec<CardholderDecl>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalDecl {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_entity_processing_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_entity_active_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbound_step_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound_settle_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_seconds: Option<u64>,
    /// Platform fee per outbound transfer by currency; replaces the defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fees: BTreeMap<String, Amount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalEntityDecl {
    /// The `key` of an account above.
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its status at history start (default ACTIVE); any status of the seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessAccountDecl {
    /// The `key` of an account with an ACTIVE legal entity.
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub nickname: String,
    pub currency: CurrencyCode,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purpose: String,
    /// How many bank accounts to open on it (default 1).
    #[serde(default = "one")]
    pub bank_accounts: u32,
}

fn one() -> u32 {
    1
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
    /// A sub-account: the `key` of its parent (a type 0 account above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Its `kycStatus` (Pending, Request, Passed, Canceled or Na); overrides `kyc_passed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kyc_status: Option<String>,
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
    /// A prepaid card issued to this cardholder (the `key` of a cardholder below), on
    /// the cardholder's BIN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder: Option<String>,
    /// VIRTUAL_CARD (default) or PHYSICAL_CARD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_mode: Option<String>,
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
    for (i, a) in section.accounts.iter().enumerate() {
        let at = format!("interlace.accounts[{i}]");
        if let Some(parent) = &a.parent {
            let ok = section
                .accounts
                .iter()
                .any(|p| &p.key == parent && p.account_type == 0);
            if !ok || a.account_type != 1 {
                return Err(err(
                    format!("{at}.parent"),
                    format!(
                        "a sub-account (type 1) names the key of a type 0 account as its parent; got {parent:?}"
                    ),
                ));
            }
        }
        if let Some(status) = &a.kyc_status
            && !kyc_status::ALL.contains(&status.as_str())
        {
            return Err(err(
                format!("{at}.kyc_status"),
                format!(
                    "kyc_status is one of {}, got {status:?}",
                    kyc_status::ALL.join(", ")
                ),
            ));
        }
    }
    if let Some(o) = &section.onboarding {
        if let Some(r) = &o.kyc_review {
            onboarding::check_review(file, "interlace.onboarding.kyc_review", r, true)?;
        }
        if let Some(r) = &o.cardholder_review {
            onboarding::check_review(file, "interlace.onboarding.cardholder_review", r, false)?;
        }
    }
    let mut holders = Vec::new();
    for (i, h) in section.cardholders.iter().enumerate() {
        let at = format!("interlace.cardholders[{i}]");
        onboarding::check_cardholder(file, &at, h, &keys)?;
        if holders.contains(&h.key.as_str()) {
            return Err(err(
                format!("{at}.key"),
                format!("duplicate cardholder key {:?}", h.key),
            ));
        }
        holders.push(h.key.as_str());
    }
    for (i, c) in section.cards.iter().enumerate() {
        let at = format!("interlace.cards[{i}]");
        if let Some(holder) = &c.cardholder {
            let ok = section
                .cardholders
                .iter()
                .any(|h| &h.key == holder && h.account == c.account);
            if !ok || c.budget {
                return Err(err(
                    format!("{at}.cardholder"),
                    format!(
                        "a prepaid card names the key of a cardholder of its own account in interlace.cardholders; got {holder:?}"
                    ),
                ));
            }
        }
        if let Some(mode) = &c.card_mode
            && mode != "VIRTUAL_CARD"
            && mode != "PHYSICAL_CARD"
        {
            return Err(err(
                format!("{at}.card_mode"),
                format!("card_mode is VIRTUAL_CARD or PHYSICAL_CARD, got {mode:?}"),
            ));
        }
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
    for (i, l) in section.legal_entities.iter().enumerate() {
        let at = format!("interlace.legal_entities[{i}]");
        if !keys.contains(&l.account.as_str()) {
            return Err(err(
                format!("{at}.account"),
                format!("no account {:?} in interlace.accounts", l.account),
            ));
        }
        if let Some(status) = &l.status
            && !LEGAL_ENTITY_STATUSES.contains(&status.as_str())
        {
            return Err(err(
                format!("{at}.status"),
                format!(
                    "status is one of {}, got {status:?}",
                    LEGAL_ENTITY_STATUSES.join(", ")
                ),
            ));
        }
    }
    if let Some(global) = &section.global {
        for code in global.fees.keys() {
            Currency::parse(code)
                .map_err(|e| err(format!("interlace.global.fees.{code}"), e.to_string()))?;
        }
    }
    for (i, b) in section.business_accounts.iter().enumerate() {
        let at = format!("interlace.business_accounts[{i}]");
        let active = section
            .legal_entities
            .iter()
            .any(|l| l.account == b.account && l.status.as_deref().unwrap_or("ACTIVE") == "ACTIVE");
        if !active {
            return Err(err(
                format!("{at}.account"),
                format!(
                    "account {:?} has no ACTIVE legal entity in interlace.legal_entities",
                    b.account
                ),
            ));
        }
    }
    Ok(())
}

/// The global-account settings a section gives, over the defaults.
fn global_settings(section: &InterlaceSection) -> GlobalSettings {
    let mut settings = GlobalSettings::default();
    let Some(g) = &section.global else {
        return settings;
    };
    let secs =
        |v: Option<u64>, default: i64| v.map_or(default, |v| i64::try_from(v).unwrap_or(i64::MAX));
    settings.legal_entity_processing_seconds = secs(
        g.legal_entity_processing_seconds,
        settings.legal_entity_processing_seconds,
    );
    settings.legal_entity_active_seconds = secs(
        g.legal_entity_active_seconds,
        settings.legal_entity_active_seconds,
    );
    settings.inbound_step_seconds = secs(g.inbound_step_seconds, settings.inbound_step_seconds);
    settings.outbound_settle_seconds =
        secs(g.outbound_settle_seconds, settings.outbound_settle_seconds);
    settings.refund_seconds = secs(g.refund_seconds, settings.refund_seconds);
    if !g.fees.is_empty() {
        settings.fees = g
            .fees
            .iter()
            .filter_map(|(code, fee)| Some((Currency::parse(code).ok()?, fee.0)))
            .collect();
    }
    settings
}

pub(crate) fn setup(world: &mut World, section: &InterlaceSection) {
    world.interlace.enabled = true;
    world.interlace.global.settings = global_settings(section);
    world.interlace.onboarding.settings = onboarding::settings(section.onboarding.as_ref());
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
        let kyc = a.kyc_status.clone();
        if a.parent.is_some() || a.email.is_some() || kyc.is_some() {
            let parent = a.parent.as_ref().and_then(|p| {
                let i = section.accounts.iter().position(|x| &x.key == p)?;
                Some(world.interlace.accounts.get(i)?.id.clone())
            });
            let status = kyc.unwrap_or_else(|| {
                if a.kyc_passed {
                    kyc_status::PASSED
                } else {
                    kyc_status::NA
                }
                .to_owned()
            });
            let account = &mut world.interlace.accounts[index];
            account.kyc_passed = status == kyc_status::PASSED;
            let id = account.id.clone();
            world.interlace.onboarding.profiles.insert(
                id,
                Profile {
                    parent,
                    email: a.email.clone().unwrap_or_default(),
                    kyc_status: status,
                    ..Profile::default()
                },
            );
        }
        if let Some(balance) = a.balance.filter(|b| !b.0.is_zero()) {
            ops::fund_account(world, index, balance.0)
                .map_err(|e| err(format!("{at}.balance"), e.message))?;
        }
        if let Some(budget) = a.budget.filter(|b| !b.0.is_zero()) {
            ops::fund_budget(world, index, budget.0)
                .map_err(|e| err(format!("{at}.budget"), e.message))?;
        }
    }
    let mut holders = Vec::with_capacity(section.cardholders.len());
    for (i, h) in section.cardholders.iter().enumerate() {
        let at = format!("interlace.cardholders[{i}]");
        let account = section
            .accounts
            .iter()
            .position(|a| a.key == h.account)
            .ok_or_else(|| err(format!("{at}.account"), "unknown account".to_owned()))?;
        let account_id = world.interlace.accounts[account].id.clone();
        holders.push(onboarding::build_cardholder(world, &account_id, h).map_err(|e| err(at, e))?);
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
        let user_name = match &c.user_name {
            Some(name) => name.clone(),
            None => crate::scenario::activity::catalogue::person(world),
        };
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
        if let Some(mode) = &c.card_mode {
            world.interlace.cards[card].card_mode = mode.clone();
        }
        if let Some(holder) = &c.cardholder
            && let Some(h) = section.cardholders.iter().position(|h| &h.key == holder)
        {
            let h = &world.interlace.onboarding.cardholders[holders[h]];
            let (id, bin_id, name) = (
                h.id.clone(),
                h.bin_id.clone(),
                format!("{} {}", h.first_name, h.last_name),
            );
            let card = &mut world.interlace.cards[card];
            card.cardholder_id = id;
            card.bin = bins::find(&bin_id).map_or_else(|| card.bin.clone(), |b| b.bin.to_owned());
            if c.user_name.is_none() {
                card.user_name = name;
            }
        }
    }
    for (i, l) in section.legal_entities.iter().enumerate() {
        let at = format!("interlace.legal_entities[{i}]");
        let account = section
            .accounts
            .iter()
            .position(|a| a.key == l.account)
            .ok_or_else(|| err(at.clone(), "unknown account".to_owned()))?;
        let account_id = world.interlace.accounts[account].id.clone();
        let index = global::create_legal_entity(world, &account_id, l.name.as_deref())
            .map_err(|e| err(at.clone(), e.message))?;
        let id = world.interlace.global.legal_entities[index].id.clone();
        global::force_legal_entity_status(world, &id, l.status.as_deref().unwrap_or("ACTIVE"))
            .map_err(|e| err(at, e.message))?;
    }
    for (i, b) in section.business_accounts.iter().enumerate() {
        let at = format!("interlace.business_accounts[{i}]");
        let account = section
            .accounts
            .iter()
            .position(|a| a.key == b.account)
            .ok_or_else(|| err(at.clone(), "unknown account".to_owned()))?;
        let account_id = world.interlace.accounts[account].id.clone();
        let index = global::create_business_account(
            world,
            &account_id,
            &b.nickname,
            &b.purpose,
            b.currency.0,
            b.id.clone(),
        )
        .map_err(|e| err(at.clone(), e.message))?;
        let id = world.interlace.global.business_accounts[index].id.clone();
        for _ in 0..b.bank_accounts {
            global::create_bank_account(world, &id, None)
                .map_err(|e| err(at.clone(), e.message))?;
        }
    }
    negatives::schedule_first_stat(world);
    Ok(())
}
