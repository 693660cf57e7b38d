//! Card transactions: authorisations (holds, or declines), clearings (possibly above
//! or below the authorisation, possibly taking the card negative), reversals, refunds
//! and fees.

use rust_decimal::Decimal;

use super::*;
use crate::ledger::{EntryDraft, HoldDraft, Metadata};
use crate::providers::interlace::error::{Code, IlError};
use crate::providers::interlace::state::{Transaction, card_status};
use crate::tenant::World;

/// Merchant details of a card transaction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Merchant {
    pub name: String,
    pub city: String,
    pub country: String,
    pub mcc: String,
}

fn record(world: &mut World, tx: Transaction) -> TxIdx {
    world.interlace.transactions.push(tx);
    let index = TxIdx(world.interlace.transactions.len() - 1);
    crate::providers::interlace::webhooks::card_transaction_created(world, index);
    index
}

fn blank(
    world: &mut World,
    card: CardIdx,
    kind: &str,
    amount: Decimal,
    currency: &str,
    billing: Decimal,
    merchant: &Merchant,
) -> Transaction {
    Transaction {
        id: world.ids.uuid(),
        card,
        time: world.now(),
        kind: kind.to_owned(),
        status: "CLOSED".to_owned(),
        transaction_amount: amount,
        transaction_currency: currency.to_owned(),
        billing_amount: billing,
        merchant_name: merchant.name.clone(),
        merchant_city: merchant.city.clone(),
        merchant_country: merchant.country.clone(),
        mcc: merchant.mcc.clone(),
        business_code: None,
        authorization: None,
        hold: None,
        entry: None,
        decline_reason: None,
    }
}

/// An authorisation: holds the amount on the card, or is declined (recorded `FAIL`)
/// when the card is not active or short of funds.
pub(crate) fn authorization(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: &str,
    billing: Decimal,
    merchant: &Merchant,
) -> Result<TxIdx, IlError> {
    let card = card(world, card_id)?;
    let mut tx = blank(
        world,
        card,
        "authorization",
        amount,
        currency,
        billing,
        merchant,
    );
    let ledger = world.interlace.cards[card].ledger;
    let available = world.ledger.balance(ledger)?.available;
    let decline = if world.interlace.cards[card].status != card_status::ACTIVE {
        Some(format!("card is {}", world.interlace.cards[card].status))
    } else if available < billing {
        Some(format!(
            "insufficient funds: {} needed, {} available",
            crate::providers::interlace::wire::money(billing),
            crate::providers::interlace::wire::money(available.max(Decimal::ZERO))
        ))
    } else {
        None
    };
    match decline {
        Some(reason) => {
            tx.status = "FAIL".to_owned();
            tx.decline_reason = Some(reason);
        }
        None => {
            let hold = world.ledger.place_hold(HoldDraft {
                account: ledger,
                amount: billing,
                placed_at: tx.time,
                expires_at: None,
                metadata: Metadata::from([("interlace.transaction_id", tx.id.clone())]),
            })?;
            tx.status = "PENDING".to_owned();
            tx.hold = Some(hold);
        }
    }
    Ok(record(world, tx))
}

fn pending_authorization(world: &World, authorization_id: &str) -> Result<TxIdx, IlError> {
    // From the end: an authorisation is cleared or reversed soon after it is made.
    let index = world
        .interlace
        .transactions
        .rposition(|t| t.id == authorization_id)
        .map(TxIdx)
        .ok_or_else(|| IlError::not_found(format!("no transaction {authorization_id}")))?;
    let tx = &world.interlace.transactions[index];
    if tx.kind != "authorization" || tx.status != "PENDING" {
        return Err(IlError::new(
            Code::NotAllowed,
            format!("transaction {authorization_id} is not a pending authorisation"),
        ));
    }
    Ok(index)
}

/// Clears an authorisation for `amount` (which may differ: business code 1003 above,
/// 1005 below). Never declined: a clearing above the balance takes the card negative.
pub(crate) fn clearing(
    world: &mut World,
    authorization_id: &str,
    amount: Option<Decimal>,
) -> Result<TxIdx, IlError> {
    let auth_index = pending_authorization(world, authorization_id)?;
    let auth = world.interlace.transactions[auth_index].clone();
    let billing = amount.unwrap_or(auth.billing_amount);
    let merchant = Merchant {
        name: auth.merchant_name.clone(),
        city: auth.merchant_city.clone(),
        country: auth.merchant_country.clone(),
        mcc: auth.mcc.clone(),
    };
    let ratio = if auth.billing_amount.is_zero() {
        Decimal::ONE
    } else {
        billing / auth.billing_amount
    };
    let tx_amount = (auth.transaction_amount * ratio).round_dp(2);
    let mut tx = blank(
        world,
        auth.card,
        "clearing",
        tx_amount,
        &auth.transaction_currency,
        billing,
        &merchant,
    );
    tx.authorization = Some(auth.id.clone());
    tx.business_code = match billing.cmp(&auth.billing_amount) {
        std::cmp::Ordering::Greater => Some("1003".to_owned()),
        std::cmp::Ordering::Less => Some("1005".to_owned()),
        std::cmp::Ordering::Equal => None,
    };
    let ledger = world.interlace.cards[auth.card].ledger;
    let network = system(world, "network");
    let hold = auth
        .hold
        .ok_or_else(|| IlError::new(Code::Internal, "a pending authorisation holds money"))?;
    let entry = world.ledger.capture_hold(
        hold,
        EntryDraft::transfer(tx.time, "interlace.clearing", ledger, network, billing)
            .with_metadata("interlace.transaction_id", tx.id.clone()),
    )?;
    tx.entry = Some(entry);
    world.interlace.transactions[auth_index].status = "CLOSED".to_owned();
    crate::providers::interlace::webhooks::card_transaction_updated(world, auth_index);
    let index = record(world, tx);
    track_negative(world, auth.card);
    Ok(index)
}

/// Reverses a pending authorisation: the hold is let go.
pub(crate) fn reversal(world: &mut World, authorization_id: &str) -> Result<TxIdx, IlError> {
    let auth_index = pending_authorization(world, authorization_id)?;
    let auth = world.interlace.transactions[auth_index].clone();
    let merchant = Merchant {
        name: auth.merchant_name.clone(),
        city: auth.merchant_city.clone(),
        country: auth.merchant_country.clone(),
        mcc: auth.mcc.clone(),
    };
    let mut tx = blank(
        world,
        auth.card,
        "reversal",
        auth.transaction_amount,
        &auth.transaction_currency,
        auth.billing_amount,
        &merchant,
    );
    tx.authorization = Some(auth.id.clone());
    if let Some(hold) = auth.hold {
        world.ledger.release_hold(hold, tx.time)?;
    }
    world.interlace.transactions[auth_index].status = "CLOSED".to_owned();
    crate::providers::interlace::webhooks::card_transaction_updated(world, auth_index);
    Ok(record(world, tx))
}

/// A merchant refund onto the card.
pub(crate) fn refund(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: &str,
    billing: Decimal,
    merchant: &Merchant,
) -> Result<TxIdx, IlError> {
    let card = card(world, card_id)?;
    let mut tx = blank(world, card, "refund", amount, currency, billing, merchant);
    let ledger = world.interlace.cards[card].ledger;
    let network = system(world, "network");
    tx.entry = Some(
        world.ledger.post(
            EntryDraft::transfer(tx.time, "interlace.refund", network, ledger, billing)
                .with_metadata("interlace.transaction_id", tx.id.clone()),
        )?,
    );
    let index = record(world, tx);
    track_negative(world, card);
    Ok(index)
}

/// A card fee: taken even from an empty card, which then goes negative.
pub(crate) fn fee(world: &mut World, card_id: &str, amount: Decimal) -> Result<TxIdx, IlError> {
    let card = card(world, card_id)?;
    let merchant = Merchant {
        name: "INTERLACE CARD FEE".to_owned(),
        ..Merchant::default()
    };
    let mut tx = blank(world, card, "fee", amount, "USD", amount, &merchant);
    let ledger = world.interlace.cards[card].ledger;
    let fees = system(world, "fees");
    tx.entry = Some(
        world.ledger.post(
            EntryDraft::transfer(tx.time, "interlace.fee", ledger, fees, amount)
                .with_metadata("interlace.transaction_id", tx.id.clone()),
        )?,
    );
    let index = record(world, tx);
    track_negative(world, card);
    Ok(index)
}
