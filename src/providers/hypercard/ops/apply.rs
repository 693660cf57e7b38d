//! A card's first mile: the express application (with or without its opening
//! deposit), the review that issues or refuses it on the tenant clock, and activation.
//!
//! An application opens its card at once (pre-apply, or under review), so the card id
//! is known from the start; its money arrives only through the opening deposit, a
//! recharge held on the merchant's balance that settles when the card is issued and is
//! released when it is refused.

use rust_decimal::Decimal;

use super::recharge::{check_opening_deposit, fail, settle};
use super::*;
use crate::money::Currency;
use crate::providers::hypercard::error::{Code, HcError};
use crate::providers::hypercard::state::{Application, ReviewOutcome, apply_result, card_status};
use crate::providers::hypercard::webhooks;
use crate::tenant::World;

/// Event kind: the review of an application ends. Data: `application` (index).
pub(crate) const APPLICATION_REVIEW: &str = "hypercard.application_review";
/// Event kind: a card's activation completes. Data: `card` (index).
pub(crate) const ACTIVATION_DONE: &str = "hypercard.activation_done";

/// The express apply type (the only one whose request body is documented).
pub(crate) const EXPRESS: u8 = 2;
/// Activation types: 1 via the API with an ID document, 2 via email, 3 via the API
/// without one.
pub(crate) mod activate_type {
    pub(crate) const WITH_DOCUMENT: u8 = 1;
    pub(crate) const EMAIL: u8 = 2;
    pub(crate) const WITHOUT_DOCUMENT: u8 = 3;
}

/// The coin an express application's `first_recharge_amount` is paid in.
pub(crate) const DEPOSIT_COIN: &str = "USDT";

/// What an express application carries (`base_info` flattened).
#[derive(Debug, Clone, Default)]
pub(crate) struct ApplyRequest {
    pub mc_trade_no: String,
    pub card_type_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub mobile: String,
    pub mobile_code: String,
    pub user_ip: String,
    pub first_recharge_amount: Option<Decimal>,
    /// A card id to use (scenarios); drawn from the product's BIN and the seed when absent.
    pub card_id: Option<String>,
}

/// Files an express application: opens its card (pre-apply when the product needs a
/// first recharge and none came with the application, else under review), holds the
/// opening deposit when there is one, and schedules the review.
pub(crate) fn apply(world: &mut World, req: &ApplyRequest) -> Result<ApplicationIdx, HcError> {
    settings(world)?;
    if world.hypercard.trade_no_taken(&req.mc_trade_no) {
        return Err(HcError::new(
            Code::A0005,
            format!("mc_trade_no {} was used before", req.mc_trade_no),
        ));
    }
    let product = world
        .hypercard
        .product_by_id(&req.card_type_id)
        .ok_or_else(|| {
            HcError::param(format!(
                "card_type_id {:?} is not a card product; /v5/openapi/card/list lists them",
                req.card_type_id
            ))
        })?;
    let p = &world.hypercard.products[product];
    if p.apply_type != EXPRESS {
        return Err(HcError::new(
            Code::A0011,
            format!(
                "card type {} is applied for with apply_type {}, not express (2); the sandbox emulates express applications only",
                p.card_type_id, p.apply_type
            ),
        ));
    }
    let incomplete = world.hypercard.applications.iter().any(|a| {
        a.result == apply_result::PENDING
            && a.email.eq_ignore_ascii_case(&req.email)
            && world.hypercard.cards[a.card].product == product
    });
    if incomplete {
        return Err(HcError::new(
            Code::A0008,
            format!(
                "{} has an incomplete application for card type {} already",
                req.email, req.card_type_id
            ),
        ));
    }
    let need_first_recharge = p.need_first_recharge;
    let deposit_coin = Currency::parse(DEPOSIT_COIN).expect("USDT is in the currency table");
    if let Some(amount) = req.first_recharge_amount {
        positive(amount, "first_recharge_amount")?;
        check_opening_deposit(p, amount)?;
        // Everything that can refuse the deposit is checked before the card opens.
        let quote = quote(world, product, deposit_coin, amount)?;
        let key = format!("hypercard:merchant:{}", deposit_coin.code());
        let available = match world.ledger.account_by_key(&key) {
            Ok(account) => world.ledger.balance(account.id)?.available,
            Err(_) => Decimal::ZERO,
        };
        if available < quote.coin_amount + quote.fee {
            return Err(HcError::new(
                Code::A0006,
                format!(
                    "the merchant's usdt balance ({available}) cannot pay the first recharge ({})",
                    quote.coin_amount + quote.fee
                ),
            ));
        }
    }
    let waits_for_deposit = need_first_recharge && req.first_recharge_amount.is_none();
    let status = if waits_for_deposit {
        card_status::PRE_APPLY
    } else {
        card_status::REVIEWING
    };
    let card = card::new_card(world, product, req.card_id.clone(), Decimal::ZERO, status)?;
    let now = world.now();
    let index = ApplicationIdx(world.hypercard.applications.len());
    world.hypercard.applications.push(Application {
        mc_trade_no: req.mc_trade_no.clone(),
        card,
        email: req.email.clone(),
        first_name: req.first_name.clone(),
        last_name: req.last_name.clone(),
        mobile: req.mobile.clone(),
        mobile_code: req.mobile_code.clone(),
        user_ip: req.user_ip.clone(),
        created_at: now,
        result: apply_result::PENDING,
        fail_code: String::new(),
        fail_reason: String::new(),
        deposit: None,
    });
    if let Some(amount) = req.first_recharge_amount {
        let deposit = super::recharge::place(
            world,
            card,
            &req.mc_trade_no,
            deposit_coin,
            amount,
            "first recharge",
        )?;
        world.hypercard.applications[index].deposit = Some(deposit);
    }
    if !waits_for_deposit {
        schedule_review(world, index);
    }
    Ok(index)
}

/// A recharge on a card in pre-apply was its opening deposit: the application goes
/// under review.
pub(super) fn deposit_made(world: &mut World, card: CardIdx, recharge: RechargeIdx) {
    let Some(index) = world.hypercard.application_of(card) else {
        return;
    };
    world.hypercard.applications[index].deposit = Some(recharge);
    set_status(world, card, card_status::REVIEWING);
    schedule_review(world, index);
}

fn schedule_review(world: &mut World, index: ApplicationIdx) {
    let card = world.hypercard.applications[index].card;
    let rule = &world.hypercard.products[world.hypercard.cards[card].product].application;
    if rule.outcome == ReviewOutcome::Pending {
        return;
    }
    let due = world.now().plus_secs(rule.review_seconds);
    world.schedule(
        due,
        APPLICATION_REVIEW,
        &[("application", index.to_string())],
    );
}

/// Scheduler handler: the product's review outcome for an application.
pub(crate) fn review_application(
    world: &mut World,
    event: &crate::scheduler::Event,
) -> Result<(), String> {
    let index: ApplicationIdx = event
        .data
        .get("application")
        .and_then(|a| a.parse().ok())
        .ok_or("event has no application index")?;
    let app = world
        .hypercard
        .applications
        .get(index.0)
        .ok_or("no such application")?;
    let card = &world.hypercard.cards[app.card];
    if app.result != apply_result::PENDING || card.status != card_status::REVIEWING {
        return Ok(());
    }
    match world.hypercard.products[card.product]
        .application
        .outcome
        .clone()
    {
        ReviewOutcome::Issue => issue(world, index),
        ReviewOutcome::Refuse {
            fail_code,
            fail_reason,
        } => refuse(world, index, &fail_code, &fail_reason),
        ReviewOutcome::Pending => Ok(()),
    }
}

/// Issues the application's card: review passed (status 3), the opening deposit
/// settles onto it, `OPEN_CARD` result 1. A product activated by email starts its
/// activation at once (the sandbox stands in for the cardholder).
pub(crate) fn issue(world: &mut World, index: ApplicationIdx) -> Result<(), String> {
    let app = world.hypercard.applications[index].clone();
    if let Some(deposit) = app.deposit {
        settle(world, deposit)?;
    }
    world.hypercard.applications[index].result = apply_result::ISSUED;
    webhooks::open_card(world, index);
    set_status(world, app.card, card_status::REVIEW_PASSED);
    let product = &world.hypercard.products[world.hypercard.cards[app.card].product];
    if product.activate_type == activate_type::EMAIL {
        start_activation(world, app.card, card_status::ACTIVATING);
    }
    Ok(())
}

/// Refuses the application: review rejected (status 4), the opening deposit is
/// released and fails, `OPEN_CARD` result 2 with the reason as `remark`.
pub(crate) fn refuse(
    world: &mut World,
    index: ApplicationIdx,
    fail_code: &str,
    fail_reason: &str,
) -> Result<(), String> {
    let app = world.hypercard.applications[index].clone();
    if let Some(deposit) = app.deposit {
        fail(world, deposit, fail_reason)?;
    }
    let a = &mut world.hypercard.applications[index];
    a.result = apply_result::REFUSED;
    fail_code.clone_into(&mut a.fail_code);
    fail_reason.clone_into(&mut a.fail_reason);
    webhooks::open_card(world, index);
    set_status(world, app.card, card_status::REVIEW_REJECTED);
    Ok(())
}

/// Activates an issued card through the API (`/openapi/card/active`): with an ID
/// document (activate_type 1, `document` required) the activation is reviewed
/// (status 11), without (activate_type 3) it is under way (status 7); either becomes
/// activated (9) `activation_seconds` later. `document` is checked by the caller.
pub(crate) fn activate(world: &mut World, card_id: &str, document: bool) -> Result<(), HcError> {
    let card = card(world, card_id)?;
    let product = product_of(world, card);
    let status = world.hypercard.cards[card].status;
    let next = match product.activate_type {
        activate_type::EMAIL => {
            return Err(HcError::new(
                Code::A0000,
                format!(
                    "card type {} is activated by the cardholder through email, not through the API",
                    product.card_type_id
                ),
            ));
        }
        activate_type::WITH_DOCUMENT if !document => {
            return Err(HcError::param(format!(
                "file is required: card type {} is activated with an ID document (activate_type 1)",
                product.card_type_id
            )));
        }
        activate_type::WITH_DOCUMENT => card_status::ACTIVATION_REVIEWING,
        _ => card_status::ACTIVATING,
    };
    match status {
        card_status::REVIEW_PASSED => {}
        card_status::ACTIVATING | card_status::ACTIVATION_REVIEWING => {
            return Err(HcError::new(
                Code::A0005,
                format!("card {card_id} is being activated already"),
            ));
        }
        card_status::PRE_APPLY | card_status::REVIEWING => {
            return Err(HcError::new(
                Code::A0000,
                format!(
                    "card {card_id} is not issued yet (status {status}); activate it once its application result is issued"
                ),
            ));
        }
        other => {
            return Err(HcError::new(
                Code::A0000,
                format!(
                    "card {card_id} cannot be activated in status {other} (only an issued card, status 3, can)"
                ),
            ));
        }
    }
    start_activation(world, card, next);
    Ok(())
}

fn start_activation(world: &mut World, card: CardIdx, status: u8) {
    set_status(world, card, status);
    let seconds = product_of(world, card).application.activation_seconds;
    let due = world.now().plus_secs(seconds);
    world.schedule(due, ACTIVATION_DONE, &[("card", card.to_string())]);
}

/// Scheduler handler: an activation under way completes (status 9).
pub(crate) fn finish_activation(
    world: &mut World,
    event: &crate::scheduler::Event,
) -> Result<(), String> {
    let card: CardIdx = event
        .data
        .get("card")
        .and_then(|c| c.parse().ok())
        .ok_or("event has no card index")?;
    let status = world
        .hypercard
        .cards
        .get(card.0)
        .ok_or("no such card")?
        .status;
    if matches!(
        status,
        card_status::ACTIVATING | card_status::ACTIVATION_REVIEWING
    ) {
        set_status(world, card, card_status::ACTIVATED);
    }
    Ok(())
}

/// Completes an issued card's activation at once (scenarios that start with an
/// activated card), whatever way the product activates.
pub(crate) fn complete_activation(world: &mut World, card: CardIdx) {
    if matches!(
        world.hypercard.cards[card].status,
        card_status::REVIEW_PASSED | card_status::ACTIVATING | card_status::ACTIVATION_REVIEWING
    ) {
        set_status(world, card, card_status::ACTIVATED);
    }
}

/// Moves a card to `status` and pushes `CARD_STATUS_CHANGE`.
fn set_status(world: &mut World, card: CardIdx, status: u8) {
    let old = world.hypercard.cards[card].status;
    if old == status {
        return;
    }
    world.hypercard.cards[card].status = status;
    let card_id = world.hypercard.cards[card].card_id.clone();
    webhooks::card_status_change(world, &card_id, old, status);
}
