//! The scenario's `opcard:` section (settings, clients, programs with their card
//! accounts, cards): its checks and its build into a world through OPCard's operations.
//! Opening balances are loads confirmed on the clock, so they are fund_type 20 records
//! like any other. OPCard's part of an export lives in `snapshot.rs`.

mod snapshot;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use snapshot::OpcardSnapshot;
pub(super) use snapshot::{export, restore};

use crate::money::Currency;
use crate::providers::opcard::ops;
use crate::providers::opcard::state::{Client, RiskRule, Settings};
use crate::scenario::ScenarioError;
use crate::scenario::schema::{Amount, CurrencyCode};
use crate::tenant::World;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpcardSection {
    /// Seconds from `load/create` to the load's confirmation on the tenant clock.
    #[serde(default)]
    pub load_confirm_seconds: u64,
    /// USD value of one unit per currency, over the built-in defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub usd_rates: BTreeMap<String, Amount>,
    #[serde(default)]
    pub clients: Vec<ClientDecl>,
    #[serde(default)]
    pub programs: Vec<ProgramDecl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<CardDecl>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientDecl {
    pub app_key: String,
    pub app_secret: String,
    /// A token that is always accepted (no need to call `auth/token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramDecl {
    pub program_value: u32,
    pub cn_name: String,
    pub en_name: String,
    pub accounts: Vec<AccountDecl>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountDecl {
    pub currency: CurrencyCode,
    /// Opening balance: a load confirmed when history starts (whatever
    /// `load_confirm_seconds` says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Amount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardDecl {
    /// A 19-digit id; drawn from the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<u64>,
    pub program_value: u32,
    pub card_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub card_desc: String,
    /// `YYYYMM`, after the scenario's history starts.
    pub card_validity_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_holder_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_list: Vec<RiskDecl>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskDecl {
    pub trade_risk_name: String,
    pub trade_risk_value: String,
}

/// Built-in USD rates, used where a scenario names none.
const DEFAULT_RATES: [(&str, &str); 8] = [
    ("USD", "1"),
    ("EUR", "1.0850"),
    ("GBP", "1.2700"),
    ("HKD", "0.1280"),
    ("SGD", "0.7400"),
    ("CNY", "0.1380"),
    ("JPY", "0.0067"),
    ("AUD", "0.6600"),
];

/// Checks what parsing alone cannot.
pub(super) fn check(file: &str, section: &OpcardSection) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    for code in section.usd_rates.keys() {
        Currency::parse(code)
            .map_err(|e| err(format!("opcard.usd_rates.{code}"), e.to_string()))?;
    }
    for (i, c) in section.clients.iter().enumerate() {
        if c.app_key.trim().is_empty() || c.app_secret.is_empty() {
            return Err(err(
                format!("opcard.clients[{i}]"),
                "app_key and app_secret cannot be empty".to_owned(),
            ));
        }
    }
    let mut values = Vec::new();
    for (i, p) in section.programs.iter().enumerate() {
        if values.contains(&p.program_value) {
            return Err(err(
                format!("opcard.programs[{i}].program_value"),
                format!("duplicate program_value {}", p.program_value),
            ));
        }
        values.push(p.program_value);
        for (j, a) in p.accounts.iter().enumerate() {
            if let Some(balance) = a.balance
                && balance.0 < Decimal::ZERO
            {
                return Err(err(
                    format!("opcard.programs[{i}].accounts[{j}].balance"),
                    "an opening balance cannot be negative".to_owned(),
                ));
            }
        }
    }
    for (i, c) in section.cards.iter().enumerate() {
        if !values.contains(&c.program_value) {
            return Err(err(
                format!("opcard.cards[{i}].program_value"),
                format!("no program {} in opcard.programs", c.program_value),
            ));
        }
    }
    Ok(())
}

/// Settings and clients: what a snapshot restores too.
pub(crate) fn setup(world: &mut World, section: &OpcardSection) {
    let mut usd_rates: BTreeMap<String, Decimal> = DEFAULT_RATES
        .iter()
        .map(|(c, r)| ((*c).to_owned(), r.parse().unwrap_or_default()))
        .collect();
    for (code, rate) in &section.usd_rates {
        usd_rates.insert(code.to_ascii_uppercase(), rate.0);
    }
    world.opcard.settings = Some(Settings {
        load_confirm_seconds: i64::try_from(section.load_confirm_seconds).unwrap_or(i64::MAX),
        usd_rates,
    });
    world.opcard.clients = section
        .clients
        .iter()
        .map(|c| Client {
            app_key: c.app_key.clone(),
            app_secret: c.app_secret.clone(),
            static_token: c.token.clone(),
        })
        .collect();
}

/// Builds the section into a fresh world at history start: programs and their accounts,
/// opening loads (confirmed as the clock moves on), cards, and the first monthly bill.
pub(super) fn build(
    file: &str,
    world: &mut World,
    section: &OpcardSection,
) -> Result<(), ScenarioError> {
    setup(world, section);
    world.opcard.next_record_id = world.ids.numeric(4).parse::<u64>().unwrap_or(3000);
    world.opcard.next_batch = 100_000 + world.opcard.next_record_id;
    for (i, p) in section.programs.iter().enumerate() {
        let currencies: Vec<Currency> = p.accounts.iter().map(|a| a.currency.0).collect();
        ops::add_program(world, p.program_value, &p.cn_name, &p.en_name, &currencies);
        for (j, a) in p.accounts.iter().enumerate() {
            if let Some(balance) = a.balance.filter(|b| !b.0.is_zero()) {
                ops::create_load_after(
                    world,
                    p.program_value,
                    a.currency.0,
                    a.currency.0,
                    balance.0,
                    0,
                )
                .map_err(|e| {
                    ScenarioError::new(
                        file,
                        format!("opcard.programs[{i}].accounts[{j}].balance"),
                        e.msg,
                    )
                })?;
            }
        }
    }
    for (i, c) in section.cards.iter().enumerate() {
        ops::create_card(
            world,
            c.program_value,
            &c.card_name,
            &c.card_desc,
            &c.card_validity_time,
            c.card_holder_id,
            c.risk_list
                .iter()
                .map(|r| RiskRule {
                    name: r.trade_risk_name.clone(),
                    value: r.trade_risk_value.clone(),
                })
                .collect(),
            c.card_id,
        )
        .map_err(|e| ScenarioError::new(file, format!("opcard.cards[{i}]"), e.msg))?;
    }
    ops::schedule_first_bill(world);
    Ok(())
}
