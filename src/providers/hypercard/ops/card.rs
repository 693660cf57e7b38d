//! A card's life: opening (with its opening balance), the merchant's float, and card
//! operations (freeze, unfreeze, cancel with its refund; the others recorded).

use rust_decimal::Decimal;

use super::*;
use crate::ledger::{AccountKind, AccountSpec, EntryDraft, Metadata};
use crate::money::Currency;
use crate::providers::hypercard::error::{Code, HcError};
use crate::providers::hypercard::state::{
    Card, Detail, Operation, Record, card_status, op_type, tx_status,
};
use crate::tenant::World;

/// Opens a card of `product` with an opening balance, as a scenario declares it.
pub(crate) fn open_card(
    world: &mut World,
    product: ProductIdx,
    card_id: Option<String>,
    balance: Decimal,
) -> Result<CardIdx, HcError> {
    new_card(world, product, card_id, balance, card_status::ACTIVATED)
}

/// Opens a card's ledger account and record in `status` (an application's card starts
/// in pre-apply or under review, with nothing on it).
pub(super) fn new_card(
    world: &mut World,
    product: ProductIdx,
    card_id: Option<String>,
    balance: Decimal,
    status: u8,
) -> Result<CardIdx, HcError> {
    let product_ref = world
        .hypercard
        .products
        .get(product.0)
        .ok_or_else(|| HcError::param("no such card product"))?;
    let (bin, coin) = (product_ref.bin.clone(), product_ref.card_coin);
    // An id, not a number: 19 digits opening with 8 (no card scheme's leading digit
    // here), unrelated to the masked number's last four (see quirks.rs).
    let card_id = match card_id {
        Some(id) => id,
        None => loop {
            let id = format!("8{}", world.ids.numeric(18));
            if world.hypercard.card_by_id(&id).is_none() {
                break id;
            }
        },
    };
    if world.hypercard.card_by_id(&card_id).is_some() {
        return Err(HcError::param(format!("card {card_id} exists already")));
    }
    let last4 = world.ids.numeric(4);
    let card_number = format!("{bin}******{last4}");
    let now = world.now();
    let account = world
        .ledger
        .open_account(AccountSpec {
            key: format!("hypercard:card:{card_id}"),
            kind: AccountKind::Card,
            currency: coin,
            allow_negative: false,
            opened_at: now,
            metadata: Metadata::new(),
        })
        .map_err(HcError::from)?;
    if balance > Decimal::ZERO {
        let opening = account_for_opening(world, coin);
        world.ledger.post(
            EntryDraft::transfer(now, "opening_balance", opening, account, balance)
                .with_metadata("hypercard.card_id", card_id.clone()),
        )?;
    }
    let index = CardIdx(world.hypercard.cards.len());
    world.hypercard.card_index.insert(card_id.clone(), index);
    world.hypercard.cards.push(Card {
        card_id,
        product,
        card_number,
        status,
        account,
        opened_at: now,
    });
    Ok(index)
}

fn account_for_opening(world: &mut World, currency: Currency) -> AccountId {
    let now = world.now();
    account(
        &mut world.ledger,
        format!("opening:{}", currency.code()),
        AccountKind::External,
        currency,
        now,
    )
}

/// Credits the merchant's balance in `coin` from outside (a scenario's opening float).
pub(crate) fn fund_merchant(
    world: &mut World,
    coin: Currency,
    amount: Decimal,
) -> Result<(), HcError> {
    positive(amount, "amount")?;
    let merchant = merchant_account(world, coin);
    let opening = account_for_opening(world, coin);
    let now = world.now();
    world.ledger.post(EntryDraft::transfer(
        now,
        "opening_balance",
        opening,
        merchant,
        amount,
    ))?;
    Ok(())
}

/// Carries out a card operation (freeze, unfreeze, cancel; report loss, reset
/// password, reissue and resend PIN are recorded without changing the card).
pub(crate) fn operate(
    world: &mut World,
    card_id: &str,
    request_number: &str,
    kind: u8,
) -> Result<OperationIdx, HcError> {
    let card = card(world, card_id)?;
    if !op_type::ALL.contains(&kind) {
        return Err(HcError::param(format!(
            "type must be one of 1, 2, 3, 4, 5, 6, 9, got {kind}"
        )));
    }
    if world
        .hypercard
        .operations
        .iter()
        .any(|o| o.request_number == request_number)
    {
        return Err(HcError::new(
            Code::A0005,
            format!("request_number {request_number} was used before"),
        ));
    }
    let status = world.hypercard.cards[card].status;
    match (kind, status) {
        (_, card_status::CANCELLED) => {
            return Err(HcError::new(Code::A0000, "the card is cancelled"));
        }
        (op_type::FREEZE, card_status::FROZEN) => {
            return Err(HcError::new(Code::A0000, "the card is frozen already"));
        }
        (op_type::UNFREEZE, s) if s != card_status::FROZEN => {
            return Err(HcError::new(Code::A0000, "the card is not frozen"));
        }
        _ => {}
    }
    match kind {
        op_type::FREEZE => world.hypercard.cards[card].status = card_status::FROZEN,
        op_type::UNFREEZE => world.hypercard.cards[card].status = card_status::ACTIVATED,
        op_type::CANCEL => cancel(world, card)?,
        _ => {}
    }
    let new_status = world.hypercard.cards[card].status;
    if new_status != status {
        let card_id = world.hypercard.cards[card].card_id.clone();
        crate::providers::hypercard::webhooks::card_status_change(
            world, &card_id, status, new_status,
        );
    }
    let at = world.now();
    world.hypercard.operations.push(Operation {
        card,
        request_number: request_number.to_owned(),
        op_type: kind,
        operate_status: 1,
        at,
    });
    let card_id = world.hypercard.cards[card].card_id.clone();
    crate::providers::hypercard::webhooks::operation(world, &card_id, request_number, kind);
    Ok(OperationIdx(world.hypercard.operations.len() - 1))
}

/// Cancels a card: what is left on it, less the product's cancellation fee, goes back
/// to the merchant's balance in the card currency (a business type 102 record).
fn cancel(world: &mut World, card: CardIdx) -> Result<(), HcError> {
    let account = world.hypercard.cards[card].account;
    let currency = card_currency(world, card);
    let left = world.ledger.balance(account)?.available;
    let fee = product_of(world, card)
        .cancel_fee
        .min(left.max(Decimal::ZERO));
    let tx_id = new_tx_id(world);
    let now = world.now();
    let entry = if left > Decimal::ZERO {
        let merchant = merchant_account(world, currency);
        let fees = system_account(world, "fees", currency);
        Some(post(
            world,
            "hypercard.cancel",
            &tx_id,
            &[(account, -left), (merchant, left - fee), (fees, fee)],
        )?)
    } else {
        None
    };
    world.hypercard.cards[card].status = card_status::CANCELLED;
    push_record(
        world,
        Record {
            tx_id,
            card: Some(card),
            time: now,
            status: tx_status::SUCCESS,
            entry,
            detail: Detail::Cancel {
                tx_amount: left.max(Decimal::ZERO),
                card_coin: currency,
                refund_amount: (left - fee).max(Decimal::ZERO),
                fee,
            },
        },
    );
    Ok(())
}
