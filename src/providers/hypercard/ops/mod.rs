//! HyperCard's operations on a tenant's world: each checks its inputs, then changes the
//! ledger and HyperCard's records together, so a record exists exactly when the money
//! it describes has moved. Used by the HTTP handlers, the simulations and the scenario
//! builder alike.
//!
//! Ledger accounts (keys): `hypercard:card:<card_id>` per card;
//! `hypercard:merchant:<COIN>` the merchant's balance per coin or currency;
//! `hypercard:network:<CUR>` the card network (where spending goes, refunds come
//! from); `hypercard:fees:<CUR>` fees earned; `hypercard:fx:<CUR>` conversion clearing.

mod apply;
mod card;
mod recharge;
mod spend;

use rust_decimal::Decimal;

use super::error::{Code, HcError};
pub(crate) use super::state::{
    ApplicationIdx, CardIdx, OperationIdx, ProductIdx, RechargeIdx, RecordIdx,
};
use super::state::{Product, Record, Settings};
use crate::clock::Timestamp;
use crate::ledger::{
    AccountId, AccountKind, AccountSpec, EntryDraft, EntryId, Ledger, Leg, Metadata,
};
use crate::money::Currency;
use crate::tenant::World;

pub(crate) use apply::{
    ACTIVATION_DONE, APPLICATION_REVIEW, ApplyRequest, EXPRESS, activate, activate_type, apply,
    complete_activation, finish_activation, issue, refuse, review_application,
};
pub(crate) use card::{fund_merchant, open_card, operate};
pub(crate) use recharge::{Quote, quote, recharge, settle_recharge};
pub(crate) use spend::{buy_coin, consume, fee, refund, withdraw};

/// Event kind: settle a pending recharge. Data: `recharge` (index).
pub(crate) const RECHARGE_SETTLE: &str = "hypercard.recharge_settle";

/// Offset of GMT+8, HyperCard's documented time zone, in seconds.
pub(crate) const GMT8: i32 = 8 * 3600;

pub(crate) fn settings(world: &World) -> Result<&Settings, HcError> {
    world.hypercard.settings.as_ref().ok_or_else(|| {
        HcError::new(
            Code::A0001,
            "this tenant's scenario has no hypercard section",
        )
    })
}

/// Converts `amount` of `from` into `to` with the tenant's USD rates, rounded to `to`.
pub(crate) fn convert(
    settings: &Settings,
    amount: Decimal,
    from: Currency,
    to: Currency,
) -> Result<Decimal, HcError> {
    if from == to {
        return Ok(to.round(amount));
    }
    let from_rate = usd_rate(settings, from)?;
    let to_rate = usd_rate(settings, to)?;
    Ok(to.round(amount * from_rate / to_rate))
}

pub(crate) fn usd_rate(settings: &Settings, currency: Currency) -> Result<Decimal, HcError> {
    settings
        .usd_rates
        .get(&currency.code().to_ascii_lowercase())
        .copied()
        .ok_or_else(|| {
            HcError::param(format!(
                "{} is not supported; supported: {}",
                currency.code().to_ascii_lowercase(),
                settings
                    .usd_rates
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// The ledger account with `key`, opened on first use.
fn account(
    ledger: &mut Ledger,
    key: String,
    kind: AccountKind,
    currency: Currency,
    at: Timestamp,
) -> AccountId {
    ledger.open_or_get(AccountSpec {
        key,
        kind,
        currency,
        allow_negative: kind.negative_by_default(),
        opened_at: at,
        metadata: Metadata::new(),
    })
}

pub(crate) fn merchant_account(world: &mut World, coin: Currency) -> AccountId {
    let now = world.now();
    account(
        &mut world.ledger,
        format!("hypercard:merchant:{}", coin.code()),
        AccountKind::Wallet,
        coin,
        now,
    )
}

fn system_account(world: &mut World, role: &str, currency: Currency) -> AccountId {
    let kind = match role {
        "network" => AccountKind::External,
        "fees" => AccountKind::Fee,
        _ => AccountKind::Clearing,
    };
    let now = world.now();
    account(
        &mut world.ledger,
        format!("hypercard:{role}:{}", currency.code()),
        kind,
        currency,
        now,
    )
}

/// A transaction id: `yyyyMMddHHmmss` in GMT+8 plus 10 seeded digits (24 digits, like
/// the documentation's examples).
pub(crate) fn new_tx_id(world: &mut World) -> String {
    let dt = world
        .now()
        .to_datetime()
        .to_offset(time::UtcOffset::from_whole_seconds(GMT8).unwrap_or(time::UtcOffset::UTC));
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}{}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        world.ids.numeric(10)
    )
}

fn push_record(world: &mut World, record: Record) -> RecordIdx {
    let index = world.hypercard.add_record(record);
    crate::providers::hypercard::webhooks::record(world, index);
    index
}

/// Posts the money movement behind the record `tx_id`; zero legs are left out.
fn post(
    world: &mut World,
    kind: &str,
    tx_id: &str,
    legs: &[(AccountId, Decimal)],
) -> Result<EntryId, HcError> {
    let legs = legs
        .iter()
        .filter(|(_, amount)| !amount.is_zero())
        .map(|&(account, amount)| Leg { account, amount })
        .collect();
    let time = world.now();
    Ok(world.ledger.post(EntryDraft {
        time,
        kind: kind.to_owned(),
        legs,
        metadata: Metadata::from([("hypercard.tx_id", tx_id.to_owned())]),
    })?)
}

fn card(world: &World, card_id: &str) -> Result<CardIdx, HcError> {
    world
        .hypercard
        .card_by_id(card_id)
        .ok_or_else(|| HcError::card_not_found(card_id))
}

fn product_of(world: &World, card: CardIdx) -> &Product {
    &world.hypercard.products[world.hypercard.cards[card].product]
}

fn card_currency(world: &World, card: CardIdx) -> Currency {
    product_of(world, card).card_coin
}

fn positive(amount: Decimal, field: &str) -> Result<(), HcError> {
    if amount <= Decimal::ZERO {
        return Err(HcError::param(format!(
            "{field} must be greater than 0, got {amount}"
        )));
    }
    Ok(())
}

/// Remembers a nonce for ten minutes; false when it was seen within that time.
pub(crate) fn remember_nonce(world: &mut World, api_key: &str, nonce: &str) -> bool {
    let now = world.now();
    let wall = world.clock.auth_wall_now();
    world.hypercard.remember_nonce(api_key, nonce, now, wall)
}
