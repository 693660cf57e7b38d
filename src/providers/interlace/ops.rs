//! Interlace's operations on a tenant's world: OAuth codes and tokens, accounts and
//! their funding, cards and transfers, and card transactions. Each checks its inputs,
//! then changes the ledger and the records together.
//!
//! Ledger accounts (keys): `interlace:infinity:<accountId>` (never below zero),
//! `interlace:budget:<accountId>` and `interlace:card:<cardId>` (a clearing or a fee may
//! take them below zero), `interlace:network:USD` (merchants), `interlace:external:USD`
//! (deposits), `interlace:fees:USD`.

use rust_decimal::Decimal;

use super::error::{Code, IlError};
use super::negatives;
use super::state::{AccessToken, Account, AuthCode, Card, Transaction, card_status};
use crate::clock::Timestamp;
use crate::ledger::{AccountId, AccountKind, AccountSpec, EntryDraft, HoldDraft, Metadata};
use crate::money::Currency;
use crate::tenant::World;

/// Lifetime of an authorisation code: 5 minutes.
pub const CODE_SECONDS: i64 = 300;
/// Lifetime of an access token: `expiresIn` 86400.
pub const TOKEN_SECONDS: i64 = 86_400;

fn usd() -> Currency {
    Currency::parse("USD").expect("USD is in the currency table")
}

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
    if let Ok(account) = world.ledger.account_by_key(&key) {
        return account.id;
    }
    let now = world.now();
    world
        .ledger
        .open_account(AccountSpec {
            key,
            kind,
            currency: usd(),
            allow_negative: negative,
            opened_at: now,
            metadata: Metadata::new(),
        })
        .expect("the key was just looked up and is free")
}

fn system(world: &mut World, role: &str) -> AccountId {
    let kind = if role == "fees" {
        AccountKind::Fee
    } else {
        AccountKind::External
    };
    open(world, format!("interlace:{role}:USD"), kind, true)
}

/// `oauth/authorize`: a single-use code valid for five minutes.
pub fn authorize(world: &mut World, client_id: &str) -> Result<String, IlError> {
    enabled(world)?;
    if !world
        .interlace
        .clients
        .iter()
        .any(|c| c.client_id == client_id)
    {
        return Err(IlError::unauthorized(format!(
            "unknown clientId {client_id:?}"
        )));
    }
    let code = world.ids.hex(32);
    let expires_at = world.now().plus_secs(CODE_SECONDS);
    world.interlace.codes.insert(
        code.clone(),
        AuthCode {
            client_id: client_id.to_owned(),
            expires_at,
            used: false,
        },
    );
    Ok(code)
}

fn issue(world: &mut World, client_id: &str) -> (String, String) {
    let access = world.ids.hex(40);
    let refresh = world.ids.hex(64);
    let expires_at = world.now().plus_secs(TOKEN_SECONDS);
    world.interlace.tokens.insert(
        access.clone(),
        AccessToken {
            client_id: client_id.to_owned(),
            expires_at,
        },
    );
    world
        .interlace
        .refresh_tokens
        .insert(refresh.clone(), client_id.to_owned());
    (access, refresh)
}

/// `oauth/access-token`: exchanges a fresh code and the client's secret for tokens.
pub fn access_token(
    world: &mut World,
    client_id: &str,
    client_secret: &str,
    code: &str,
) -> Result<(String, String), IlError> {
    enabled(world)?;
    let client = world
        .interlace
        .clients
        .iter()
        .find(|c| c.client_id == client_id)
        .ok_or_else(|| IlError::unauthorized(format!("unknown clientId {client_id:?}")))?;
    if client.client_secret != client_secret {
        return Err(IlError::unauthorized(
            "clientSecret does not match the clientId",
        ));
    }
    let now = world.now();
    match world.interlace.codes.get_mut(code) {
        Some(c) if c.client_id == client_id && !c.used && c.expires_at > now => c.used = true,
        Some(c) if c.used => {
            return Err(IlError::unauthorized(
                "the code was used already; get a new one from oauth/authorize",
            ));
        }
        Some(c) if c.client_id == client_id => {
            return Err(IlError::unauthorized(
                "the code has expired (codes last 5 minutes); get a new one",
            ));
        }
        _ => {
            return Err(IlError::unauthorized(
                "unknown code; get one from oauth/authorize",
            ));
        }
    }
    Ok(issue(world, client_id))
}

/// `oauth/refresh-token`: a new token pair for a refresh token (which is used up).
pub fn refresh(
    world: &mut World,
    client_id: &str,
    refresh_token: &str,
) -> Result<(String, String), IlError> {
    enabled(world)?;
    match world.interlace.refresh_tokens.get(refresh_token) {
        Some(owner) if owner == client_id => {}
        _ => {
            return Err(IlError::unauthorized(
                "unknown refreshToken for this clientId",
            ));
        }
    }
    world.interlace.refresh_tokens.remove(refresh_token);
    Ok(issue(world, client_id))
}

/// Accepts an access token that exists and has not expired on the tenant clock.
pub fn check_token(world: &World, token: &str) -> Result<(), IlError> {
    enabled(world)?;
    match world.interlace.tokens.get(token) {
        Some(t) if t.expires_at > world.now() => Ok(()),
        Some(_) => Err(IlError::unauthorized(
            "the access token has expired; get a new one (oauth/access-token or oauth/refresh-token)",
        )),
        None => Err(IlError::unauthorized(
            "unknown access token; send x-access-token from oauth/access-token",
        )),
    }
}

/// Opens an account with its Infinity and budget balances.
pub fn add_account(
    world: &mut World,
    id: Option<String>,
    account_type: u8,
    name: &str,
    name_en: &str,
    initialized: bool,
    kyc_passed: bool,
) -> usize {
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
    world.interlace.accounts.len() - 1
}

pub(crate) fn account(world: &World, account_id: &str) -> Result<usize, IlError> {
    world
        .interlace
        .account_index(account_id)
        .ok_or_else(|| IlError::not_found(format!("no account {account_id}")))
}

pub(crate) fn card(world: &World, card_id: &str) -> Result<usize, IlError> {
    world
        .interlace
        .card_index(card_id)
        .ok_or_else(|| IlError::not_found(format!("no card {card_id}")))
}

/// Money reaching an account from outside (a deposit): credits its Infinity balance,
/// then repays its negatives.
pub fn fund_account(world: &mut World, account: usize, amount: Decimal) -> Result<(), IlError> {
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
pub fn fund_budget(world: &mut World, account: usize, amount: Decimal) -> Result<(), IlError> {
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
pub fn create_card(
    world: &mut World,
    account_id: &str,
    cost: Decimal,
    budget: bool,
    label: &str,
    user_name: &str,
    card_id: Option<String>,
) -> Result<usize, IlError> {
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
                super::wire::money(available),
                super::wire::money(cost)
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
        created_at,
        ledger,
        negative_since: None,
    });
    Ok(world.interlace.cards.len() - 1)
}

/// Moves money between a prepaid card and its account's Infinity balance.
pub fn transfer(
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
                super::wire::money(available.max(Decimal::ZERO)),
                super::wire::money(amount)
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

/// Keeps a card's `negative_since` in step with its balance.
pub(crate) fn track_negative(world: &mut World, card: usize) {
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

/// Merchant details of a card transaction.
#[derive(Debug, Clone, Default)]
pub struct Merchant {
    pub name: String,
    pub city: String,
    pub country: String,
    pub mcc: String,
}

fn record(world: &mut World, tx: Transaction) -> usize {
    world.interlace.transactions.push(tx);
    world.interlace.transactions.len() - 1
}

fn blank(
    world: &mut World,
    card: usize,
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
pub fn authorization(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: &str,
    billing: Decimal,
    merchant: &Merchant,
) -> Result<usize, IlError> {
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
            super::wire::money(billing),
            super::wire::money(available.max(Decimal::ZERO))
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
                metadata: Metadata::from([("interlace.transaction_id".to_owned(), tx.id.clone())]),
            })?;
            tx.status = "PENDING".to_owned();
            tx.hold = Some(hold);
        }
    }
    Ok(record(world, tx))
}

fn pending_authorization(world: &World, authorization_id: &str) -> Result<usize, IlError> {
    let index = world
        .interlace
        .transactions
        .iter()
        .position(|t| t.id == authorization_id)
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
pub fn clearing(
    world: &mut World,
    authorization_id: &str,
    amount: Option<Decimal>,
) -> Result<usize, IlError> {
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
    let index = record(world, tx);
    track_negative(world, auth.card);
    Ok(index)
}

/// Reverses a pending authorisation: the hold is let go.
pub fn reversal(world: &mut World, authorization_id: &str) -> Result<usize, IlError> {
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
    Ok(record(world, tx))
}

/// A merchant refund onto the card.
pub fn refund(
    world: &mut World,
    card_id: &str,
    amount: Decimal,
    currency: &str,
    billing: Decimal,
    merchant: &Merchant,
) -> Result<usize, IlError> {
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
pub fn fee(world: &mut World, card_id: &str, amount: Decimal) -> Result<usize, IlError> {
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

/// A card's balance as the API shows it (its own, or its budget's).
pub fn card_balance(world: &World, card: usize) -> Decimal {
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
