//! Recharges: the quote (also the estimation endpoint), the pending recharge that holds
//! the merchant's coin, and its settlement when the tenant clock reaches it.

use rust_decimal::Decimal;

use super::*;
use crate::ledger::{EntryDraft, HoldDraft, Leg, Metadata};
use crate::money::Currency;
use crate::providers::hypercard::error::{Code, HcError};
use crate::providers::hypercard::state::{
    Detail, Recharge, Record, card_status, recharge_status, tx_status,
};
use crate::tenant::World;

/// The numbers of a recharge quote (estimation and recharge alike).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quote {
    pub card_coin: Currency,
    pub pay_coin: Currency,
    pub currency_amount: Decimal,
    pub coin_amount: Decimal,
    pub fee: Decimal,
    pub fee_usdt: Decimal,
    pub coin_usd_rate: Decimal,
    pub currency_usd_rate: Decimal,
}

pub(crate) fn quote(
    world: &World,
    product: ProductIdx,
    pay_coin: Currency,
    amount: Decimal,
) -> Result<Quote, HcError> {
    let settings = settings(world)?;
    positive(amount, "recharge_amount")?;
    let product = &world.hypercard.products[product];
    let card_coin = product.card_coin;
    if amount.normalize().scale() > card_coin.scale() {
        return Err(HcError::param(format!(
            "recharge_amount {amount} has more decimals than {} allows ({})",
            card_coin.code().to_ascii_lowercase(),
            card_coin.scale()
        )));
    }
    let coin_amount = convert(settings, amount, card_coin, pay_coin)?;
    let fee = pay_coin.round(coin_amount * product.recharge_fee);
    let usdt = Currency::parse("USDT").expect("USDT is in the currency table");
    let fee_usdt = convert(settings, fee, pay_coin, usdt)?;
    Ok(Quote {
        card_coin,
        pay_coin,
        currency_amount: amount,
        coin_amount,
        fee,
        fee_usdt,
        coin_usd_rate: usd_rate(settings, pay_coin)?,
        currency_usd_rate: usd_rate(settings, card_coin)?,
    })
}

/// Starts a recharge: the merchant's coin is held now and moved when the recharge
/// settles (`recharge_settle_seconds` later on the tenant clock). On a card in
/// pre-apply the recharge is its opening deposit instead: it starts the application's
/// review and settles when the card is issued (or fails when it is refused).
pub(crate) fn recharge(
    world: &mut World,
    card_id: &str,
    mc_trade_no: &str,
    pay_coin: Currency,
    amount: Decimal,
    remark: &str,
) -> Result<RechargeIdx, HcError> {
    let card = card(world, card_id)?;
    let settle_after = settings(world)?.recharge_settle_seconds;
    if world.hypercard.trade_no_taken(mc_trade_no) {
        return Err(HcError::new(
            Code::A0005,
            format!("mc_trade_no {mc_trade_no} was used before"),
        ));
    }
    let product = product_of(world, card);
    let status = world.hypercard.cards[card].status;
    if !product.can_recharge || status == card_status::CANCELLED {
        return Err(HcError::new(
            Code::A0010,
            format!("card {card_id} does not support recharge"),
        ));
    }
    match status {
        card_status::FROZEN => {
            // Frozen blocks operations (README, `quirks.rs`): nothing moves, no push.
            return Err(HcError::new(
                Code::A0000,
                format!("card {card_id} is frozen; unfreeze it before recharging"),
            ));
        }
        card_status::REVIEWING => {
            return Err(HcError::new(
                Code::A0000,
                format!(
                    "the application for card {card_id} is under review; recharge once it is issued"
                ),
            ));
        }
        card_status::REVIEW_REJECTED => {
            return Err(HcError::new(
                Code::A0000,
                format!("the application for card {card_id} was refused"),
            ));
        }
        card_status::PRE_APPLY => {
            check_opening_deposit(product, amount)?;
            let index = place(world, card, mc_trade_no, pay_coin, amount, remark)?;
            super::apply::deposit_made(world, card, index);
            return Ok(index);
        }
        _ => {}
    }
    let (min, max) = (
        product.min_single_recharge_amount,
        product.max_single_recharge_amount,
    );
    if amount < min || amount > max {
        return Err(HcError::param(format!(
            "recharge_amount must be between {min} and {max}, got {amount}"
        )));
    }
    let daily_limit = product.max_recharge_amount;
    let today = recharged_today(world, card);
    if today + amount > daily_limit {
        return Err(HcError::param(format!(
            "recharge_amount {amount} would take today's recharges on card {card_id} to {}, over the daily limit of {daily_limit}",
            today + amount
        )));
    }
    let index = place(world, card, mc_trade_no, pay_coin, amount, remark)?;
    let now = world.now();
    world.schedule(
        now.plus_secs(settle_after),
        RECHARGE_SETTLE,
        &[("recharge", index.to_string())],
    );
    Ok(index)
}

/// An opening deposit is at least the product's `min_first_recharge_amount` (else its
/// `min_single_recharge_amount`) and at most its `max_single_recharge_amount`.
pub(super) fn check_opening_deposit(
    product: &crate::providers::hypercard::state::Product,
    amount: Decimal,
) -> Result<(), HcError> {
    let min = if product.min_first_recharge_amount > Decimal::ZERO {
        product.min_first_recharge_amount
    } else {
        product.min_single_recharge_amount
    };
    let max = product.max_single_recharge_amount;
    if amount < min || amount > max {
        return Err(HcError::param(format!(
            "the opening deposit (first recharge) must be between {min} and {max}, got {amount}"
        )));
    }
    Ok(())
}

/// Holds the merchant's coin and writes the pending recharge and its record; changes
/// nothing when it fails (an unknown coin, too little on the merchant's balance).
pub(super) fn place(
    world: &mut World,
    card: CardIdx,
    mc_trade_no: &str,
    pay_coin: Currency,
    amount: Decimal,
    remark: &str,
) -> Result<RechargeIdx, HcError> {
    let quote = quote(world, world.hypercard.cards[card].product, pay_coin, amount)?;
    let merchant = merchant_account(world, pay_coin);
    let now = world.now();
    let hold = world.ledger.place_hold(HoldDraft {
        account: merchant,
        amount: quote.coin_amount + quote.fee,
        placed_at: now,
        expires_at: None,
        metadata: Metadata::from([("hypercard.mc_trade_no", mc_trade_no.to_owned())]),
    })?;
    let order_no = world.ids.numeric(20);
    let tx_id = new_tx_id(world);
    let index = RechargeIdx(world.hypercard.recharges.len());
    let record = push_record(
        world,
        Record {
            tx_id,
            card: Some(card),
            time: now,
            status: tx_status::PENDING,
            entry: None,
            detail: Detail::Recharge { recharge: index },
        },
    );
    world.hypercard.recharges.push(Recharge {
        card,
        mc_trade_no: mc_trade_no.to_owned(),
        order_no,
        pay_coin,
        currency_amount: quote.currency_amount,
        coin_amount: quote.coin_amount,
        fee: quote.fee,
        coin_usd_rate: quote.coin_usd_rate,
        currency_usd_rate: quote.currency_usd_rate,
        status: recharge_status::PENDING,
        fail_reason: String::new(),
        remark: remark.to_owned(),
        hold: Some(hold),
        record,
    });
    world.hypercard.trade_nos.insert(mc_trade_no, record);
    Ok(index)
}

/// Scheduler handler: moves a pending recharge's money and marks it successful.
pub(crate) fn settle_recharge(
    world: &mut World,
    event: &crate::scheduler::Event,
) -> Result<(), String> {
    let index: RechargeIdx = event
        .data
        .get("recharge")
        .and_then(|r| r.parse().ok())
        .ok_or("event has no recharge index")?;
    settle(world, index)
}

/// Moves a pending recharge's money onto its card and marks it successful (`RECHARGE`
/// result "1"); a recharge no longer pending is left alone.
pub(super) fn settle(world: &mut World, index: RechargeIdx) -> Result<(), String> {
    let recharge = world
        .hypercard
        .recharges
        .get(index.0)
        .cloned()
        .ok_or("no such recharge")?;
    if recharge.status != recharge_status::PENDING {
        return Ok(());
    }
    let hold = recharge
        .hold
        .ok_or("a pending recharge holds the merchant's coin")?;
    let card_coin = card_currency(world, recharge.card);
    let pay_coin = recharge.pay_coin;
    let card_account = world.hypercard.cards[recharge.card].account;
    let merchant = merchant_account(world, pay_coin);
    let fees = system_account(world, "fees", pay_coin);
    let fx_coin = system_account(world, "fx", pay_coin);
    let fx_fiat = system_account(world, "fx", card_coin);
    let mut legs = vec![
        Leg {
            account: merchant,
            amount: -recharge.total_coin(),
        },
        Leg {
            account: fx_coin,
            amount: recharge.coin_amount,
        },
        Leg {
            account: fx_fiat,
            amount: -recharge.currency_amount,
        },
        Leg {
            account: card_account,
            amount: recharge.currency_amount,
        },
    ];
    if recharge.fee > Decimal::ZERO {
        legs.push(Leg {
            account: fees,
            amount: recharge.fee,
        });
    }
    let now = world.now();
    let entry = world
        .ledger
        .capture_hold(
            hold,
            EntryDraft {
                time: now,
                kind: "hypercard.recharge".to_owned(),
                legs,
                metadata: Metadata::from([(
                    "hypercard.tx_id",
                    world.hypercard.records[recharge.record].tx_id.clone(),
                )]),
            },
        )
        .map_err(|e| e.to_string())?;
    let r = &mut world.hypercard.recharges[index];
    r.status = recharge_status::SUCCESS;
    r.hold = None;
    let record = &mut world.hypercard.records[recharge.record];
    record.status = tx_status::SUCCESS;
    record.entry = Some(entry);
    let card_id = world.hypercard.cards[recharge.card].card_id.clone();
    crate::providers::hypercard::webhooks::recharge(world, &card_id, &recharge.mc_trade_no, true);
    Ok(())
}

/// Fails a pending recharge (an opening deposit whose application was refused): the
/// merchant's coin is released, the recharge and its record fail with `reason`, and
/// `RECHARGE` result "2" goes out.
pub(super) fn fail(world: &mut World, index: RechargeIdx, reason: &str) -> Result<(), String> {
    let recharge = world
        .hypercard
        .recharges
        .get(index.0)
        .cloned()
        .ok_or("no such recharge")?;
    if recharge.status != recharge_status::PENDING {
        return Ok(());
    }
    let now = world.now();
    if let Some(hold) = recharge.hold {
        world
            .ledger
            .release_hold(hold, now)
            .map_err(|e| e.to_string())?;
    }
    let r = &mut world.hypercard.recharges[index];
    r.status = recharge_status::FAILED;
    r.fail_reason = reason.to_owned();
    r.hold = None;
    world.hypercard.records[recharge.record].status = tx_status::FAILED;
    let card_id = world.hypercard.cards[recharge.card].card_id.clone();
    crate::providers::hypercard::webhooks::recharge(world, &card_id, &recharge.mc_trade_no, false);
    Ok(())
}

/// What was recharged onto `card` (pending or settled) since midnight GMT+8.
fn recharged_today(world: &World, card: CardIdx) -> Decimal {
    let day = |t: crate::clock::Timestamp| (t.as_secs() + i64::from(GMT8)).div_euclid(86_400);
    let today = day(world.now());
    // Recharges are created in clock order, so today's are the last ones: walk back
    // from the newest and stop at yesterday.
    world
        .hypercard
        .recharges
        .iter()
        .rev()
        .take_while(|r| day(world.hypercard.records[r.record].time) >= today)
        .filter(|r| r.card == card && r.status != recharge_status::FAILED)
        .map(|r| r.currency_amount)
        .sum()
}
