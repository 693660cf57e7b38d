//! Accounts and cards: opening accounts, deposits and budgets, issuing prepaid and
//! budget cards, and transfers between a card and the Infinity balance.

use rust_decimal::Decimal;

use super::*;
use crate::ledger::{AccountKind, EntryDraft};
use crate::providers::interlace::error::{Code, IlError};
use crate::providers::interlace::negatives;
use crate::providers::interlace::state::{Account, Card, card_status};
use crate::tenant::World;

/// Opens an account with its Infinity and budget balances.
pub(crate) fn add_account(
    world: &mut World,
    id: Option<String>,
    account_type: u8,
    name: &str,
    name_en: &str,
    initialized: bool,
    kyc_passed: bool,
) -> AccountIdx {
    let id = id.unwrap_or_else(|| world.ids.uuid());
    let display_id = world.ids.display_id();
    let infinity = open(
        world,
        format!("interlace:infinity:{id}"),
        AccountKind::Wallet,
        false,
    );
    let budget = open(
        world,
        format!("interlace:budget:{id}"),
        AccountKind::Wallet,
        true,
    );
    let infinity_id = world.ids.uuid();
    let budget_id = world.ids.uuid();
    let created_at = world.now();
    world.interlace.accounts.push(Account {
        id,
        account_type,
        name: name.to_owned(),
        name_en: name_en.to_owned(),
        display_id,
        initialized,
        kyc_passed,
        infinity,
        infinity_id,
        budget,
        budget_id,
        created_at,
    });
    AccountIdx(world.interlace.accounts.len() - 1)
}

/// Money reaching an account from outside (a deposit): credits its Infinity balance,
/// then repays its negatives.
pub(crate) fn fund_account(
    world: &mut World,
    account: AccountIdx,
    amount: Decimal,
) -> Result<(), IlError> {
    let external = system(world, "external");
    let infinity = world.interlace.accounts[account].infinity;
    let now = world.now();
    world.ledger.post(EntryDraft::transfer(
        now,
        "interlace.deposit",
        external,
        infinity,
        amount,
    ))?;
    negatives::repay(world, account)?;
    Ok(())
}

/// Moves budget money from the Infinity balance (a scenario's opening budget).
pub(crate) fn fund_budget(
    world: &mut World,
    account: AccountIdx,
    amount: Decimal,
) -> Result<(), IlError> {
    let a = &world.interlace.accounts[account];
    let (infinity, budget) = (a.infinity, a.budget);
    let now = world.now();
    world.ledger.post(EntryDraft::transfer(
        now,
        "interlace.budget_increase",
        infinity,
        budget,
        amount,
    ))?;
    Ok(())
}

/// Issues a card: prepaid with `cost` moved from the Infinity balance, or (with
/// `budget`) a budget card that draws on the account's budget.
pub(crate) fn create_card(
    world: &mut World,
    account_id: &str,
    cost: Decimal,
    budget: bool,
    label: &str,
    user_name: &str,
    card_id: Option<String>,
) -> Result<CardIdx, IlError> {
    let account = account(world, account_id)?;
    let a = &world.interlace.accounts[account];
    if !a.initialized {
        return Err(IlError::new(
            Code::BalanceMissing,
            "account balance does not exist",
        ));
    }
    if a.account_type == 1 && !a.kyc_passed {
        return Err(IlError::new(Code::NoKyc, "No KYC information"));
    }
    if budget && cost > Decimal::ZERO {
        return Err(IlError::param(
            "a budget card takes no cost; it draws on the account's budget",
        ));
    }
    let infinity = a.infinity;
    let available = world.ledger.balance(infinity)?.available;
    if cost > available {
        return Err(IlError::new(
            Code::InsufficientBalance,
            format!(
                "the Infinity balance holds {}, less than the cost {}",
                crate::providers::interlace::wire::money(available),
                crate::providers::interlace::wire::money(cost)
            ),
        ));
    }
    let id = card_id.unwrap_or_else(|| world.ids.uuid());
    if world.interlace.card_index(&id).is_some() {
        return Err(IlError::param(format!("card {id} exists already")));
    }
    let ledger = if budget {
        world.interlace.accounts[account].budget
    } else {
        open(
            world,
            format!("interlace:card:{id}"),
            AccountKind::Card,
            true,
        )
    };
    if cost > Decimal::ZERO {
        let now = world.now();
        world.ledger.post(
            EntryDraft::transfer(now, "interlace.card_cost", infinity, ledger, cost)
                .with_metadata("interlace.card_id", id.clone()),
        )?;
    }
    let balance_id = (!budget).then(|| world.ids.uuid());
    let last_four = world.ids.numeric(4);
    let cardholder_id = world.ids.uuid();
    let created_at = world.now();
    world.interlace.cards.push(Card {
        id,
        account,
        user_name: user_name.to_owned(),
        bin: "49319300".to_owned(),
        last_four,
        status: card_status::ACTIVE.to_owned(),
        label: label.to_owned(),
        balance_id,
        cardholder_id,
        card_mode: "VIRTUAL_CARD".to_owned(),
        created_at,
        ledger,
        negative_since: None,
    });
    Ok(CardIdx(world.interlace.cards.len() - 1))
}

/// Moves money between a prepaid card and its account's Infinity balance.
pub(crate) fn transfer(
    world: &mut World,
    account_id: &str,
    card_id: &str,
    amount: Decimal,
    into_card: bool,
) -> Result<String, IlError> {
    let account = account(world, account_id)?;
    let card = card(world, card_id)?;
    let c = &world.interlace.cards[card];
    if c.account != account {
        return Err(IlError::param(format!(
            "card {card_id} does not belong to account {account_id}"
        )));
    }
    if c.is_budget_card() {
        return Err(IlError::new(
            Code::NotAllowed,
            "a budget card has no balance of its own to transfer",
        ));
    }
    let (card_ledger, infinity) = (c.ledger, world.interlace.accounts[account].infinity);
    let (from, to, kind) = if into_card {
        (infinity, card_ledger, "interlace.transfer_in")
    } else {
        (card_ledger, infinity, "interlace.transfer_out")
    };
    let available = world.ledger.balance(from)?.available;
    if available < amount {
        return Err(IlError::new(
            Code::InsufficientBalance,
            format!(
                "{} available, {} asked",
                crate::providers::interlace::wire::money(available.max(Decimal::ZERO)),
                crate::providers::interlace::wire::money(amount)
            ),
        ));
    }
    let owed_before = negatives::negative_cards(world, account)
        .iter()
        .find(|(c, _)| *c == card)
        .map(|(_, owed)| *owed);
    let totals = (
        negatives::negative_cards(world, account)
            .iter()
            .map(|(_, d)| *d)
            .sum::<Decimal>(),
        negatives::budget_negative(world, account),
    );
    let id = world.ids.uuid();
    let now = world.now();
    world.ledger.post(
        EntryDraft::transfer(now, kind, from, to, amount)
            .with_metadata("interlace.transfer_id", id.clone()),
    )?;
    track_negative(world, card);
    if let (true, Some(owed)) = (into_card, owed_before) {
        negatives::record_card_settlement(world, account, totals.0, totals.1, owed.min(amount));
    }
    if !into_card {
        negatives::repay(world, account)?;
    }
    Ok(id)
}
