//! The scenario's `hypercard:` section (settings, merchants, card products, cards): its
//! checks and its build into a world through HyperCard's operations. HyperCard's part of
//! an export lives in `snapshot.rs`.

mod snapshot;

pub(crate) use snapshot::HypercardSnapshot;
pub(super) use snapshot::{export, restore};

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::providers::hypercard::keys;
use crate::providers::hypercard::ops;
use crate::providers::hypercard::signature::PublicKey;
use crate::providers::hypercard::state::{
    ApplicationRule, Merchant, Product, ReviewOutcome, Settings, SignatureMode,
};
use crate::scenario::ScenarioError;
use crate::scenario::schema::{Amount, CurrencyCode};
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
    /// Express applications at `clock.start`, each at a stage of its card's first mile
    /// (built through the application, review and activation operations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<ApplicationDeclaration>,
}

/// An application the world starts with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationDeclaration {
    pub mc_trade_no: String,
    pub card_type_id: String,
    /// Drawn from the product's BIN and the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    #[serde(default = "default_email")]
    pub email: String,
    #[serde(default = "default_first_name")]
    pub first_name: String,
    #[serde(default = "default_last_name")]
    pub last_name: String,
    #[serde(default = "default_mobile")]
    pub mobile: String,
    #[serde(default = "one_text")]
    pub mobile_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_recharge_amount: Option<Amount>,
    /// `pre_apply` (waiting for the opening deposit), `reviewing` (default; the
    /// product's knob decides later), `issued`, `refused`, `activated`.
    #[serde(default)]
    pub stage: StageSpec,
}

fn default_email() -> String {
    "applicant@example.com".to_owned()
}
fn default_first_name() -> String {
    "Sandbox".to_owned()
}
fn default_last_name() -> String {
    "Applicant".to_owned()
}
fn default_mobile() -> String {
    "5550100".to_owned()
}
fn one_text() -> String {
    "1".to_owned()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageSpec {
    PreApply,
    #[default]
    Reviewing,
    Issued,
    Refused,
    Activated,
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
    /// 1 default, 2 express (default), 3 binding, 4 billing, 5 online; only express
    /// applications are emulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_type: Option<u8>,
    /// 1 via the API with an ID document, 2 via email, 3 via the API without one (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activate_type: Option<u8>,
    /// 0 API (default), 1 hosted page, 2 email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_detail_obtain_way: Option<u8>,
    /// Applications wait in pre-apply for an opening deposit; default: whether
    /// `min_first_recharge_amount` is above zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need_first_recharge: Option<bool>,
    /// What becomes of applications for this product, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationDecl>,
}

/// The application knob of a card product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationDecl {
    /// `issue` (default), `refuse` (with `fail_code` and `fail_reason`) or `pending`
    /// (the review never ends).
    #[serde(default)]
    pub outcome: OutcomeSpec,
    /// Seconds from a complete application to its outcome (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_seconds: Option<u64>,
    /// Seconds from an activation request (or, for email activation, the issue) to an
    /// activated card (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeSpec {
    #[default]
    Issue,
    Refuse,
    Pending,
}

/// The refusal a `refuse` knob gives when the scenario names none.
const DEFAULT_FAIL_CODE: &str = "REVIEW_REJECTED";
const DEFAULT_FAIL_REASON: &str = "the application did not pass the issuer's review";

fn application_rule(decl: Option<&ApplicationDecl>) -> ApplicationRule {
    let Some(d) = decl else {
        return ApplicationRule::default();
    };
    let defaults = ApplicationRule::default();
    let secs =
        |v: Option<u64>, default: i64| v.map_or(default, |s| i64::try_from(s).unwrap_or(i64::MAX));
    ApplicationRule {
        outcome: match d.outcome {
            OutcomeSpec::Issue => ReviewOutcome::Issue,
            OutcomeSpec::Pending => ReviewOutcome::Pending,
            OutcomeSpec::Refuse => ReviewOutcome::Refuse {
                fail_code: d
                    .fail_code
                    .clone()
                    .unwrap_or_else(|| DEFAULT_FAIL_CODE.to_owned()),
                fail_reason: d
                    .fail_reason
                    .clone()
                    .unwrap_or_else(|| DEFAULT_FAIL_REASON.to_owned()),
            },
        },
        review_seconds: secs(d.review_seconds, defaults.review_seconds),
        activation_seconds: secs(d.activation_seconds, defaults.activation_seconds),
    }
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
        for (name, value, allowed) in [
            ("apply_type", p.apply_type, 1..=5),
            ("activate_type", p.activate_type, 1..=3),
            ("card_detail_obtain_way", p.card_detail_obtain_way, 0..=2),
        ] {
            if let Some(v) = value
                && !allowed.contains(&v)
            {
                return Err(err(
                    format!("{at}.{name}"),
                    format!(
                        "{name} is one of {}..={}, got {v}",
                        allowed.start(),
                        allowed.end()
                    ),
                ));
            }
        }
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
    for (i, a) in section.applications.iter().enumerate() {
        let at = format!("hypercard.applications[{i}]");
        if !ids.contains(&a.card_type_id.as_str()) {
            return Err(err(
                format!("{at}.card_type_id"),
                format!("no card type {:?} in hypercard.card_types", a.card_type_id),
            ));
        }
        if a.mc_trade_no.is_empty() || a.mc_trade_no.chars().count() > 64 {
            return Err(err(
                format!("{at}.mc_trade_no"),
                "an mc_trade_no is 1 to 64 characters".to_owned(),
            ));
        }
    }
    Ok(())
}

fn amount_or(value: Option<Amount>, default: &str) -> Decimal {
    value.map_or_else(|| default.parse().unwrap_or_default(), |a| a.0)
}

/// Settings, merchants and products: everything but money and cards.
pub(crate) fn setup(world: &mut World, section: &HypercardSection) -> Result<(), String> {
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
            apply_type: p.apply_type.unwrap_or(ops::EXPRESS),
            activate_type: p
                .activate_type
                .unwrap_or(ops::activate_type::WITHOUT_DOCUMENT),
            card_detail_obtain_way: p.card_detail_obtain_way.unwrap_or(0),
            need_first_recharge: p.need_first_recharge.unwrap_or_else(|| {
                p.min_first_recharge_amount
                    .is_some_and(|a| a.0 > Decimal::ZERO)
            }),
            application: application_rule(p.application.as_ref()),
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

/// Files the declared applications at `clock.start` and brings each to its stage
/// through the same operations the API and the tenant clock use.
pub(super) fn apply_applications(
    file: &str,
    world: &mut World,
    section: &HypercardSection,
) -> Result<(), ScenarioError> {
    use crate::providers::hypercard::state::card_status;
    for (i, d) in section.applications.iter().enumerate() {
        let at = format!("hypercard.applications[{i}]");
        let fail = |e: String| ScenarioError::new(file, at.clone(), e);
        let index = ops::apply(
            world,
            &ops::ApplyRequest {
                mc_trade_no: d.mc_trade_no.clone(),
                card_type_id: d.card_type_id.clone(),
                email: d.email.clone(),
                first_name: d.first_name.clone(),
                last_name: d.last_name.clone(),
                mobile: d.mobile.clone(),
                mobile_code: d.mobile_code.clone(),
                user_ip: String::new(),
                first_recharge_amount: d.first_recharge_amount.map(|a| a.0),
                card_id: d.card_id.clone(),
            },
        )
        .map_err(|e| fail(e.msg))?;
        let card = world.hypercard.applications[index].card;
        let pre_apply = world.hypercard.cards[card].status == card_status::PRE_APPLY;
        if pre_apply != (d.stage == StageSpec::PreApply) {
            return Err(fail(
                "a card waits in pre_apply exactly when its product has need_first_recharge and the application no first_recharge_amount".to_owned(),
            ));
        }
        match d.stage {
            StageSpec::PreApply | StageSpec::Reviewing => {}
            StageSpec::Issued => ops::issue(world, index).map_err(&fail)?,
            StageSpec::Refused => {
                let product = world.hypercard.cards[card].product;
                let (code, reason) = match &world.hypercard.products[product].application.outcome {
                    ReviewOutcome::Refuse {
                        fail_code,
                        fail_reason,
                    } => (fail_code.clone(), fail_reason.clone()),
                    _ => (DEFAULT_FAIL_CODE.to_owned(), DEFAULT_FAIL_REASON.to_owned()),
                };
                ops::refuse(world, index, &code, &reason).map_err(&fail)?;
            }
            StageSpec::Activated => {
                ops::issue(world, index).map_err(&fail)?;
                ops::complete_activation(world, card);
            }
        }
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
