//! What a card spends and gets back: consumptions (declined ones recorded too), refunds,
//! handling fees, withdrawals and coin purchases.

use rust_decimal::Decimal;

use super::*;
use crate::money::Currency;
use crate::providers::hypercard::error::{Code, HcError};
use crate::providers::hypercard::state::{Detail, Record, card_status, tx_status};
use crate::tenant::World;

/// A card spends `amount` of `currency` at a merchant. Declined consumptions are
/// recorded too (status 2, nothing moved) and returned as `Ok` with the reason.
pub(crate) fn consume(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: Currency,
    mcc: &str,
    description: &str,
) -> Result<RecordIdx, HcError> {
    let card = card(world, card_id)?;
    positive(amount, "amount")?;
    let deduction_currency = card_currency(world, card);
    let deduction = convert(settings(world)?, amount, currency, deduction_currency)?;
    let tx_amount = currency.round(amount);
    let status = world.hypercard.cards[card].status;
    let account = world.hypercard.cards[card].account;
    let available = world.ledger.balance(account)?.available;
    let decline = match status {
        card_status::FROZEN => Some("card is frozen".to_owned()),
        card_status::CANCELLED => Some("card is cancelled".to_owned()),
        card_status::ACTIVATED if available < deduction => Some(format!(
            "insufficient funds: {} {code} needed, {} {code} available",
            crate::money::format_fixed(deduction, deduction_currency.scale()),
            crate::money::format_fixed(available, deduction_currency.scale()),
            code = deduction_currency.code().to_ascii_lowercase()
        )),
        card_status::ACTIVATED => None,
        other => Some(format!("card status {other} does not allow spending")),
    };
    let tx_id = new_tx_id(world);
    let now = world.now();
    let entry = if decline.is_none() {
        let network = system_account(world, "network", deduction_currency);
        Some(post(
            world,
            "hypercard.consume",
            &tx_id,
            &[(account, -deduction), (network, deduction)],
        )?)
    } else {
        None
    };
    Ok(push_record(
        world,
        Record {
            tx_id,
            card: Some(card),
            time: now,
            status: if entry.is_some() {
                tx_status::SUCCESS
            } else {
                tx_status::FAILED
            },
            entry,
            detail: Detail::Consumption {
                tx_currency: currency,
                tx_amount,
                deduction_currency,
                deduction_amount: if entry.is_some() {
                    deduction
                } else {
                    Decimal::ZERO
                },
                fee: Decimal::ZERO,
                mcc: mcc.to_owned(),
                description: description.to_owned(),
                refunded: Decimal::ZERO,
                decline_reason: decline,
            },
        },
    ))
}

/// The consumption record named by `tx_id`, checked to be a successful one.
fn consumption(world: &World, tx_id: &str) -> Result<RecordIdx, HcError> {
    let index = world
        .hypercard
        .record_by_tx_id(tx_id)
        .ok_or_else(|| HcError::param(format!("no transaction {tx_id}")))?;
    let record = &world.hypercard.records[index];
    match record.detail {
        Detail::Consumption { .. } if record.status == tx_status::SUCCESS => Ok(index),
        Detail::Consumption { .. } => Err(HcError::new(
            Code::A0000,
            format!(
                "transaction {tx_id} failed; only successful consumptions can be refunded or charged a fee"
            ),
        )),
        _ => Err(HcError::param(format!(
            "transaction {tx_id} is not a consumption"
        ))),
    }
}

/// Refunds part or all of a consumption to its card (never more than was spent).
pub(crate) fn refund(
    world: &mut World,
    consume_tx_id: &str,
    amount: Option<Decimal>,
    description: &str,
) -> Result<RecordIdx, HcError> {
    let index = consumption(world, consume_tx_id)?;
    let record = world.hypercard.records[index].clone();
    let Detail::Consumption {
        tx_currency,
        tx_amount,
        deduction_currency,
        deduction_amount,
        refunded,
        ..
    } = record.detail
    else {
        unreachable!("consumption() returns consumptions only");
    };
    let left = deduction_amount - refunded;
    let amount = amount.unwrap_or(left);
    positive(amount, "amount")?;
    if amount > left {
        return Err(HcError::param(format!(
            "refund of {amount} exceeds the {left} {} left to refund on {consume_tx_id}",
            deduction_currency.code().to_ascii_lowercase()
        )));
    }
    let card = record.card.expect("consumptions belong to a card");
    let account = world.hypercard.cards[card].account;
    let network = system_account(world, "network", deduction_currency);
    let tx_id = new_tx_id(world);
    let now = world.now();
    let entry = post(
        world,
        "hypercard.refund",
        &tx_id,
        &[(network, -amount), (account, amount)],
    )?;
    if let Detail::Consumption { refunded, .. } = &mut world.hypercard.records[index].detail {
        *refunded += amount;
    }
    Ok(push_record(
        world,
        Record {
            tx_id,
            card: Some(card),
            time: now,
            status: tx_status::SUCCESS,
            entry: Some(entry),
            detail: Detail::Refund {
                tx_currency,
                tx_amount,
                refund_coin: deduction_currency,
                refund_amount: amount,
                consume_tx_id: consume_tx_id.to_owned(),
                description: description.to_owned(),
            },
        },
    ))
}

/// Charges the product's handling fee for a consumption to the card.
pub(crate) fn fee(
    world: &mut World,
    consume_tx_id: &str,
    amount: Option<Decimal>,
) -> Result<RecordIdx, HcError> {
    let index = consumption(world, consume_tx_id)?;
    let card = world.hypercard.records[index]
        .card
        .expect("consumptions belong to a card");
    let product = product_of(world, card);
    let standard = product.consumption_fee;
    let currency = product.card_coin;
    let amount = amount.unwrap_or(standard);
    positive(amount, "amount")?;
    let account = world.hypercard.cards[card].account;
    let fees = system_account(world, "fees", currency);
    let tx_id = new_tx_id(world);
    let now = world.now();
    let entry = post(
        world,
        "hypercard.fee",
        &tx_id,
        &[(account, -amount), (fees, amount)],
    )?;
    let dt = now
        .to_datetime()
        .to_offset(time::UtcOffset::from_whole_seconds(GMT8).unwrap_or(time::UtcOffset::UTC));
    let bill_cycle = format!("{:04}-{:02}-01", dt.year(), u8::from(dt.month()));
    Ok(push_record(
        world,
        Record {
            tx_id,
            card: Some(card),
            time: now,
            status: tx_status::SUCCESS,
            entry: Some(entry),
            detail: Detail::Fee {
                amount,
                currency,
                consume_tx_id: consume_tx_id.to_owned(),
                bill_cycle,
                service_fee_standard: standard,
                description: "Consumption service fee".to_owned(),
            },
        },
    ))
}

/// A cash withdrawal of `amount` in `currency`; the card pays the converted amount and
/// the product's bank fee.
pub(crate) fn withdraw(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: Currency,
    description: &str,
) -> Result<RecordIdx, HcError> {
    let card = card(world, card_id)?;
    positive(amount, "amount")?;
    spendable(world, card)?;
    let trade_currency = card_currency(world, card);
    let trade_amount = convert(settings(world)?, amount, currency, trade_currency)?;
    let bank_fee = product_of(world, card).withdrawal_fee;
    let account = world.hypercard.cards[card].account;
    let network = system_account(world, "network", trade_currency);
    let fees = system_account(world, "fees", trade_currency);
    let tx_id = new_tx_id(world);
    let now = world.now();
    let entry = post(
        world,
        "hypercard.withdrawal",
        &tx_id,
        &[
            (account, -(trade_amount + bank_fee)),
            (network, trade_amount),
            (fees, bank_fee),
        ],
    )?;
    Ok(push_record(
        world,
        Record {
            tx_id,
            card: Some(card),
            time: now,
            status: tx_status::SUCCESS,
            entry: Some(entry),
            detail: Detail::Withdrawal {
                tx_currency: currency,
                tx_amount: currency.round(amount),
                trade_currency,
                trade_amount,
                bank_fee,
                description: description.to_owned(),
            },
        },
    ))
}

fn spendable(world: &World, card: CardIdx) -> Result<(), HcError> {
    match world.hypercard.cards[card].status {
        card_status::ACTIVATED => Ok(()),
        card_status::FROZEN => Err(HcError::new(Code::A0000, "the card is frozen")),
        card_status::CANCELLED => Err(HcError::new(Code::A0000, "the card is cancelled")),
        other => Err(HcError::new(
            Code::A0000,
            format!("card status {other} does not allow this"),
        )),
    }
}

/// Spends card fiat on a coin (USDT) credited to the merchant, minus an exchange fee.
pub(crate) fn buy_coin(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    mc_trade_no: &str,
) -> Result<RecordIdx, HcError> {
    let card = card(world, card_id)?;
    positive(amount, "currency_amount")?;
    if world.hypercard.trade_no_taken(mc_trade_no) {
        return Err(HcError::new(
            Code::A0005,
            format!("mc_trade_no {mc_trade_no} was used before"),
        ));
    }
    spendable(world, card)?;
    let pay_coin = card_currency(world, card);
    if amount.normalize().scale() > pay_coin.scale() {
        return Err(HcError::param(format!(
            "currency_amount {amount} has more decimals than {} allows",
            pay_coin.code().to_ascii_lowercase()
        )));
    }
    let settings = settings(world)?;
    let fee = pay_coin.round(amount * settings.buy_coin_fee_rate);
    let usdt = Currency::parse("USDT").expect("USDT is in the currency table");
    let buy_amount = convert(settings, amount - fee, pay_coin, usdt)?;
    let account = world.hypercard.cards[card].account;
    let fees = system_account(world, "fees", pay_coin);
    let fx_fiat = system_account(world, "fx", pay_coin);
    let fx_coin = system_account(world, "fx", usdt);
    let merchant = merchant_account(world, usdt);
    let tx_id = new_tx_id(world);
    let now = world.now();
    let entry = post(
        world,
        "hypercard.buy_coin",
        &tx_id,
        &[
            (account, -amount),
            (fx_fiat, amount - fee),
            (fx_coin, -buy_amount),
            (merchant, buy_amount),
            (fees, fee),
        ],
    )?;
    let index = push_record(
        world,
        Record {
            tx_id,
            card: Some(card),
            time: now,
            status: tx_status::SUCCESS,
            entry: Some(entry),
            detail: Detail::BuyCoin {
                pay_coin,
                tx_amount: amount,
                buy_coin: usdt,
                buy_amount,
                fee,
                mc_trade_no: mc_trade_no.to_owned(),
            },
        },
    );
    world.hypercard.trade_nos.insert(mc_trade_no, index);
    Ok(index)
}
