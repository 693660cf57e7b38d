//! Global-account operations: legal entities reviewed on the clock, business accounts
//! (only for an ACTIVE legal entity), bank accounts, and business account transactions:
//! inbound deposits and outbound transfers moving through their statuses one clock step
//! at a time. Money moves only when a transaction reaches CLOSED (an outbound transfer
//! holds amount and fee while pending, and gives them back when refunded or cancelled).
//!
//! Ledger accounts (keys): `interlace:business:<id>` per business account (never below
//! zero), `interlace:bank:<CUR>` (the outside world), `interlace:fees:<CUR>`.

use rust_decimal::Decimal;

use super::bank;
use super::state::{
    BankAccount, BusinessAccount, BusinessAccountIdx, GlobalTx, GlobalTxIdx, LEGAL_ENTITY_STATUSES,
    LegalEntity, LegalEntityIdx,
};
use crate::ledger::{AccountId, AccountKind, AccountSpec, EntryDraft, HoldDraft, Metadata};
use crate::money::Currency;
use crate::providers::interlace::error::{Code, IlError};
use crate::providers::interlace::ops;
use crate::scheduler::Event;
use crate::tenant::World;

/// Event kind: move a legal entity to its next review status. Data: `entity`, `to`.
pub(crate) const LEGAL_ENTITY_STEP: &str = "interlace.legal_entity_step";
/// Event kind: move a transaction one status along its path. Data: `tx`.
pub(crate) const TRANSACTION_STEP: &str = "interlace.global_tx_step";

fn open(
    world: &mut World,
    key: String,
    kind: AccountKind,
    currency: Currency,
    negative: bool,
) -> AccountId {
    let now = world.now();
    world.ledger.open_or_get(AccountSpec {
        key,
        kind,
        currency,
        allow_negative: negative,
        opened_at: now,
        metadata: Metadata::new(),
    })
}

/// Creates a legal entity, PENDING; the clock moves it to PROCESSING, then ACTIVE.
pub(crate) fn create_legal_entity(
    world: &mut World,
    account_id: &str,
    account_name: Option<&str>,
) -> Result<LegalEntityIdx, IlError> {
    let account = ops::account(world, account_id)?;
    let name = account_name.map_or_else(
        || world.interlace.accounts[account].name.clone(),
        str::to_owned,
    );
    let id = world.ids.uuid();
    let now = world.now();
    let settings = &world.interlace.global.settings;
    let (processing, active) = (
        settings.legal_entity_processing_seconds,
        settings.legal_entity_active_seconds,
    );
    world.interlace.global.legal_entities.push(LegalEntity {
        id,
        account,
        account_name: name,
        message: "Legal entity created successfully".to_owned(),
        status: "PENDING".to_owned(),
        created_at: now,
    });
    let index = LegalEntityIdx(world.interlace.global.legal_entities.len() - 1);
    world.schedule(
        now.plus_secs(processing),
        LEGAL_ENTITY_STEP,
        &[
            ("entity", index.to_string()),
            ("to", "PROCESSING".to_owned()),
        ],
    );
    world.schedule(
        now.plus_secs(processing + active),
        LEGAL_ENTITY_STEP,
        &[("entity", index.to_string()), ("to", "ACTIVE".to_owned())],
    );
    Ok(index)
}

/// Scheduler handler: a legal entity's review moves on.
pub(crate) fn legal_entity_step(world: &mut World, event: &Event) -> Result<(), String> {
    let index: LegalEntityIdx = event
        .data
        .get("entity")
        .and_then(|e| e.parse().ok())
        .ok_or("no entity index")?;
    let to = event.data.get("to").ok_or("no target status")?.clone();
    let entity = world
        .interlace
        .global
        .legal_entities
        .get_mut(index.0)
        .ok_or("no such legal entity")?;
    entity.message = match to.as_str() {
        "ACTIVE" => "Legal entity approved".to_owned(),
        _ => "Legal entity under review".to_owned(),
    };
    entity.status = to;
    crate::providers::interlace::webhooks::legal_entity_status(world, index);
    Ok(())
}

/// Sets a legal entity's status (simulation), cancelling its pending review steps.
pub(crate) fn force_legal_entity_status(
    world: &mut World,
    id: &str,
    status: &str,
) -> Result<LegalEntityIdx, IlError> {
    let index = world
        .interlace
        .global
        .legal_entity(id)
        .ok_or_else(|| IlError::not_found(format!("no legal entity {id}")))?;
    if !LEGAL_ENTITY_STATUSES.contains(&status) {
        return Err(IlError::param(format!(
            "status must be one of {}, got {status:?}",
            LEGAL_ENTITY_STATUSES.join(", ")
        )));
    }
    let key = index.to_string();
    world
        .scheduler
        .retain(|e| !(e.kind == LEGAL_ENTITY_STEP && e.data.get("entity") == Some(&key)));
    let entity = &mut world.interlace.global.legal_entities[index];
    entity.status = status.to_owned();
    entity.message = format!("Legal entity status set to {status}");
    crate::providers::interlace::webhooks::legal_entity_status(world, index);
    Ok(index)
}

/// Opens a business account for an account with an ACTIVE legal entity.
pub(crate) fn create_business_account(
    world: &mut World,
    account_id: &str,
    nickname: &str,
    purpose: &str,
    currency: Currency,
    id: Option<String>,
) -> Result<BusinessAccountIdx, IlError> {
    let account = ops::account(world, account_id)?;
    let global = &world.interlace.global;
    if !global
        .legal_entities
        .iter()
        .any(|l| l.account == account && l.status == "ACTIVE")
    {
        return Err(IlError::new(
            Code::NotAllowed,
            format!(
                "account {account_id} has no ACTIVE legal entity; business accounts open once its legal entity is approved"
            ),
        ));
    }
    if global
        .business_accounts
        .iter()
        .any(|b| b.account == account && b.nickname == nickname)
    {
        return Err(IlError::param(format!(
            "nickname {nickname:?} is already used by a business account of this account"
        )));
    }
    if !global.settings.fees.contains_key(&currency) {
        return Err(IlError::param(format!(
            "currency {} is not offered; offered: {}",
            currency.code(),
            global
                .settings
                .fees
                .keys()
                .map(|c| c.code())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let id = id.unwrap_or_else(|| world.ids.uuid());
    let ledger = open(
        world,
        format!("interlace:business:{id}"),
        AccountKind::Wallet,
        currency,
        false,
    );
    let balance_id = world.ids.uuid();
    let created_at = world.now();
    world
        .interlace
        .global
        .business_accounts
        .push(BusinessAccount {
            id,
            account,
            nickname: nickname.to_owned(),
            purpose: purpose.to_owned(),
            currency,
            balance_id,
            ledger,
            created_at,
            bank_accounts: Vec::new(),
        });
    Ok(BusinessAccountIdx(
        world.interlace.global.business_accounts.len() - 1,
    ))
}

pub(crate) fn business_account(world: &World, id: &str) -> Result<BusinessAccountIdx, IlError> {
    world
        .interlace
        .global
        .business_account(id)
        .ok_or_else(|| IlError::not_found(format!("no business account {id}")))
}

/// Adds a bank account (virtual account) to a business account.
pub(crate) fn create_bank_account(
    world: &mut World,
    business_account_id: &str,
    account_name: Option<&str>,
) -> Result<usize, IlError> {
    let index = business_account(world, business_account_id)?;
    let ba = &world.interlace.global.business_accounts[index];
    let currency = ba.currency.code();
    let name = account_name.map_or_else(
        || world.interlace.accounts[ba.account].name.clone(),
        str::to_owned,
    );
    let details = bank::details(&mut world.ids, currency)
        .ok_or_else(|| IlError::param(format!("no bank accounts in {currency}")))?;
    let created_at = world.now();
    let ba = &mut world.interlace.global.business_accounts[index];
    ba.bank_accounts.push(BankAccount {
        status: "ACTIVE".to_owned(),
        account_name: name,
        details,
        created_at,
    });
    Ok(ba.bank_accounts.len() - 1)
}

fn display_id(world: &mut World) -> String {
    let dt = world.now().to_datetime();
    world.interlace.global.next_display += 1;
    format!(
        "{:02}{:02}{:02}{:02}{:02}{:06}",
        dt.year() % 100,
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        world.interlace.global.next_display % 1_000_000
    )
}

/// How an inbound deposit ends (simulation `outcome`).
pub(crate) const INBOUND_OUTCOMES: [&str; 5] =
    ["closed", "confirm", "rejected", "cancelled", "unknown"];

/// An inbound deposit: REQUESTED, then along the outcome's path on the clock; the
/// balance moves only when it reaches CLOSED.
#[allow(clippy::too_many_arguments)]
pub(crate) fn deposit(
    world: &mut World,
    business_account_id: &str,
    amount: Decimal,
    counterparty: &str,
    reference: &str,
    outcome: &str,
) -> Result<GlobalTxIdx, IlError> {
    let index = business_account(world, business_account_id)?;
    let currency = world.interlace.global.business_accounts[index].currency;
    check_amount(amount, currency)?;
    let path: Vec<&str> = match outcome {
        "closed" => vec!["PENDING", "CLOSED"],
        "confirm" => vec![
            "INBOUND_RELATIONSHIP_CONFIRM_REQUEST",
            "INBOUND_RELATIONSHIP_CONFIRM",
            "CLOSED",
        ],
        "rejected" => vec!["REJECTED"],
        "cancelled" => vec!["CANCELLED"],
        "unknown" => vec!["UNKNOWN"],
        other => {
            return Err(IlError::param(format!(
                "outcome must be one of {}, got {other:?}",
                INBOUND_OUTCOMES.join(", ")
            )));
        }
    };
    let id = world.ids.uuid();
    let origin = world.ids.uuid();
    let client = world.ids.uuid();
    let tx = GlobalTx {
        id,
        business_account: index,
        currency,
        counterparty: counterparty.to_owned(),
        amount,
        display_id: display_id(world),
        fee: None,
        business_type: "INBOUND".to_owned(),
        status: "REQUESTED".to_owned(),
        reference: reference.to_owned(),
        origin_transfer_id: origin,
        client_transaction_id: client,
        time: world.now(),
        path: path.into_iter().map(str::to_owned).collect(),
        hold: None,
    };
    let step = world.interlace.global.settings.inbound_step_seconds;
    Ok(push_and_schedule(world, tx, step))
}

fn check_amount(amount: Decimal, currency: Currency) -> Result<(), IlError> {
    if amount <= Decimal::ZERO {
        return Err(IlError::param(format!(
            "amount must be greater than 0, got {amount}"
        )));
    }
    if amount.normalize().scale() > currency.scale() {
        return Err(IlError::param(format!(
            "amount {amount} has more decimals than {} allows",
            currency.code()
        )));
    }
    Ok(())
}

fn push_and_schedule(world: &mut World, tx: GlobalTx, after: i64) -> GlobalTxIdx {
    let has_path = !tx.path.is_empty();
    let due = tx.time.plus_secs(after);
    let index = world.interlace.global.push(tx);
    crate::providers::interlace::webhooks::business_transaction(
        world,
        index,
        "BUSINESS_ACCOUNT_TRANSACTION.CREATED",
    );
    if has_path {
        world.schedule(due, TRANSACTION_STEP, &[("tx", index.to_string())]);
    }
    index
}

/// An outbound transfer: amount plus the platform fee are held; PENDING until the
/// clock settles it to CLOSED. A repeated `clientTransactionId` returns the first.
pub(crate) fn transfer_external(
    world: &mut World,
    from: &str,
    amount: Decimal,
    currency: Currency,
    counterparty: &str,
    reference: &str,
    client_transaction_id: &str,
) -> Result<GlobalTxIdx, IlError> {
    let index = world
        .interlace
        .global
        .business_accounts
        .iter()
        .position(|b| b.balance_id == from || b.id == from)
        .map(BusinessAccountIdx)
        .ok_or_else(|| IlError::not_found(format!("no balance {from}")))?;
    let account = world.interlace.global.business_accounts[index].account;
    if let Some(first) = world
        .interlace
        .global
        .outbound_repeat(account, client_transaction_id)
    {
        return Ok(first);
    }
    let ba = &world.interlace.global.business_accounts[index];
    if ba.currency != currency {
        return Err(IlError::param(format!(
            "currency {} does not match the balance's {}",
            currency.code(),
            ba.currency.code()
        )));
    }
    check_amount(amount, currency)?;
    let fee = world
        .interlace
        .global
        .settings
        .fees
        .get(&currency)
        .copied()
        .unwrap_or_default();
    let ledger = ba.ledger;
    let available = world.ledger.balance(ledger)?.available;
    if available < amount + fee {
        return Err(IlError::new(
            Code::InsufficientBalance,
            format!(
                "the balance holds {} {}, less than the amount {} plus the fee {}",
                available,
                currency.code(),
                amount,
                fee
            ),
        ));
    }
    let now = world.now();
    let hold = world.ledger.place_hold(HoldDraft {
        account: ledger,
        amount: amount + fee,
        placed_at: now,
        expires_at: None,
        metadata: Metadata::from([(
            "interlace.client_transaction_id",
            client_transaction_id.to_owned(),
        )]),
    })?;
    let id = world.ids.uuid();
    let origin = world.ids.uuid();
    let tx = GlobalTx {
        id,
        business_account: index,
        currency,
        counterparty: counterparty.to_owned(),
        amount,
        display_id: display_id(world),
        fee: Some(fee),
        business_type: "OUTBOUND".to_owned(),
        status: "PENDING".to_owned(),
        reference: reference.to_owned(),
        origin_transfer_id: origin,
        client_transaction_id: client_transaction_id.to_owned(),
        time: now,
        path: vec!["CLOSED".to_owned()],
        hold: Some(hold),
    };
    let settle = world.interlace.global.settings.outbound_settle_seconds;
    Ok(push_and_schedule(world, tx, settle))
}

fn pending_outbound(world: &World, id: &str) -> Result<GlobalTxIdx, IlError> {
    let index = world
        .interlace
        .global
        .transactions
        // From the end: a transfer still pending is a recent one.
        .rposition(|t| t.id == id)
        .map(GlobalTxIdx)
        .ok_or_else(|| IlError::not_found(format!("no transaction {id}")))?;
    let tx = &world.interlace.global.transactions[index];
    if tx.business_type != "OUTBOUND" || tx.status != "PENDING" {
        return Err(IlError::new(
            Code::NotAllowed,
            format!(
                "transaction {id} is {} {}, not a PENDING outbound transfer",
                tx.status, tx.business_type
            ),
        ));
    }
    Ok(index)
}

fn unschedule(world: &mut World, index: GlobalTxIdx) {
    let key = index.to_string();
    world
        .scheduler
        .retain(|e| !(e.kind == TRANSACTION_STEP && e.data.get("tx") == Some(&key)));
}

/// The user cancels a pending outbound transfer: USER_CANCELLED, amount and fee back.
pub(crate) fn cancel_transfer(world: &mut World, id: &str) -> Result<GlobalTxIdx, IlError> {
    let index = pending_outbound(world, id)?;
    unschedule(world, index);
    let now = world.now();
    if let Some(hold) = world.interlace.global.transactions[index].hold.take() {
        world.ledger.release_hold(hold, now)?;
    }
    let tx = &mut world.interlace.global.transactions[index];
    tx.status = "USER_CANCELLED".to_owned();
    tx.path.clear();
    crate::providers::interlace::webhooks::business_transaction(
        world,
        index,
        "BUSINESS_ACCOUNT_TRANSACTION.STATUS_CHANGED",
    );
    Ok(index)
}

/// The bank fails a pending outbound transfer: PAYMENT_FAILED now, REFUNDING (amount and
/// fee back) after the refund delay.
pub(crate) fn fail_transfer(world: &mut World, id: &str) -> Result<GlobalTxIdx, IlError> {
    let index = pending_outbound(world, id)?;
    unschedule(world, index);
    let refund = world.interlace.global.settings.refund_seconds;
    let now = world.now();
    let tx = &mut world.interlace.global.transactions[index];
    tx.status = "PAYMENT_FAILED".to_owned();
    tx.path = vec!["REFUNDING".to_owned()];
    crate::providers::interlace::webhooks::business_transaction(
        world,
        index,
        "BUSINESS_ACCOUNT_TRANSACTION.STATUS_CHANGED",
    );
    world.schedule(
        now.plus_secs(refund),
        TRANSACTION_STEP,
        &[("tx", index.to_string())],
    );
    Ok(index)
}

/// Scheduler handler: a transaction takes the next status of its path; CLOSED moves
/// the money, REFUNDING gives a failed transfer's hold back.
pub(crate) fn transaction_step(world: &mut World, event: &Event) -> Result<(), String> {
    let index: GlobalTxIdx = event
        .data
        .get("tx")
        .and_then(|t| t.parse().ok())
        .ok_or("no transaction index")?;
    let tx = world
        .interlace
        .global
        .transactions
        .get(index.0)
        .cloned()
        .ok_or("no such transaction")?;
    let Some(next) = tx.path.first().cloned() else {
        return Ok(());
    };
    let ba = world.interlace.global.business_accounts[tx.business_account].clone();
    let now = world.now();
    match (tx.business_type.as_str(), next.as_str()) {
        ("INBOUND", "CLOSED") => {
            let bank = open(
                world,
                format!("interlace:bank:{}", tx.currency.code()),
                AccountKind::External,
                tx.currency,
                true,
            );
            world
                .ledger
                .post(
                    EntryDraft::transfer(
                        now,
                        "interlace.business_inbound",
                        bank,
                        ba.ledger,
                        tx.amount,
                    )
                    .with_metadata("interlace.transaction_id", tx.id.clone()),
                )
                .map_err(|e| e.to_string())?;
        }
        ("OUTBOUND", "CLOSED") => {
            let bank = open(
                world,
                format!("interlace:bank:{}", tx.currency.code()),
                AccountKind::External,
                tx.currency,
                true,
            );
            let fees = open(
                world,
                format!("interlace:fees:{}", tx.currency.code()),
                AccountKind::Fee,
                tx.currency,
                true,
            );
            let fee = tx.fee.unwrap_or_default();
            let mut legs = vec![
                crate::ledger::Leg {
                    account: ba.ledger,
                    amount: -(tx.amount + fee),
                },
                crate::ledger::Leg {
                    account: bank,
                    amount: tx.amount,
                },
            ];
            if !fee.is_zero() {
                legs.push(crate::ledger::Leg {
                    account: fees,
                    amount: fee,
                });
            }
            let hold = tx.hold.ok_or("a pending transfer holds its amount")?;
            world
                .ledger
                .capture_hold(
                    hold,
                    EntryDraft {
                        time: now,
                        kind: "interlace.business_outbound".to_owned(),
                        legs,
                        metadata: Metadata::from([("interlace.transaction_id", tx.id.clone())]),
                    },
                )
                .map_err(|e| e.to_string())?;
            world.interlace.global.transactions[index].hold = None;
        }
        ("OUTBOUND", "REFUNDING") => {
            if let Some(hold) = tx.hold {
                world
                    .ledger
                    .release_hold(hold, now)
                    .map_err(|e| e.to_string())?;
            }
            world.interlace.global.transactions[index].hold = None;
        }
        _ => {}
    }
    // Reviewing documents takes longer than a bank step: the confirm request waits two
    // steps, the confirmation three.
    let steps = match next.as_str() {
        "INBOUND_RELATIONSHIP_CONFIRM_REQUEST" => 2,
        "INBOUND_RELATIONSHIP_CONFIRM" => 3,
        _ => 1,
    };
    let t = &mut world.interlace.global.transactions[index];
    t.status = next;
    t.path.remove(0);
    let more = !t.path.is_empty();
    crate::providers::interlace::webhooks::business_transaction(
        world,
        index,
        "BUSINESS_ACCOUNT_TRANSACTION.STATUS_CHANGED",
    );
    if more {
        let step = world.interlace.global.settings.inbound_step_seconds;
        world.schedule(
            now.plus_secs(step * steps),
            TRANSACTION_STEP,
            &[("tx", index.to_string())],
        );
    }
    Ok(())
}
