//! Interlace's card activity generator (the scenario's `activity: - interlace:`):
//! purchases (an authorisation, cleared or reversed hours later, or declined), monthly
//! subscriptions, refunds of recent purchases, small card fees, top-ups from the
//! Infinity balance and deposits. Cards are topped up before a purchase they could not
//! pay, so declines come at the `realism.decline_rate`; a clearing above its
//! authorisation or a fee on an empty card still takes a card negative now and then.

use std::cell::RefCell;
use std::rc::Rc;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::ops as il;
use crate::clock::Timestamp;
use crate::scenario::activity::catalogue::{self, CITIES, SUBSCRIPTIONS};
use crate::scenario::activity::{Action, Step, dec, moment};
use crate::scenario::schema::InterlaceActivity;
use crate::tenant::World;

/// The authorisation a purchase's later clearing or reversal acts on, once made.
type Pending = Rc<RefCell<Option<String>>>;

/// What a card habitually does: its home city and usual merchants.
struct Habit {
    home: usize,
    usual: Vec<(&'static catalogue::Category, &'static str)>,
}

fn habit(world: &mut World) -> Habit {
    let home =
        usize::try_from(world.rng.int_between(0, catalogue::HOME_CITIES as i64 - 1)).unwrap_or(0);
    let coffee = &catalogue::CATEGORIES[0];
    let mut usual = vec![(coffee, catalogue::merchant(world, coffee))];
    for _ in 0..2 {
        let category = catalogue::category(world);
        usual.push((category, catalogue::merchant(world, category)));
    }
    Habit { home, usual }
}

/// A purchase as the card network presents it.
struct Purchase {
    merchant: il::Merchant,
    currency: String,
    amount: Decimal,
    billing: Decimal,
}

/// Which merchant a purchase is at: one of the card's usual ones, a big-ticket one (what
/// a declined purchase tries to buy), or any.
#[derive(Clone, Copy, PartialEq)]
enum Pick {
    Usual,
    BigTicket,
    Any,
}

fn purchase(world: &mut World, habit: &Habit, spec: &InterlaceActivity, pick: Pick) -> Purchase {
    let (category, name) = if pick == Pick::Usual {
        *world.rng.pick(&habit.usual).unwrap_or(&habit.usual[0])
    } else if pick == Pick::BigTicket {
        let category = catalogue::big_ticket(world);
        (category, catalogue::merchant(world, category))
    } else {
        let category = catalogue::category(world);
        (category, catalogue::merchant(world, category))
    };
    let billing = catalogue::amount(world, category);
    let city = catalogue::city(world, habit.home, spec.realism.abroad_share);
    let (city_name, country, currency, rate) = CITIES[city];
    let rate = Decimal::from_str(rate).unwrap_or(Decimal::ONE);
    let scale = if currency == "JPY" { 0 } else { 2 };
    Purchase {
        merchant: il::Merchant {
            name: name.to_owned(),
            city: city_name.to_owned(),
            country: country.to_owned(),
            mcc: category.mcc.to_owned(),
        },
        currency: currency.to_owned(),
        amount: (billing * rate).round_dp(scale),
        billing,
    }
}

pub(super) fn draw(
    world: &mut World,
    generator: usize,
    spec: &InterlaceActivity,
    start: Timestamp,
    steps: &mut Vec<Step>,
) {
    let cards: Vec<String> = world.interlace.cards.iter().map(|c| c.id.clone()).collect();
    if cards.is_empty() {
        return;
    }
    let habits: Vec<Habit> = cards.iter().map(|_| habit(world)).collect();
    let r = &spec.realism;
    let mut out = Out {
        steps,
        generator,
        start,
        draw: 0,
    };
    for _ in 0..spec.count {
        let time = moment(world, start, spec.days);
        let c = usize::try_from(world.rng.int_between(0, cards.len() as i64 - 1)).unwrap_or(0);
        let card = cards[c].clone();
        let roll = world.rng.decimal_between(dec(0), dec(1), 4);
        let roll = f64::try_from(roll).unwrap_or(0.0);
        let (fee, refund) = (r.fee_rate, r.fee_rate + r.refund_rate);
        let action = if roll < fee {
            let amount = world.rng.decimal_between(Decimal::new(50, 2), dec(3), 2);
            Action::provider(move |w| il::fee(w, &card, amount).is_ok())
        } else if roll < refund {
            let partial = world.rng.chance(0.4);
            Action::provider(move |w| refund_last(w, &card, partial))
        } else if roll < refund + 0.05 {
            let amount = dec(world.rng.int_between(10, 50) * 10);
            let deposit_first = r.auto_top_up;
            Action::provider(move |w| top_up(w, &card, amount, deposit_first))
        } else if roll < refund + 0.08 {
            // Without top-ups, small deposits against a drained Infinity balance repay
            // negatives only in part, so history shows full and partial repayments.
            let amount = if r.auto_top_up {
                dec(world.rng.int_between(10, 60) * 100)
            } else {
                dec(world.rng.int_between(1, 10))
            };
            Action::provider(move |w| deposit(w, &card, amount))
        } else {
            let declined = world.rng.chance(r.decline_rate);
            let pick = if declined {
                Pick::BigTicket
            } else if world.rng.chance(r.regular_share) {
                Pick::Usual
            } else {
                Pick::Any
            };
            let p = purchase(world, &habits[c], spec, pick);
            push_purchase(world, &mut out, time, &card, p, declined, spec);
            continue;
        };
        out.push(time, action);
    }
    if r.subscriptions {
        for (c, card) in cards.iter().enumerate() {
            let (name, mcc, cents) = *world.rng.pick(&SUBSCRIPTIONS).unwrap_or(&SUBSCRIPTIONS[0]);
            let day = world.rng.int_between(0, 27);
            let second = world.rng.int_between(2 * 3600, 7 * 3600);
            let milli = world.rng.int_between(0, 999);
            let home = habits[c].home;
            let mut month = 0;
            loop {
                let at = start
                    .plus_secs(-(month * 30 + day) * 86_400)
                    .plus_secs(-start.as_secs().rem_euclid(86_400) + second)
                    .plus_millis(milli);
                month += 1;
                if at >= start {
                    continue;
                }
                if at.as_millis() < start.as_millis() - i64::from(spec.days) * 86_400_000 {
                    break;
                }
                let billing = Decimal::new(cents, 2);
                let p = Purchase {
                    merchant: il::Merchant {
                        name: name.to_owned(),
                        city: CITIES[home].0.to_owned(),
                        country: CITIES[home].1.to_owned(),
                        mcc: mcc.to_owned(),
                    },
                    currency: "USD".to_owned(),
                    amount: billing,
                    billing,
                };
                push_purchase(world, &mut out, at, card, p, false, spec);
            }
        }
    }
}

/// Where generated steps go, numbered in the order drawn.
struct Out<'a> {
    steps: &'a mut Vec<Step>,
    generator: usize,
    start: Timestamp,
    draw: usize,
}

impl Out<'_> {
    fn push(&mut self, time: Timestamp, action: Action) {
        self.steps.push(Step {
            time,
            generator: self.generator,
            draw: self.draw,
            action,
        });
        self.draw += 1;
    }
}

/// A purchase: its authorisation now, and unless declined its clearing (or, at the
/// `reversal_rate`, its reversal) one to three days later, if that is before the
/// start; otherwise the authorisation is still pending when the clock starts.
fn push_purchase(
    world: &mut World,
    out: &mut Out<'_>,
    time: Timestamp,
    card: &str,
    p: Purchase,
    declined: bool,
    spec: &InterlaceActivity,
) {
    let pending: Pending = Rc::new(RefCell::new(None));
    // Cleared a day or three later, a little after the hour it was authorised.
    let later = time.plus_millis(
        world.rng.int_between(1, 3) * 86_400_000 + world.rng.int_between(0, 2 * 3_600_000),
    );
    let reverse = world.rng.chance(spec.realism.reversal_rate);
    let auto_top_up = spec.realism.auto_top_up;
    // Mostly the authorised amount; a tip or a fuel top-up above (1003), a partial
    // shipment below (1005).
    let pct = *world
        .rng
        .pick(&[
            100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 108, 115, 90,
        ])
        .unwrap_or(&100);
    let held = pending.clone();
    let card_for_auth = card.to_owned();
    let auth = Action::provider(move |w| {
        authorise(w, &card_for_auth, &p, declined, auto_top_up).is_some_and(|id| {
            *held.borrow_mut() = Some(id);
            true
        })
    });
    out.push(time, auth);
    if declined || later >= out.start {
        return;
    }
    let follow = Action::provider(move |w| {
        let Some(id) = pending.borrow().clone() else {
            return false;
        };
        if reverse {
            il::reversal(w, &id).is_ok()
        } else {
            let amount = w
                .interlace
                .transactions
                .iter()
                .find(|t| t.id == id)
                .map(|t| (t.billing_amount * dec(pct) / dec(100)).round_dp(2));
            il::clearing(w, &id, amount).is_ok()
        }
    });
    out.push(later, follow);
}

/// Authorises a purchase, topping the card up first when it could not pay (unless the
/// purchase is to be declined: a big-ticket purchase, tried for more than the card
/// holds when the card could pay it). The authorisation's id when it holds money.
fn authorise(
    world: &mut World,
    card_id: &str,
    p: &Purchase,
    declined: bool,
    auto_top_up: bool,
) -> Option<String> {
    let card = world.interlace.card_index(card_id)?;
    let ledger = world.interlace.cards[card].ledger;
    let available = world.ledger.balance(ledger).ok()?.available;
    let billing = if declined {
        if available >= p.billing {
            (available + p.billing).round_dp(2)
        } else {
            p.billing
        }
    } else {
        if auto_top_up && available < p.billing {
            let short = p.billing - available.max(Decimal::ZERO);
            let amount = ((short / dec(50)).ceil() + dec(2)) * dec(50);
            if !top_up(world, card_id, amount, true) {
                return None;
            }
        }
        p.billing
    };
    let amount = if billing == p.billing {
        p.amount
    } else {
        (p.amount * billing / p.billing).round_dp(2)
    };
    let index =
        il::authorization(world, card_id, amount, &p.currency, billing, &p.merchant).ok()?;
    let tx = &world.interlace.transactions[index];
    (tx.status == "PENDING").then(|| tx.id.clone())
}

/// Moves `amount` onto a card: from the Infinity balance for a prepaid card (the
/// account deposits first when the balance is short and `deposit_first`, else the
/// transfer takes what there is), into the account's budget for a budget card. False
/// when the card is not active or nothing moved.
fn top_up(world: &mut World, card_id: &str, amount: Decimal, deposit_first: bool) -> bool {
    let Some(card) = world.interlace.card_index(card_id) else {
        return false;
    };
    if world.interlace.cards[card].status != super::state::card_status::ACTIVE {
        return false;
    }
    let account = world.interlace.cards[card].account;
    if world.interlace.cards[card].is_budget_card() {
        return deposit_first && il::fund_budget(world, account, amount).is_ok();
    }
    let infinity = world.interlace.accounts[account].infinity;
    let available = world
        .ledger
        .balance(infinity)
        .map(|b| b.available)
        .unwrap_or_default();
    let amount = if deposit_first {
        amount
    } else {
        amount.min(available)
    };
    if amount <= Decimal::ZERO {
        return false;
    }
    if available < amount {
        let deposit = ((amount - available) / dec(500)).ceil() * dec(500) + dec(1000);
        if il::fund_account(world, account, deposit).is_err() {
            return false;
        }
    }
    let account_id = world.interlace.accounts[account].id.clone();
    il::transfer(world, &account_id, card_id, amount, true).is_ok()
}

/// A deposit into the card's account: repays negatives, then tops up the Infinity
/// balance.
fn deposit(world: &mut World, card_id: &str, amount: Decimal) -> bool {
    let Some(card) = world.interlace.card_index(card_id) else {
        return false;
    };
    let account = world.interlace.cards[card].account;
    il::fund_account(world, account, amount).is_ok()
}

/// Refunds the card's latest clearing, in full or in part, at its merchant.
fn refund_last(world: &mut World, card_id: &str, partial: bool) -> bool {
    let Some(card) = world.interlace.card_index(card_id) else {
        return false;
    };
    let Some(last) = world
        .interlace
        .transactions
        .iter()
        .rev()
        .take(400)
        .find(|t| t.card == card && t.kind == "clearing")
    else {
        return false;
    };
    let merchant = il::Merchant {
        name: last.merchant_name.clone(),
        city: last.merchant_city.clone(),
        country: last.merchant_country.clone(),
        mcc: last.mcc.clone(),
    };
    let (mut amount, currency, mut billing) = (
        last.transaction_amount,
        last.transaction_currency.clone(),
        last.billing_amount,
    );
    if partial {
        amount = (amount / dec(2)).round_dp(2);
        billing = (billing / dec(2)).round_dp(2);
    }
    billing > Decimal::ZERO
        && il::refund(world, card_id, amount, &currency, billing, &merchant).is_ok()
}
