//! Onboarding operations: registering a sub-account under its parent, recording uploaded
//! files, KYC submission and its review on the tenant clock (or at once through the
//! sandbox-only review simulation), initialising the Infinity balance, cardholders and
//! their review, prepaid cards issued to a cardholder on a BIN, card-display tokens, and
//! transfers between two accounts' Infinity balances. Each checks its inputs, then
//! changes the ledger and the records together.

use rust_decimal::Decimal;

use super::bins::{self, Bin};
use super::state::{
    Cardholder, CardholderIdx, CaseIdx, DisplayToken, KycCase, Outcome, Profile, UploadedFile,
    cardholder_status, kyc_status,
};
use crate::ledger::EntryDraft;
use crate::providers::interlace::error::{Code, IlError};
use crate::providers::interlace::state::{AccountIdx, CardIdx};
use crate::providers::interlace::{ops, webhooks};
use crate::scheduler::Event;
use crate::tenant::World;

/// Event kind: a KYC case's review ends. Data: `case`.
pub(crate) const KYC_REVIEW: &str = "interlace.kyc_review";
/// Event kind: a cardholder's review ends. Data: `cardholder`.
pub(crate) const CARDHOLDER_REVIEW: &str = "interlace.cardholder_review";
/// Lifetime of a card-display token: 5 minutes.
pub(crate) const DISPLAY_TOKEN_SECONDS: i64 = 300;

/// The account's `kycStatus`: its profile's, else `Passed` or `Na` from the account.
pub(crate) fn kyc_status_of(world: &World, account: AccountIdx) -> String {
    let a = &world.interlace.accounts[account];
    match world.interlace.onboarding.profiles.get(&a.id) {
        Some(p) => p.kyc_status.clone(),
        None if a.kyc_passed => kyc_status::PASSED.to_owned(),
        None => kyc_status::NA.to_owned(),
    }
}

/// Contact details of a new sub-account.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registration {
    pub parent_id: String,
    pub name: String,
    pub email: String,
    pub phone_number: String,
    pub phone_country_code: String,
}

/// Registers a sub-account (type 1) under `parent_id`: no KYC, not initialised.
pub(crate) fn register(world: &mut World, reg: &Registration) -> Result<AccountIdx, IlError> {
    let parent = ops::account(world, &reg.parent_id)?;
    if world.interlace.accounts[parent].account_type != 0 {
        return Err(IlError::new(
            Code::NotAllowed,
            format!(
                "parentAccountId {} is a sub-account; sub-accounts are registered under an API client's own account",
                reg.parent_id
            ),
        ));
    }
    let email = reg.email.to_ascii_lowercase();
    if world
        .interlace
        .onboarding
        .profiles
        .values()
        .any(|p| p.email == email)
    {
        return Err(IlError::param(format!(
            "email {email} is already registered"
        )));
    }
    let index = ops::add_account(world, None, 1, &reg.name, &reg.name, false, false);
    let id = world.interlace.accounts[index].id.clone();
    world.interlace.onboarding.profiles.insert(
        id,
        Profile {
            parent: Some(reg.parent_id.clone()),
            email,
            phone_number: reg.phone_number.clone(),
            phone_country_code: reg.phone_country_code.clone(),
            kyc_status: kyc_status::NA.to_owned(),
            kyc_message: String::new(),
        },
    );
    Ok(index)
}

/// Records uploaded files (name, type, size) for an account; answers their ids.
pub(crate) fn upload(
    world: &mut World,
    account_id: &str,
    files: &[(String, &'static str, u64)],
) -> Result<Vec<String>, IlError> {
    ops::account(world, account_id)?;
    let now = world.now();
    let mut ids = Vec::with_capacity(files.len());
    for (name, content_type, size) in files {
        let id = world.ids.uuid();
        world.interlace.onboarding.files.push(UploadedFile {
            id: id.clone(),
            account_id: account_id.to_owned(),
            name: name.clone(),
            content_type: (*content_type).to_owned(),
            size: *size,
            uploaded_at: now,
        });
        ids.push(id);
    }
    Ok(ids)
}

/// What a KYC submission carries, checked for shape by the handler.
#[derive(Debug, Clone, Default)]
pub(crate) struct KycForm {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub gender: String,
    pub nationality: String,
    pub id_type: String,
    pub country: String,
    pub files: Vec<(String, String)>,
}

/// Submits KYC for an account: its files must be its own uploads; the review is
/// scheduled on the tenant clock.
pub(crate) fn submit_kyc(
    world: &mut World,
    account_id: &str,
    form: KycForm,
) -> Result<CaseIdx, IlError> {
    let account = ops::account(world, account_id)?;
    match kyc_status_of(world, account).as_str() {
        kyc_status::PASSED => {
            return Err(IlError::new(
                Code::NotAllowed,
                format!("account {account_id} has passed KYC already"),
            ));
        }
        kyc_status::PENDING => {
            return Err(IlError::new(
                Code::NotAllowed,
                format!("a KYC case of account {account_id} is under review"),
            ));
        }
        _ => {}
    }
    for (field, file) in &form.files {
        let owned = world
            .interlace
            .onboarding
            .files
            .iter()
            .any(|f| &f.id == file && f.account_id == account_id);
        if !owned {
            return Err(IlError::param(format!(
                "{field} {file} is not a file uploaded for account {account_id} (POST /open-api/v3/files/upload)"
            )));
        }
    }
    let id = world.ids.uuid();
    let now = world.now();
    let onboarding = &mut world.interlace.onboarding;
    onboarding.cases.push(KycCase {
        id,
        account_id: account_id.to_owned(),
        status: kyc_status::PENDING.to_owned(),
        first_name: form.first_name,
        last_name: form.last_name,
        date_of_birth: form.date_of_birth,
        gender: form.gender,
        nationality: form.nationality,
        id_type: form.id_type,
        country: form.country,
        files: form.files.into_iter().map(|(_, f)| f).collect(),
        message: "KYC under review".to_owned(),
        submitted_at: now,
        reviewed_at: None,
    });
    let case = CaseIdx(onboarding.cases.len() - 1);
    let due = now.plus_secs(onboarding.settings.kyc_seconds);
    let scheduled = onboarding.settings.kyc_outcome != Outcome::Never;
    set_profile_kyc(world, account, kyc_status::PENDING, "KYC under review");
    if scheduled {
        world.schedule(due, KYC_REVIEW, &[("case", case.to_string())]);
    }
    webhooks::kyc_status(world, account);
    Ok(case)
}

fn set_profile_kyc(world: &mut World, account: AccountIdx, status: &str, message: &str) {
    let a = &mut world.interlace.accounts[account];
    a.kyc_passed = status == kyc_status::PASSED;
    let profile = world
        .interlace
        .onboarding
        .profiles
        .entry(a.id.clone())
        .or_default();
    status.clone_into(&mut profile.kyc_status);
    message.clone_into(&mut profile.kyc_message);
}

/// Ends a KYC case with `status` (Passed, Canceled or Request) and its message.
fn decide_kyc(
    world: &mut World,
    case: CaseIdx,
    status: &str,
    message: &str,
) -> Result<(), IlError> {
    let account_id = world.interlace.onboarding.cases[case].account_id.clone();
    let account = ops::account(world, &account_id)?;
    let now = world.now();
    let c = &mut world.interlace.onboarding.cases[case];
    c.status = status.to_owned();
    message.clone_into(&mut c.message);
    c.reviewed_at = Some(now);
    set_profile_kyc(world, account, status, message);
    webhooks::kyc_status(world, account);
    Ok(())
}

/// Scheduler handler: a KYC review ends as the scenario says.
pub(crate) fn kyc_review(world: &mut World, event: &Event) -> Result<(), String> {
    let case: CaseIdx = event
        .data
        .get("case")
        .and_then(|c| c.parse().ok())
        .ok_or("no case index")?;
    if world
        .interlace
        .onboarding
        .cases
        .get(case.0)
        .map(|c| c.status.as_str())
        != Some(kyc_status::PENDING)
    {
        return Ok(());
    }
    let (status, message) = match world.interlace.onboarding.settings.kyc_outcome.clone() {
        Outcome::Pass => (kyc_status::PASSED, "KYC passed".to_owned()),
        Outcome::Reject(reason) => (kyc_status::CANCELED, reason),
        Outcome::MoreInfo(reason) => (kyc_status::REQUEST, reason),
        Outcome::Never => return Ok(()),
    };
    decide_kyc(world, case, status, &message).map_err(|e| e.message)
}

/// The sandbox-only review: ends the account's pending case at once.
pub(crate) fn simulate_kyc_review(
    world: &mut World,
    account_id: &str,
    status: &str,
    message: &str,
) -> Result<CaseIdx, IlError> {
    ops::account(world, account_id)?;
    let status = match status {
        "Passed" | "PASSED" => kyc_status::PASSED,
        "Canceled" | "CANCELED" | "Cancelled" => kyc_status::CANCELED,
        "Request" | "REQUEST" => kyc_status::REQUEST,
        other => {
            return Err(IlError::param(format!(
                "status must be Passed, Canceled or Request, got {other:?}"
            )));
        }
    };
    let case = world
        .interlace
        .onboarding
        .latest_case(account_id)
        .filter(|c| world.interlace.onboarding.cases[*c].status == kyc_status::PENDING)
        .ok_or_else(|| {
            IlError::new(
                Code::NoKyc,
                format!("No KYC information: account {account_id} has no KYC case under review"),
            )
        })?;
    let key = case.to_string();
    world
        .scheduler
        .retain(|e| !(e.kind == KYC_REVIEW && e.data.get("case") == Some(&key)));
    let message = if message.is_empty() {
        match status {
            kyc_status::PASSED => "KYC passed",
            kyc_status::CANCELED => "KYC rejected",
            _ => "More information is required",
        }
    } else {
        message
    };
    decide_kyc(world, case, status, message)?;
    Ok(case)
}

/// Provisions the account's Infinity balance once its KYC passed.
pub(crate) fn initialize(world: &mut World, account_id: &str) -> Result<(), IlError> {
    let account = ops::account(world, account_id)?;
    if kyc_status_of(world, account) != kyc_status::PASSED {
        return Err(IlError::new(
            Code::NoKyc,
            format!("No KYC information: account {account_id} has not passed KYC"),
        ));
    }
    world.interlace.accounts[account].initialized = true;
    Ok(())
}

/// What a cardholder is created with, checked for shape by the handler.
#[derive(Debug, Clone, Default)]
pub(crate) struct CardholderForm {
    pub account_id: String,
    pub bin_id: String,
    pub tier: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub dob: String,
    pub gender: String,
    pub nationality: String,
    pub phone_number: String,
    pub phone_country_code: String,
    pub country: String,
}

fn bin(id: &str) -> Result<&'static Bin, IlError> {
    bins::find(id).ok_or_else(|| {
        IlError::not_found(format!(
            "no card BIN {id}; GET /open-api/v3/card/bins lists them"
        ))
    })
}

/// Creates a cardholder, PENDING; the clock activates (or rejects) it.
pub(crate) fn create_cardholder(
    world: &mut World,
    form: CardholderForm,
) -> Result<CardholderIdx, IlError> {
    let account = ops::account(world, &form.account_id)?;
    let a = &world.interlace.accounts[account];
    if a.account_type == 1 && kyc_status_of(world, account) != kyc_status::PASSED {
        return Err(IlError::new(Code::NoKyc, "No KYC information"));
    }
    let b = bin(&form.bin_id)?;
    bins::check_phone(b, &form.phone_country_code, &form.phone_number).map_err(IlError::param)?;
    let id = world.ids.uuid();
    let now = world.now();
    let onboarding = &mut world.interlace.onboarding;
    onboarding.cardholders.push(Cardholder {
        id,
        account_id: form.account_id,
        bin_id: form.bin_id,
        tier: form.tier,
        first_name: form.first_name,
        last_name: form.last_name,
        email: form.email,
        dob: form.dob,
        gender: form.gender,
        nationality: form.nationality,
        phone_number: form.phone_number,
        phone_country_code: form.phone_country_code,
        country: form.country,
        status: cardholder_status::PENDING.to_owned(),
        reject_reason: None,
        created_at: now,
    });
    let index = CardholderIdx(onboarding.cardholders.len() - 1);
    let due = now.plus_secs(onboarding.settings.cardholder_seconds);
    if onboarding.settings.cardholder_outcome != Outcome::Never {
        world.schedule(due, CARDHOLDER_REVIEW, &[("cardholder", index.to_string())]);
    }
    Ok(index)
}

/// Scheduler handler: a cardholder's review ends as the scenario says.
pub(crate) fn cardholder_review(world: &mut World, event: &Event) -> Result<(), String> {
    let index: CardholderIdx = event
        .data
        .get("cardholder")
        .and_then(|c| c.parse().ok())
        .ok_or("no cardholder index")?;
    let outcome = world
        .interlace
        .onboarding
        .settings
        .cardholder_outcome
        .clone();
    let holder = world
        .interlace
        .onboarding
        .cardholders
        .get_mut(index.0)
        .ok_or("no such cardholder")?;
    if holder.status != cardholder_status::PENDING {
        return Ok(());
    }
    match outcome {
        Outcome::Pass => holder.status = cardholder_status::ACTIVE.to_owned(),
        Outcome::Reject(reason) | Outcome::MoreInfo(reason) => {
            holder.status = cardholder_status::INACTIVE.to_owned();
            holder.reject_reason = Some(reason);
        }
        Outcome::Never => return Ok(()),
    }
    webhooks::cardholder_status(world, index);
    Ok(())
}

/// What a prepaid card is issued with.
#[derive(Debug, Clone, Default)]
pub(crate) struct PrepaidForm {
    pub account_id: String,
    pub bin_id: String,
    pub cardholder_id: String,
    pub card_mode: String,
    pub amount: Decimal,
    pub label: String,
}

/// Issues a prepaid card to an ACTIVE cardholder on one of its BINs, funded with
/// `amount` from the Infinity balance.
pub(crate) fn issue_prepaid(world: &mut World, form: &PrepaidForm) -> Result<CardIdx, IlError> {
    let account = ops::account(world, &form.account_id)?;
    let b = bin(&form.bin_id)?;
    if b.kind != 0 {
        return Err(IlError::param(format!(
            "BIN {} issues budget cards, not prepaid cards",
            b.bin
        )));
    }
    if form.card_mode == "PHYSICAL_CARD" && !b.physical {
        return Err(IlError::param(format!(
            "BIN {} does not support physical cards (supportPhysicalCard false)",
            b.bin
        )));
    }
    let holder = world
        .interlace
        .onboarding
        .cardholder(&form.cardholder_id)
        .filter(|h| world.interlace.onboarding.cardholders[*h].account_id == form.account_id)
        .ok_or_else(|| {
            IlError::not_found(format!(
                "no cardholder {} on account {}",
                form.cardholder_id, form.account_id
            ))
        })?;
    let h = &world.interlace.onboarding.cardholders[holder];
    if h.bin_id != form.bin_id {
        return Err(IlError::param(format!(
            "cardholder {} is enrolled on BIN id {}, not {}",
            h.id, h.bin_id, form.bin_id
        )));
    }
    if h.status != cardholder_status::ACTIVE {
        return Err(IlError::new(
            Code::NotAllowed,
            format!("cardholder {} is {}, not ACTIVE", h.id, h.status),
        ));
    }
    let user_name = format!("{} {}", h.first_name, h.last_name);
    let account_id = world.interlace.accounts[account].id.clone();
    let card = ops::create_card(
        world,
        &account_id,
        form.amount,
        false,
        &form.label,
        &user_name,
        None,
    )?;
    let c = &mut world.interlace.cards[card];
    c.bin = b.bin.to_owned();
    c.cardholder_id.clone_from(&form.cardholder_id);
    c.card_mode.clone_from(&form.card_mode);
    Ok(card)
}

/// A single-use, 5-minute token for the card-display page of `card_id`.
pub(crate) fn display_token(
    world: &mut World,
    account_id: &str,
    card_id: &str,
) -> Result<String, IlError> {
    let account = ops::account(world, account_id)?;
    let card = ops::card(world, card_id)?;
    if world.interlace.cards[card].account != account {
        return Err(IlError::param(format!(
            "card {card_id} does not belong to account {account_id}"
        )));
    }
    let now = world.now();
    let clock = &world.clock;
    world
        .interlace
        .onboarding
        .display_tokens
        .sweep(|t| t.used || clock.has_lapsed(t.expires_at, t.wall_expires_at, 0));
    let token = world.secret(32);
    let expires_at = now.plus_secs(DISPLAY_TOKEN_SECONDS);
    let wall_expires_at = world.clock.wall_expiry(DISPLAY_TOKEN_SECONDS);
    world.interlace.onboarding.display_tokens.insert(
        token.clone(),
        DisplayToken {
            card_id: card_id.to_owned(),
            expires_at,
            wall_expires_at,
            used: false,
        },
    );
    Ok(token)
}

/// Uses a card-display token: the card it opens, once, within 5 minutes.
pub(crate) fn use_display_token(world: &mut World, token: &str) -> Result<CardIdx, IlError> {
    let clock = world.clock.clone();
    let t = world
        .interlace
        .onboarding
        .display_tokens
        .get_mut(token)
        .ok_or_else(|| IlError::unauthorized("unknown card-display token"))?;
    if t.used {
        return Err(IlError::unauthorized(
            "this card-display token was used already",
        ));
    }
    if clock.has_lapsed(t.expires_at, t.wall_expires_at, 0) {
        return Err(IlError::unauthorized("this card-display token has expired"));
    }
    t.used = true;
    let card_id = t.card_id.clone();
    ops::card(world, &card_id)
}

/// One side of an account-to-account transfer: the account and its balance id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Side {
    pub account_id: String,
    pub balance_id: String,
    pub currency: String,
}

/// Moves `amount` from one account's Infinity balance to another's (fee 0, CLOSED at
/// once). Both must be initialised.
pub(crate) fn account_transfer(
    world: &mut World,
    from: &Side,
    to: &Side,
    amount: Decimal,
) -> Result<String, IlError> {
    let mut ledgers = Vec::with_capacity(2);
    for (side, name) in [(from, "from"), (to, "to")] {
        let account = ops::account(world, &side.account_id)?;
        let a = &world.interlace.accounts[account];
        if side.balance_id != a.infinity_id {
            return Err(IlError::not_found(format!(
                "{name}.id {} is not the Infinity balance of account {} (GET /open-api/v3/cards/wallets lists it)",
                side.balance_id, side.account_id
            )));
        }
        if side.currency != "USD" {
            return Err(IlError::param(format!(
                "{name}.currency must be USD (the Infinity balance is USD only), got {:?}",
                side.currency
            )));
        }
        if !a.initialized {
            return Err(IlError::new(
                Code::BalanceMissing,
                format!(
                    "account balance does not exist: account {} is not initialised",
                    side.account_id
                ),
            ));
        }
        ledgers.push(a.infinity);
    }
    if from.account_id == to.account_id {
        return Err(IlError::param("from and to are the same account"));
    }
    let available = world.ledger.balance(ledgers[0])?.available;
    if available < amount {
        return Err(IlError::new(
            Code::InsufficientBalance,
            format!(
                "the Infinity balance of {} holds {}, less than {}",
                from.account_id,
                crate::providers::interlace::wire::money(available.max(Decimal::ZERO)),
                crate::providers::interlace::wire::money(amount)
            ),
        ));
    }
    let id = world.ids.uuid();
    let now = world.now();
    world.ledger.post(
        EntryDraft::transfer(
            now,
            "interlace.account_transfer",
            ledgers[0],
            ledgers[1],
            amount,
        )
        .with_metadata("interlace.transfer_id", id.clone()),
    )?;
    let to_index = ops::account(world, &to.account_id)?;
    crate::providers::interlace::negatives::repay(world, to_index)?;
    Ok(id)
}
