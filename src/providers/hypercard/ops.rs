//! HyperCard's operations on a tenant's world: each checks its inputs, then changes the
//! ledger and HyperCard's records together, so a record exists exactly when the money
//! it describes has moved. Used by the HTTP handlers, the simulations and the scenario
//! builder alike.
//!
//! Ledger accounts (keys): `hypercard:card:<card_id>` per card;
//! `hypercard:merchant:<COIN>` the merchant's balance per coin or currency;
//! `hypercard:network:<CUR>` the card network (where spending goes, refunds come
//! from); `hypercard:fees:<CUR>` fees earned; `hypercard:fx:<CUR>` conversion clearing.

use rust_decimal::Decimal;

use super::error::{Code, HcError};
use super::state::{
    Card, Detail, Operation, Product, Recharge, Record, Settings, card_status, op_type,
    recharge_status, tx_status,
};
use crate::clock::Timestamp;
use crate::ledger::{
    AccountId, AccountKind, AccountSpec, EntryDraft, EntryId, HoldDraft, Ledger, Leg, Metadata,
};
use crate::money::Currency;
use crate::tenant::World;

/// Event kind: settle a pending recharge. Data: `recharge` (index).
pub const RECHARGE_SETTLE: &str = "hypercard.recharge_settle";

/// Offset of GMT+8, HyperCard's documented time zone, in seconds.
pub const GMT8: i32 = 8 * 3600;

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
    if let Ok(existing) = ledger.account_by_key(&key) {
        return existing.id;
    }
    ledger
        .open_account(AccountSpec {
            key,
            kind,
            currency,
            allow_negative: kind.negative_by_default(),
            opened_at: at,
            metadata: Metadata::new(),
        })
        .expect("the key was just looked up and is free")
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

fn push_record(world: &mut World, record: Record) -> usize {
    let index = world.hypercard.records.len();
    world.hypercard.tx_index.insert(record.tx_id.clone(), index);
    world.hypercard.records.push(record);
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
        metadata: Metadata::from([("hypercard.tx_id".to_owned(), tx_id.to_owned())]),
    })?)
}

fn card(world: &World, card_id: &str) -> Result<usize, HcError> {
    world
        .hypercard
        .card_by_id(card_id)
        .ok_or_else(|| HcError::card_not_found(card_id))
}

fn product_of(world: &World, card: usize) -> &Product {
    &world.hypercard.products[world.hypercard.cards[card].product]
}

fn card_currency(world: &World, card: usize) -> Currency {
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

/// Opens a card of `product` with an opening balance, as a scenario declares it.
pub fn open_card(
    world: &mut World,
    product: usize,
    card_id: Option<String>,
    balance: Decimal,
) -> Result<usize, HcError> {
    let product_ref = world
        .hypercard
        .products
        .get(product)
        .ok_or_else(|| HcError::param("no such card product"))?;
    let (bin, coin) = (product_ref.bin.clone(), product_ref.card_coin);
    let card_id = match card_id {
        Some(id) => id,
        None => loop {
            let id = format!("{bin}{}", world.ids.numeric(13));
            if world.hypercard.card_by_id(&id).is_none() {
                break id;
            }
        },
    };
    if world.hypercard.card_by_id(&card_id).is_some() {
        return Err(HcError::param(format!("card {card_id} exists already")));
    }
    let last4 = &card_id[card_id.len().saturating_sub(4)..];
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
    let index = world.hypercard.cards.len();
    world.hypercard.card_index.insert(card_id.clone(), index);
    world.hypercard.cards.push(Card {
        card_id,
        product,
        card_number,
        status: card_status::ACTIVATED,
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
pub fn fund_merchant(world: &mut World, coin: Currency, amount: Decimal) -> Result<(), HcError> {
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

/// The numbers of a recharge quote (estimation and recharge alike).
#[derive(Debug, Clone, Copy)]
pub struct Quote {
    pub card_coin: Currency,
    pub pay_coin: Currency,
    pub currency_amount: Decimal,
    pub coin_amount: Decimal,
    pub fee: Decimal,
    pub fee_usdt: Decimal,
    pub coin_usd_rate: Decimal,
    pub currency_usd_rate: Decimal,
}

pub fn quote(
    world: &World,
    product: usize,
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
/// settles (`recharge_settle_seconds` later on the tenant clock).
pub fn recharge(
    world: &mut World,
    card_id: &str,
    mc_trade_no: &str,
    pay_coin: Currency,
    amount: Decimal,
    remark: &str,
) -> Result<usize, HcError> {
    let card = card(world, card_id)?;
    let settle_after = settings(world)?.recharge_settle_seconds;
    if world.hypercard.trade_nos.contains_key(mc_trade_no) {
        return Err(HcError::new(
            Code::A0005,
            format!("mc_trade_no {mc_trade_no} was used before"),
        ));
    }
    let product = product_of(world, card);
    if !product.can_recharge || world.hypercard.cards[card].status == card_status::CANCELLED {
        return Err(HcError::new(
            Code::A0010,
            format!("card {card_id} does not support recharge"),
        ));
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
    let quote = quote(world, world.hypercard.cards[card].product, pay_coin, amount)?;
    let merchant = merchant_account(world, pay_coin);
    let now = world.now();
    let hold = world.ledger.place_hold(HoldDraft {
        account: merchant,
        amount: quote.coin_amount + quote.fee,
        placed_at: now,
        expires_at: None,
        metadata: Metadata::from([("hypercard.mc_trade_no".to_owned(), mc_trade_no.to_owned())]),
    })?;
    let order_no = world.ids.numeric(20);
    let tx_id = new_tx_id(world);
    let index = world.hypercard.recharges.len();
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
    world
        .hypercard
        .trade_nos
        .insert(mc_trade_no.to_owned(), record);
    world.schedule(
        now.plus_secs(settle_after),
        RECHARGE_SETTLE,
        &[("recharge", index.to_string())],
    );
    Ok(index)
}

/// Scheduler handler: moves a pending recharge's money and marks it successful.
pub fn settle_recharge(world: &mut World, event: &crate::scheduler::Event) -> Result<(), String> {
    let index: usize = event
        .data
        .get("recharge")
        .and_then(|r| r.parse().ok())
        .ok_or("event has no recharge index")?;
    let recharge = world
        .hypercard
        .recharges
        .get(index)
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
                    "hypercard.tx_id".to_owned(),
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
    Ok(())
}

/// A card spends `amount` of `currency` at a merchant. Declined consumptions are
/// recorded too (status 2, nothing moved) and returned as `Ok` with the reason.
pub fn consume(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: Currency,
    mcc: &str,
    description: &str,
) -> Result<usize, HcError> {
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
fn consumption(world: &World, tx_id: &str) -> Result<usize, HcError> {
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
pub fn refund(
    world: &mut World,
    consume_tx_id: &str,
    amount: Option<Decimal>,
    description: &str,
) -> Result<usize, HcError> {
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
pub fn fee(
    world: &mut World,
    consume_tx_id: &str,
    amount: Option<Decimal>,
) -> Result<usize, HcError> {
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
pub fn withdraw(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: Currency,
    description: &str,
) -> Result<usize, HcError> {
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

fn spendable(world: &World, card: usize) -> Result<(), HcError> {
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
pub fn buy_coin(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    mc_trade_no: &str,
) -> Result<usize, HcError> {
    let card = card(world, card_id)?;
    positive(amount, "currency_amount")?;
    if world.hypercard.trade_nos.contains_key(mc_trade_no) {
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
    world
        .hypercard
        .trade_nos
        .insert(mc_trade_no.to_owned(), index);
    Ok(index)
}

/// Carries out a card operation (freeze, unfreeze, cancel; report loss, reset
/// password, reissue and resend PIN are recorded without changing the card).
pub fn operate(
    world: &mut World,
    card_id: &str,
    request_number: &str,
    kind: u8,
) -> Result<usize, HcError> {
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
    let at = world.now();
    world.hypercard.operations.push(Operation {
        card,
        request_number: request_number.to_owned(),
        op_type: kind,
        operate_status: 1,
        at,
    });
    Ok(world.hypercard.operations.len() - 1)
}

/// Cancels a card: what is left on it, less the product's cancellation fee, goes back
/// to the merchant's balance in the card currency (a business type 102 record).
fn cancel(world: &mut World, card: usize) -> Result<(), HcError> {
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

/// Remembers a nonce for ten minutes; false when it was seen within that time.
pub(crate) fn remember_nonce(world: &mut World, api_key: &str, nonce: &str) -> bool {
    let now = world.now();
    let window = 600_000;
    let nonces = &mut world.hypercard.nonces;
    if nonces.len() > 10_000 {
        nonces.retain(|_, seen| now.as_millis() - seen.as_millis() < window);
    }
    let key = (api_key.to_owned(), nonce.to_owned());
    match nonces.get(&key) {
        Some(seen) if now.as_millis() - seen.as_millis() < window => false,
        _ => {
            nonces.insert(key, now);
            true
        }
    }
}
