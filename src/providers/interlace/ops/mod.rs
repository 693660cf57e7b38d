//! Interlace's operations on a tenant's world: OAuth codes and tokens, accounts and
//! their funding, cards and transfers, and card transactions. Each checks its inputs,
//! then changes the ledger and the records together.
//!
//! Ledger accounts (keys): `interlace:infinity:<accountId>` (never below zero),
//! `interlace:budget:<accountId>` and `interlace:card:<cardId>` (a clearing or a fee may
//! take them below zero), `interlace:network:USD` (merchants), `interlace:external:USD`
//! (deposits), `interlace:fees:USD`.

mod accounts;
mod auth;
mod transactions;

use rust_decimal::Decimal;

use super::error::IlError;
pub(crate) use super::state::{AccountIdx, CardIdx, TxIdx};
use crate::clock::Timestamp;
use crate::ledger::{AccountId, AccountKind, AccountSpec, Metadata};
use crate::money::Currency;
use crate::tenant::World;

pub(crate) use accounts::{add_account, create_card, fund_account, fund_budget, transfer};
pub(crate) use auth::{access_token, authorize, check_token, refresh};
pub(crate) use transactions::{Merchant, authorization, clearing, fee, refund, reversal};

/// Lifetime of an authorisation code: 5 minutes.
pub(crate) const CODE_SECONDS: i64 = 300;
/// Lifetime of an access token: `expiresIn` 86400.
pub(crate) const TOKEN_SECONDS: i64 = 86_400;

pub(crate) fn enabled(world: &World) -> Result<(), IlError> {
    if world.interlace.enabled {
        Ok(())
    } else {
        Err(IlError::unauthorized(
            "this tenant's scenario has no interlace section",
        ))
    }
}

fn open(world: &mut World, key: String, kind: AccountKind, negative: bool) -> AccountId {
    let now = world.now();
    world.ledger.open_or_get(AccountSpec {
        key,
        kind,
        currency: Currency::USD,
        allow_negative: negative,
        opened_at: now,
        metadata: Metadata::new(),
    })
}

fn system(world: &mut World, role: &str) -> AccountId {
    let kind = if role == "fees" {
        AccountKind::Fee
    } else {
        AccountKind::External
    };
    open(world, format!("interlace:{role}:USD"), kind, true)
}

pub(crate) fn account(world: &World, account_id: &str) -> Result<AccountIdx, IlError> {
    world
        .interlace
        .account_index(account_id)
        .ok_or_else(|| IlError::not_found(format!("no account {account_id}")))
}

pub(crate) fn card(world: &World, card_id: &str) -> Result<CardIdx, IlError> {
    world
        .interlace
        .card_index(card_id)
        .ok_or_else(|| IlError::not_found(format!("no card {card_id}")))
}

/// Keeps a card's `negative_since` in step with its balance.
pub(crate) fn track_negative(world: &mut World, card: CardIdx) {
    let ledger = world.interlace.cards[card].ledger;
    let negative = world
        .ledger
        .balance(ledger)
        .map(|b| b.posted < Decimal::ZERO)
        .unwrap_or(false);
    let now = world.now();
    let since = &mut world.interlace.cards[card].negative_since;
    match (negative, *since) {
        (true, None) => *since = Some(now),
        (false, Some(_)) => *since = None,
        _ => {}
    }
}

/// A card's balance as the API shows it (its own, or its budget's).
pub(crate) fn card_balance(world: &World, card: CardIdx) -> Decimal {
    let ledger = world.interlace.cards[card].ledger;
    world
        .ledger
        .balance(ledger)
        .map(|b| b.available)
        .unwrap_or_default()
}

/// Midnight (UTC) after `t`: when the next daily statistic is taken.
pub(crate) fn next_midnight(t: Timestamp) -> Timestamp {
    Timestamp::from_secs((t.as_secs().div_euclid(86_400) + 1) * 86_400)
}
