//! The scenario's `hypercard:` section (settings, merchants, card products, cards) and
//! HyperCard's part of an export snapshot, with the code that builds them into a world
//! through HyperCard's operations and writes a world back into them.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::ScenarioError;
use super::schema::{Amount, CurrencyCode, Time};
use crate::ledger::EntryId;
use crate::money::Currency;
use crate::providers::hypercard::keys;
use crate::providers::hypercard::ops;
use crate::providers::hypercard::signature::PublicKey;
use crate::providers::hypercard::state::{
    Card, Detail, HypercardState, Merchant, Operation, Product, Recharge, Record, Settings,
    SignatureMode,
};
use crate::tenant::World;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HypercardSection {
    /// `verify` (default) checks signatures, timestamps and nonces; `off` skips them.
    #[serde(default)]
    pub signatures: SignaturesSpec,
    /// Seconds from a recharge to its settlement on the tenant clock.
    #[serde(default)]
    pub recharge_settle_seconds: u64,
    /// Fraction of a coin purchase kept as its fee (default 0.03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy_coin_fee_rate: Option<Amount>,
    /// USD value of one unit per coin or currency, over the built-in defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub usd_rates: BTreeMap<String, Amount>,
    #[serde(default)]
    pub merchants: Vec<MerchantDecl>,
    /// The merchant's opening balance per coin or currency (`usdt: "100000"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub merchant_balances: BTreeMap<String, Amount>,
    #[serde(default)]
    pub card_types: Vec<ProductDecl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<CardDecl>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignaturesSpec {
    #[default]
    Verify,
    Off,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerchantDecl {
    pub api_key: String,
    /// The merchant's RSA public key (PEM). Either this or `test_key: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_pem: Option<String>,
    /// The matching private key, handed out in the tenant's credentials so tests can sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_pem: Option<String>,
    /// Use the shipped test key pair (`scenarios/keys/hypercard-merchant*.pem`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test_key: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductDecl {
    pub card_type_id: String,
    pub card_name: String,
    pub card_coin: CurrencyCode,
    /// First six digits of the product's card numbers.
    pub bin: String,
    /// 1 virtual (default), 2 physical.
    #[serde(default = "one")]
    pub card_type: u8,
    /// 1 VISA (default), 2 Mastercard, 3 AmEx, 4 UnionPay, 5 Discover, 6 JCB.
    #[serde(default = "one")]
    pub card_org: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recharge_fee: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_fee: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_fee: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_single_recharge_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_single_recharge_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_recharge_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_first_recharge_amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_business: Option<String>,
    #[serde(default = "yes")]
    pub can_recharge: bool,
    /// Handling fee per consumption (type 10 records), in the card currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumption_fee: Option<Amount>,
    /// Bank fee per withdrawal, in the card currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_fee: Option<Amount>,
    /// Kept when a card is cancelled, in the card currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_fee: Option<Amount>,
}

fn one() -> u8 {
    1
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardDecl {
    /// Up to 20 digits; drawn from the product's BIN and the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    pub card_type_id: String,
    /// Opening balance in the card currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Amount>,
    /// Where the card stands at `clock.start`: `active` (default), `frozen` or
    /// `cancelled` (reached through the freeze and cancel operations, so a cancelled
    /// card has its cancellation record).
    #[serde(default)]
    pub status: CardStatusSpec,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardStatusSpec {
    #[default]
    Active,
    Frozen,
    Cancelled,
}

/// Built-in USD rates, used where a scenario names none.
const DEFAULT_RATES: [(&str, &str); 9] = [
    ("usd", "1"),
    ("usdt", "1"),
    ("usdc", "1"),
    ("eur", "1.0850"),
    ("gbp", "1.2700"),
    ("hkd", "0.1280"),
    ("sgd", "0.7400"),
    ("cny", "0.1380"),
    ("jpy", "0.0067"),
];

/// Checks what parsing alone cannot (references, key material, limits).
pub(super) fn check(file: &str, section: &HypercardSection) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    for code in section.usd_rates.keys() {
        Currency::parse(code)
            .map_err(|e| err(format!("hypercard.usd_rates.{code}"), e.to_string()))?;
    }
    for (code, amount) in &section.merchant_balances {
        Currency::parse(code)
            .map_err(|e| err(format!("hypercard.merchant_balances.{code}"), e.to_string()))?;
        if amount.0 < Decimal::ZERO {
            return Err(err(
                format!("hypercard.merchant_balances.{code}"),
                "a balance cannot be negative".to_owned(),
            ));
        }
    }
    for (i, m) in section.merchants.iter().enumerate() {
        let at = format!("hypercard.merchants[{i}]");
        if m.api_key.trim().is_empty() {
            return Err(err(
                format!("{at}.api_key"),
                "the api_key cannot be empty".to_owned(),
            ));
        }
        match (&m.public_key_pem, m.test_key) {
            (Some(_), true) | (None, false) => {
                return Err(err(
                    at,
                    "give either public_key_pem or test_key: true".to_owned(),
                ));
            }
            (Some(pem), false) => {
                PublicKey::from_pem(pem)
                    .map_err(|e| err(format!("{at}.public_key_pem"), e.to_string()))?;
            }
            (None, true) => {}
        }
    }
    let mut ids = Vec::new();
    for (i, p) in section.card_types.iter().enumerate() {
        let at = format!("hypercard.card_types[{i}]");
        if ids.contains(&p.card_type_id.as_str()) {
            return Err(err(
                format!("{at}.card_type_id"),
                format!("duplicate card_type_id {:?}", p.card_type_id),
            ));
        }
        ids.push(p.card_type_id.as_str());
        if p.bin.len() != 6 || !p.bin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                format!("{at}.bin"),
                format!("a BIN is six digits, got {:?}", p.bin),
            ));
        }
    }
    for (i, c) in section.cards.iter().enumerate() {
        let at = format!("hypercard.cards[{i}]");
        if !ids.contains(&c.card_type_id.as_str()) {
            return Err(err(
                format!("{at}.card_type_id"),
                format!("no card type {:?} in hypercard.card_types", c.card_type_id),
            ));
        }
        if let Some(id) = &c.card_id
            && (id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(err(
                format!("{at}.card_id"),
                format!("a card_id is 1 to 20 digits, got {id:?}"),
            ));
        }
    }
    Ok(())
}

fn amount_or(value: Option<Amount>, default: &str) -> Decimal {
    value.map_or_else(|| default.parse().unwrap_or_default(), |a| a.0)
}

/// Settings, merchants and products: everything but money and cards.
fn setup(world: &mut World, section: &HypercardSection) -> Result<(), String> {
    let mut usd_rates: BTreeMap<String, Decimal> = DEFAULT_RATES
        .iter()
        .map(|(c, r)| ((*c).to_owned(), r.parse().unwrap_or_default()))
        .collect();
    for (code, rate) in &section.usd_rates {
        usd_rates.insert(code.to_ascii_lowercase(), rate.0);
    }
    world.hypercard.settings = Some(Settings {
        signatures: match section.signatures {
            SignaturesSpec::Verify => SignatureMode::Verify,
            SignaturesSpec::Off => SignatureMode::Off,
        },
        recharge_settle_seconds: i64::try_from(section.recharge_settle_seconds).unwrap_or(i64::MAX),
        usd_rates,
        buy_coin_fee_rate: amount_or(section.buy_coin_fee_rate, "0.03"),
    });
    for m in &section.merchants {
        let (public_pem, private_pem) = if m.test_key {
            (
                keys::MERCHANT_PUBLIC_KEY_PEM.to_owned(),
                Some(keys::MERCHANT_PRIVATE_KEY_PEM.to_owned()),
            )
        } else {
            (
                m.public_key_pem.clone().unwrap_or_default(),
                m.private_key_pem.clone(),
            )
        };
        let public_key = PublicKey::from_pem(&public_pem).map_err(|e| e.to_string())?;
        world.hypercard.merchants.push(Merchant {
            api_key: m.api_key.clone(),
            public_key_pem: public_pem,
            private_key_pem: private_pem,
            public_key: Arc::new(public_key),
        });
    }
    for p in &section.card_types {
        world.hypercard.products.push(Product {
            card_type_id: p.card_type_id.clone(),
            card_name: p.card_name.clone(),
            card_type: p.card_type,
            card_org: p.card_org,
            card_coin: p.card_coin.0,
            bin: p.bin.clone(),
            recharge_fee: amount_or(p.recharge_fee, "0"),
            card_fee: amount_or(p.card_fee, "0"),
            annual_fee: amount_or(p.annual_fee, "0"),
            min_single_recharge_amount: amount_or(p.min_single_recharge_amount, "10"),
            max_single_recharge_amount: amount_or(p.max_single_recharge_amount, "10000"),
            max_recharge_amount: amount_or(p.max_recharge_amount, "50000"),
            min_first_recharge_amount: amount_or(p.min_first_recharge_amount, "0"),
            support_business: p
                .support_business
                .clone()
                .unwrap_or_else(|| "1,2,9".to_owned()),
            can_recharge: p.can_recharge,
            consumption_fee: amount_or(p.consumption_fee, "0.20"),
            withdrawal_fee: amount_or(p.withdrawal_fee, "1.00"),
            cancel_fee: amount_or(p.cancel_fee, "0"),
        });
    }
    Ok(())
}

/// Builds the section into a fresh world at history start: settings, merchants and
/// their balances, products and cards.
pub(super) fn build(
    file: &str,
    world: &mut World,
    section: &HypercardSection,
) -> Result<(), ScenarioError> {
    setup(world, section).map_err(|e| ScenarioError::new(file, "hypercard", e))?;
    for (code, amount) in &section.merchant_balances {
        let coin = Currency::parse(code).map_err(|e| {
            ScenarioError::new(
                file,
                format!("hypercard.merchant_balances.{code}"),
                e.to_string(),
            )
        })?;
        if !amount.0.is_zero() {
            ops::fund_merchant(world, coin, amount.0).map_err(|e| {
                ScenarioError::new(file, format!("hypercard.merchant_balances.{code}"), e.msg)
            })?;
        }
    }
    for (i, c) in section.cards.iter().enumerate() {
        let product = world
            .hypercard
            .product_by_id(&c.card_type_id)
            .ok_or_else(|| {
                ScenarioError::new(
                    file,
                    format!("hypercard.cards[{i}].card_type_id"),
                    "unknown card type",
                )
            })?;
        ops::open_card(
            world,
            product,
            c.card_id.clone(),
            c.balance.map_or(Decimal::ZERO, |b| b.0),
        )
        .map_err(|e| ScenarioError::new(file, format!("hypercard.cards[{i}]"), e.msg))?;
    }
    Ok(())
}

/// Brings the declared cards to their `status` at `clock.start`, through the freeze and
/// cancel operations.
pub(super) fn apply_statuses(
    file: &str,
    world: &mut World,
    section: &HypercardSection,
) -> Result<(), ScenarioError> {
    for (i, c) in section.cards.iter().enumerate() {
        let kind = match c.status {
            CardStatusSpec::Active => continue,
            CardStatusSpec::Frozen => 1,
            CardStatusSpec::Cancelled => 9,
        };
        let card_id = world.hypercard.cards[i].card_id.clone();
        let request_number = format!("scenario-{}", world.ids.numeric(12));
        ops::operate(world, &card_id, &request_number, kind)
            .map_err(|e| ScenarioError::new(file, format!("hypercard.cards[{i}].status"), e.msg))?;
    }
    Ok(())
}

/// HyperCard's part of an export: the section's settings (without cards, which the
/// snapshot lists with their state) and every card, record, recharge and operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HypercardSnapshot {
    pub section: HypercardSection,
    #[serde(default)]
    pub cards: Vec<SnapCard>,
    #[serde(default)]
    pub records: Vec<SnapRecord>,
    #[serde(default)]
    pub recharges: Vec<SnapRecharge>,
    #[serde(default)]
    pub operations: Vec<SnapOperation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCard {
    pub card_id: String,
    pub card_type_id: String,
    pub card_number: String,
    pub status: u8,
    pub opened_at: Time,
}

/// One record; exactly one of the detail keys is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRecord {
    pub tx_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    pub time: Time,
    pub status: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumption: Option<SnapConsumption>,
    /// Index into `recharges`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recharge: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<SnapWithdrawal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<SnapRefund>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<SnapFee>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy_coin: Option<SnapBuyCoin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel: Option<SnapCancel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapConsumption {
    pub tx_currency: CurrencyCode,
    pub tx_amount: Amount,
    pub deduction_currency: CurrencyCode,
    pub deduction_amount: Amount,
    pub fee: Amount,
    pub mcc: String,
    pub description: String,
    pub refunded: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapWithdrawal {
    pub tx_currency: CurrencyCode,
    pub tx_amount: Amount,
    pub trade_currency: CurrencyCode,
    pub trade_amount: Amount,
    pub bank_fee: Amount,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRefund {
    pub tx_currency: CurrencyCode,
    pub tx_amount: Amount,
    pub refund_coin: CurrencyCode,
    pub refund_amount: Amount,
    pub consume_tx_id: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapFee {
    pub amount: Amount,
    pub currency: CurrencyCode,
    pub consume_tx_id: String,
    pub bill_cycle: String,
    pub service_fee_standard: Amount,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapBuyCoin {
    pub pay_coin: CurrencyCode,
    pub tx_amount: Amount,
    pub buy_coin: CurrencyCode,
    pub buy_amount: Amount,
    pub fee: Amount,
    pub mc_trade_no: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCancel {
    pub tx_amount: Amount,
    pub card_coin: CurrencyCode,
    pub refund_amount: Amount,
    pub fee: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRecharge {
    pub card_id: String,
    pub mc_trade_no: String,
    pub order_no: String,
    pub pay_coin: CurrencyCode,
    pub currency_amount: Amount,
    pub coin_amount: Amount,
    pub fee: Amount,
    pub coin_usd_rate: Amount,
    pub currency_usd_rate: Amount,
    pub status: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fail_reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remark: String,
    /// Index of the ledger hold while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<u64>,
    /// Index into `records`.
    pub record: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapOperation {
    pub card_id: String,
    pub request_number: String,
    #[serde(rename = "type")]
    pub op_type: u8,
    pub operate_status: u8,
    pub at: Time,
}

/// Writes HyperCard's state; `None` when the world has no HyperCard section.
pub(super) fn export(
    world: &World,
    section: Option<&HypercardSection>,
) -> Option<HypercardSnapshot> {
    world.hypercard.settings.as_ref()?;
    let state = &world.hypercard;
    let card_id = |c: usize| state.cards[c].card_id.clone();
    let mut section = section.cloned().unwrap_or_default();
    section.cards.clear();
    section.merchant_balances.clear();
    Some(HypercardSnapshot {
        section,
        cards: state
            .cards
            .iter()
            .map(|c| SnapCard {
                card_id: c.card_id.clone(),
                card_type_id: state.products[c.product].card_type_id.clone(),
                card_number: c.card_number.clone(),
                status: c.status,
                opened_at: Time(c.opened_at),
            })
            .collect(),
        records: state
            .records
            .iter()
            .map(|r| snap_record(state, r))
            .collect(),
        recharges: state
            .recharges
            .iter()
            .map(|r| SnapRecharge {
                card_id: card_id(r.card),
                mc_trade_no: r.mc_trade_no.clone(),
                order_no: r.order_no.clone(),
                pay_coin: CurrencyCode(r.pay_coin),
                currency_amount: Amount(r.currency_amount),
                coin_amount: Amount(r.coin_amount),
                fee: Amount(r.fee),
                coin_usd_rate: Amount(r.coin_usd_rate),
                currency_usd_rate: Amount(r.currency_usd_rate),
                status: r.status,
                fail_reason: r.fail_reason.clone(),
                remark: r.remark.clone(),
                hold: r.hold.map(|h| h.index()),
                record: r.record,
            })
            .collect(),
        operations: state
            .operations
            .iter()
            .map(|o| SnapOperation {
                card_id: card_id(o.card),
                request_number: o.request_number.clone(),
                op_type: o.op_type,
                operate_status: o.operate_status,
                at: Time(o.at),
            })
            .collect(),
    })
}

fn snap_record(state: &HypercardState, r: &Record) -> SnapRecord {
    let mut out = SnapRecord {
        tx_id: r.tx_id.clone(),
        card_id: r.card.map(|c| state.cards[c].card_id.clone()),
        time: Time(r.time),
        status: r.status,
        entry: r.entry.map(EntryId::index),
        consumption: None,
        recharge: None,
        withdrawal: None,
        refund: None,
        fee: None,
        buy_coin: None,
        cancel: None,
    };
    match &r.detail {
        Detail::Consumption {
            tx_currency,
            tx_amount,
            deduction_currency,
            deduction_amount,
            fee,
            mcc,
            description,
            refunded,
            decline_reason,
        } => {
            out.consumption = Some(SnapConsumption {
                tx_currency: CurrencyCode(*tx_currency),
                tx_amount: Amount(*tx_amount),
                deduction_currency: CurrencyCode(*deduction_currency),
                deduction_amount: Amount(*deduction_amount),
                fee: Amount(*fee),
                mcc: mcc.clone(),
                description: description.clone(),
                refunded: Amount(*refunded),
                decline_reason: decline_reason.clone(),
            });
        }
        Detail::Recharge { recharge } => out.recharge = Some(*recharge),
        Detail::Withdrawal {
            tx_currency,
            tx_amount,
            trade_currency,
            trade_amount,
            bank_fee,
            description,
        } => {
            out.withdrawal = Some(SnapWithdrawal {
                tx_currency: CurrencyCode(*tx_currency),
                tx_amount: Amount(*tx_amount),
                trade_currency: CurrencyCode(*trade_currency),
                trade_amount: Amount(*trade_amount),
                bank_fee: Amount(*bank_fee),
                description: description.clone(),
            });
        }
        Detail::Refund {
            tx_currency,
            tx_amount,
            refund_coin,
            refund_amount,
            consume_tx_id,
            description,
        } => {
            out.refund = Some(SnapRefund {
                tx_currency: CurrencyCode(*tx_currency),
                tx_amount: Amount(*tx_amount),
                refund_coin: CurrencyCode(*refund_coin),
                refund_amount: Amount(*refund_amount),
                consume_tx_id: consume_tx_id.clone(),
                description: description.clone(),
            });
        }
        Detail::Fee {
            amount,
            currency,
            consume_tx_id,
            bill_cycle,
            service_fee_standard,
            description,
        } => {
            out.fee = Some(SnapFee {
                amount: Amount(*amount),
                currency: CurrencyCode(*currency),
                consume_tx_id: consume_tx_id.clone(),
                bill_cycle: bill_cycle.clone(),
                service_fee_standard: Amount(*service_fee_standard),
                description: description.clone(),
            });
        }
        Detail::BuyCoin {
            pay_coin,
            tx_amount,
            buy_coin,
            buy_amount,
            fee,
            mc_trade_no,
        } => {
            out.buy_coin = Some(SnapBuyCoin {
                pay_coin: CurrencyCode(*pay_coin),
                tx_amount: Amount(*tx_amount),
                buy_coin: CurrencyCode(*buy_coin),
                buy_amount: Amount(*buy_amount),
                fee: Amount(*fee),
                mc_trade_no: mc_trade_no.clone(),
            });
        }
        Detail::Cancel {
            tx_amount,
            card_coin,
            refund_amount,
            fee,
        } => {
            out.cancel = Some(SnapCancel {
                tx_amount: Amount(*tx_amount),
                card_coin: CurrencyCode(*card_coin),
                refund_amount: Amount(*refund_amount),
                fee: Amount(*fee),
            });
        }
    }
    out
}

/// Restores HyperCard's state into a world whose ledger was already restored.
pub(super) fn restore(
    file: &str,
    world: &mut World,
    snap: &HypercardSnapshot,
) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    setup(world, &snap.section).map_err(|e| err("snapshot.hypercard.section".to_owned(), e))?;
    for (i, c) in snap.cards.iter().enumerate() {
        let at = format!("snapshot.hypercard.cards[{i}]");
        let product = world
            .hypercard
            .product_by_id(&c.card_type_id)
            .ok_or_else(|| err(format!("{at}.card_type_id"), "unknown card type".to_owned()))?;
        let account = world
            .ledger
            .account_by_key(&format!("hypercard:card:{}", c.card_id))
            .map_err(|e| err(format!("{at}.card_id"), e.to_string()))?
            .id;
        world.hypercard.card_index.insert(c.card_id.clone(), i);
        world.hypercard.cards.push(Card {
            card_id: c.card_id.clone(),
            product,
            card_number: c.card_number.clone(),
            status: c.status,
            account,
            opened_at: c.opened_at.0,
        });
    }
    let card = |id: &str, at: &str| {
        world.hypercard.card_by_id(id).ok_or_else(|| {
            err(
                at.to_owned(),
                format!("no card {id:?} in snapshot.hypercard.cards"),
            )
        })
    };
    let mut records = Vec::new();
    for (i, r) in snap.records.iter().enumerate() {
        let at = format!("snapshot.hypercard.records[{i}]");
        let card_index = match &r.card_id {
            Some(id) => Some(card(id, &format!("{at}.card_id"))?),
            None => None,
        };
        let detail = restore_detail(r)
            .ok_or_else(|| err(at.clone(), "a record names exactly one detail".to_owned()))?;
        records.push(Record {
            tx_id: r.tx_id.clone(),
            card: card_index,
            time: r.time.0,
            status: r.status,
            entry: r.entry.map(EntryId::from_index),
            detail,
        });
    }
    let mut recharges = Vec::new();
    for (i, r) in snap.recharges.iter().enumerate() {
        let at = format!("snapshot.hypercard.recharges[{i}]");
        recharges.push(Recharge {
            card: card(&r.card_id, &format!("{at}.card_id"))?,
            mc_trade_no: r.mc_trade_no.clone(),
            order_no: r.order_no.clone(),
            pay_coin: r.pay_coin.0,
            currency_amount: r.currency_amount.0,
            coin_amount: r.coin_amount.0,
            fee: r.fee.0,
            coin_usd_rate: r.coin_usd_rate.0,
            currency_usd_rate: r.currency_usd_rate.0,
            status: r.status,
            fail_reason: r.fail_reason.clone(),
            remark: r.remark.clone(),
            hold: r.hold.map(crate::ledger::HoldId::from_index),
            record: r.record,
        });
    }
    let mut operations = Vec::new();
    for (i, o) in snap.operations.iter().enumerate() {
        operations.push(Operation {
            card: card(
                &o.card_id,
                &format!("snapshot.hypercard.operations[{i}].card_id"),
            )?,
            request_number: o.request_number.clone(),
            op_type: o.op_type,
            operate_status: o.operate_status,
            at: o.at.0,
        });
    }
    let state = &mut world.hypercard;
    for (i, r) in records.iter().enumerate() {
        state.tx_index.insert(r.tx_id.clone(), i);
        if let Detail::BuyCoin { mc_trade_no, .. } = &r.detail {
            state.trade_nos.insert(mc_trade_no.clone(), i);
        }
    }
    for r in &recharges {
        state.trade_nos.insert(r.mc_trade_no.clone(), r.record);
    }
    state.records = records;
    state.recharges = recharges;
    state.operations = operations;
    Ok(())
}

fn restore_detail(r: &SnapRecord) -> Option<Detail> {
    let set = [
        r.consumption.is_some(),
        r.recharge.is_some(),
        r.withdrawal.is_some(),
        r.refund.is_some(),
        r.fee.is_some(),
        r.buy_coin.is_some(),
        r.cancel.is_some(),
    ];
    if set.iter().filter(|s| **s).count() != 1 {
        return None;
    }
    if let Some(c) = &r.consumption {
        return Some(Detail::Consumption {
            tx_currency: c.tx_currency.0,
            tx_amount: c.tx_amount.0,
            deduction_currency: c.deduction_currency.0,
            deduction_amount: c.deduction_amount.0,
            fee: c.fee.0,
            mcc: c.mcc.clone(),
            description: c.description.clone(),
            refunded: c.refunded.0,
            decline_reason: c.decline_reason.clone(),
        });
    }
    if let Some(recharge) = r.recharge {
        return Some(Detail::Recharge { recharge });
    }
    if let Some(w) = &r.withdrawal {
        return Some(Detail::Withdrawal {
            tx_currency: w.tx_currency.0,
            tx_amount: w.tx_amount.0,
            trade_currency: w.trade_currency.0,
            trade_amount: w.trade_amount.0,
            bank_fee: w.bank_fee.0,
            description: w.description.clone(),
        });
    }
    if let Some(f) = &r.refund {
        return Some(Detail::Refund {
            tx_currency: f.tx_currency.0,
            tx_amount: f.tx_amount.0,
            refund_coin: f.refund_coin.0,
            refund_amount: f.refund_amount.0,
            consume_tx_id: f.consume_tx_id.clone(),
            description: f.description.clone(),
        });
    }
    if let Some(f) = &r.fee {
        return Some(Detail::Fee {
            amount: f.amount.0,
            currency: f.currency.0,
            consume_tx_id: f.consume_tx_id.clone(),
            bill_cycle: f.bill_cycle.clone(),
            service_fee_standard: f.service_fee_standard.0,
            description: f.description.clone(),
        });
    }
    if let Some(b) = &r.buy_coin {
        return Some(Detail::BuyCoin {
            pay_coin: b.pay_coin.0,
            tx_amount: b.tx_amount.0,
            buy_coin: b.buy_coin.0,
            buy_amount: b.buy_amount.0,
            fee: b.fee.0,
            mc_trade_no: b.mc_trade_no.clone(),
        });
    }
    r.cancel.as_ref().map(|c| Detail::Cancel {
        tx_amount: c.tx_amount.0,
        card_coin: c.card_coin.0,
        refund_amount: c.refund_amount.0,
        fee: c.fee.0,
    })
}
