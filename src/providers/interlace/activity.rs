//! Interlace's card activity generator (the scenario's `activity: - interlace:`): authorisations with their clearings or reversals, refunds,
//! fees, transfers in from the Infinity balance and small deposits.

use rust_decimal::Decimal;

use fake::Fake;
use fake::faker::company::en::CompanyName;

use super::ops as il;
use crate::clock::Timestamp;
use crate::scenario::activity::{Action, MCCS, Step, dec, moment};
use crate::scenario::schema::InterlaceActivity;
use crate::tenant::World;

#[derive(Debug, Clone, Copy)]
enum IlKind {
    Authorization,
    /// Clears the card's oldest pending authorisation, scaled by `amount` percent.
    Clearing,
    Reversal,
    Refund,
    Fee,
    TransferIn,
    Deposit,
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
    for draw in 0..spec.count as usize {
        let time = moment(world, start, spec.days);
        let card = world.rng.pick(&cards).cloned().unwrap_or_default();
        let roll = world.rng.int_between(1, 100);
        let (kind, amount) = match roll {
            1..=36 => (
                IlKind::Authorization,
                world.rng.decimal_between(dec(2), dec(140), 2),
            ),
            37..=60 => {
                // Mostly the authorised amount; sometimes above (1003) or below (1005).
                let pct = *world
                    .rng
                    .pick(&[100, 100, 100, 112, 140, 90])
                    .unwrap_or(&100);
                (IlKind::Clearing, dec(pct))
            }
            61..=65 => (IlKind::Reversal, Decimal::ZERO),
            66..=70 => (
                IlKind::Refund,
                world.rng.decimal_between(dec(1), dec(40), 2),
            ),
            71..=82 => (IlKind::Fee, world.rng.decimal_between(dec(2), dec(45), 2)),
            83..=93 => (IlKind::TransferIn, dec(world.rng.int_between(3, 20) * 10)),
            // Small deposits against a drained Infinity balance repay negatives only in
            // part, so history shows both full and partial repayments.
            _ => (IlKind::Deposit, dec(world.rng.int_between(1, 8) * 5)),
        };
        let (mcc, what) = *world.rng.pick(&MCCS).unwrap_or(&MCCS[0]);
        let company: String = CompanyName().fake_with_rng(world.rng.as_rng());
        let merchant = il::Merchant {
            name: format!("{} {what}", company.to_uppercase()),
            city: "NEW YORK".to_owned(),
            country: "USA".to_owned(),
            mcc: mcc.to_owned(),
        };
        steps.push(Step {
            time,
            generator,
            draw,
            action: Action::provider(move |w| perform(w, kind, &card, amount, &merchant)),
        });
    }
}

/// Carries out one generated Interlace step; false when it could not happen.
fn perform(
    world: &mut World,
    kind: IlKind,
    card_id: &str,
    amount: Decimal,
    merchant: &il::Merchant,
) -> bool {
    let Some(card) = world.interlace.card_index(card_id) else {
        return false;
    };
    let account_id = world.interlace.accounts[world.interlace.cards[card].account]
        .id
        .clone();
    let oldest_pending = || {
        world
            .interlace
            .transactions
            .iter()
            .find(|t| t.card == card && t.kind == "authorization" && t.status == "PENDING")
            .map(|t| (t.id.clone(), t.billing_amount))
    };
    match kind {
        IlKind::Authorization => {
            il::authorization(world, card_id, amount, "USD", amount, merchant).is_ok()
        }
        IlKind::Clearing => match oldest_pending() {
            Some((id, held)) => {
                il::clearing(world, &id, Some((held * amount / dec(100)).round_dp(2))).is_ok()
            }
            None => false,
        },
        IlKind::Reversal => match oldest_pending() {
            Some((id, _)) => il::reversal(world, &id).is_ok(),
            None => false,
        },
        IlKind::Refund => il::refund(world, card_id, amount, "USD", amount, merchant).is_ok(),
        IlKind::Fee => il::fee(world, card_id, amount).is_ok(),
        IlKind::TransferIn => {
            // Takes what the Infinity balance has, up to `amount`, so it runs dry at times.
            let infinity = world.interlace.accounts[world.interlace.cards[card].account].infinity;
            let available = world
                .ledger
                .balance(infinity)
                .map(|b| b.available)
                .unwrap_or_default();
            let amount = amount.min(available);
            !world.interlace.cards[card].is_budget_card()
                && amount > Decimal::ZERO
                && il::transfer(world, &account_id, card_id, amount, true).is_ok()
        }
        IlKind::Deposit => {
            let account = world.interlace.cards[card].account;
            il::fund_account(world, account, amount).is_ok()
        }
    }
}
