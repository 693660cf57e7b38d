//! Simulations: what the card network and the bank do to Interlace accounts, driven
//! through `POST /_sandbox/tenants/{t}/simulate/interlace/{event}`:
//!
//! - `card-transaction` `{cardId, type, amount?, currency?, merchantName?, merchantCity?,
//!   merchantCountry?, mcc?, transactionId?}`: `type` is `authorization` (declined when
//!   the card is not active or short of funds), `clearing` (of the authorisation
//!   `transactionId`; its amount may differ, giving business code 1003 or 1005, and may
//!   take the card below zero), `reversal` (of `transactionId`), `refund` or `fee`
//!   (taken even from an empty card);
//! - `fund-account` `{accountId, amount}`: money reaches the account's Infinity
//!   balance, and repays its negatives;
//! - `negative-stat` `{}`: takes the card-negative statistic now (as at 00:00 daily).

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::IlError;
use super::handlers::{negative_view, transaction_view};
use super::negatives;
use super::ops::{self, Merchant};
use super::state::StatIdx;
use super::wire::{self, AccountNegativeView, TransactionView};
use crate::money::Currency;
use crate::tenant::World;

pub const EVENTS: [&str; 6] = [
    "card-transaction",
    "fund-account",
    "negative-stat",
    "deposit",
    "transfer-outcome",
    "legal-entity-status",
];

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Simulated {
    Transaction {
        transaction: Box<TransactionView>,
        /// Why an authorisation was declined; `null` when it went through.
        declined: Option<String>,
        /// The card's balance after it.
        balance: String,
    },
    Funded {
        available: String,
        repaid: bool,
    },
    Stats {
        statistics: Vec<AccountNegativeView>,
    },
    /// A global-account simulation's answer (a transaction or a legal entity).
    Global(Value),
}

pub fn run(
    world: &mut World,
    event: &str,
    body: &Map<String, Value>,
) -> Option<Result<Simulated, IlError>> {
    Some(match event {
        "card-transaction" => card_transaction(world, body),
        "fund-account" => fund_account(world, body),
        "negative-stat" => {
            let before = world.interlace.stats.len();
            negatives::take_stats(world);
            Ok(Simulated::Stats {
                statistics: (before..world.interlace.stats.len())
                    .map(|i| negative_view(world, StatIdx(i)))
                    .collect(),
            })
        }
        other => {
            return super::global::simulate::run(world, other, body)
                .map(|r| r.map(Simulated::Global));
        }
    })
}

/// Converts a transaction amount to USD billing with fixed reference rates.
fn billing(amount: Decimal, currency: &str) -> Result<Decimal, IlError> {
    let rate = match currency {
        "USD" => Decimal::ONE,
        "EUR" => Decimal::new(10850, 4),
        "GBP" => Decimal::new(12700, 4),
        "HKD" => Decimal::new(1280, 4),
        "SGD" => Decimal::new(7400, 4),
        "JPY" => Decimal::new(67, 4),
        other => {
            return Err(IlError::param(format!(
                "currency {other:?} is not supported; use USD, EUR, GBP, HKD, SGD or JPY"
            )));
        }
    };
    Ok((amount * rate).round_dp(2))
}

fn card_transaction(world: &mut World, body: &Map<String, Value>) -> Result<Simulated, IlError> {
    let kind = wire::req_str(body, "type")?;
    let currency = wire::opt_str(body, "currency")?
        .unwrap_or("USD")
        .to_ascii_uppercase();
    Currency::parse(&currency)
        .map_err(|_| IlError::param(format!("currency {currency:?} is not known")))?;
    let merchant = Merchant {
        name: wire::opt_str(body, "merchantName")?
            .unwrap_or("SANDBOX MERCHANT")
            .to_owned(),
        city: wire::opt_str(body, "merchantCity")?
            .unwrap_or("SAN FRANCISCO")
            .to_owned(),
        country: wire::opt_str(body, "merchantCountry")?
            .unwrap_or("USA")
            .to_owned(),
        mcc: wire::opt_str(body, "mcc")?.unwrap_or("5999").to_owned(),
    };
    let index = match kind {
        "authorization" | "refund" | "fee" => {
            let card_id = wire::req_str(body, "cardId")?;
            let amount = wire::req_amount(body, "amount")?;
            let usd = billing(amount, &currency)?;
            match kind {
                "authorization" => {
                    ops::authorization(world, card_id, amount, &currency, usd, &merchant)?
                }
                "refund" => ops::refund(world, card_id, amount, &currency, usd, &merchant)?,
                _ => ops::fee(world, card_id, usd)?,
            }
        }
        "clearing" => {
            let auth = wire::req_str(body, "transactionId")?;
            let amount = wire::opt_amount(body, "amount")?;
            let usd = amount.map(|a| billing(a, &currency)).transpose()?;
            ops::clearing(world, auth, usd)?
        }
        "reversal" => ops::reversal(world, wire::req_str(body, "transactionId")?)?,
        other => {
            return Err(IlError::param(format!(
                "type must be authorization, clearing, reversal, refund or fee, got {other:?}"
            )));
        }
    };
    let tx = &world.interlace.transactions[index];
    Ok(Simulated::Transaction {
        transaction: Box::new(transaction_view(world, tx)),
        declined: tx.decline_reason.clone(),
        balance: wire::money(ops::card_balance(world, tx.card)),
    })
}

fn fund_account(world: &mut World, body: &Map<String, Value>) -> Result<Simulated, IlError> {
    let account = ops::account(world, wire::req_str(body, "accountId")?)?;
    let amount = wire::req_amount(body, "amount")?;
    let repayments = world.interlace.repayments.len();
    ops::fund_account(world, account, amount)?;
    let infinity = world.interlace.accounts[account].infinity;
    Ok(Simulated::Funded {
        available: wire::money(world.ledger.balance(infinity)?.available),
        repaid: world.interlace.repayments.len() > repayments,
    })
}
