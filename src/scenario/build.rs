//! From a parsed scenario to a tenant world: the checks that need more than one key
//! (`check_static`), then the ledger operations that build the world (`build_world`).
//!
//! History is written the way the API would write it: the clock stands on each
//! generated moment, due events run in between, and every record goes through a ledger
//! operation. The world comes out with its clock at `clock.start`.

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::activity;
use super::error::ScenarioError;
use super::schema::{ClockModeSpec, Generator, HoldStateSpec, KindSpec, Scenario, Snapshot};
use crate::clock::{self, Clock, Timestamp};
use crate::ids::{IdGen, IdState};
use crate::ledger::{
    AccountKind, AccountRecord, AccountSpec, EntryDraft, EntryId, EntryRecord, HoldDraft,
    HoldRecord, HoldState, Ledger, LedgerSnapshot, Metadata,
};
use crate::money::Currency;
use crate::rng::DataRng;
use crate::scheduler::{Event, Handlers, Scheduler};
use crate::tenant::World;

/// The prefix of the accounts opening balances are posted from (one per currency).
pub(crate) const OPENING_PREFIX: &str = "opening:";

/// Checks that need several keys at once; run by `parse`, so a scenario that parses
/// can be built (short of running out of money in a generator).
pub(crate) fn check_static(file: &str, scenario: &Scenario) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    if let Some(scale) = scenario.clock.time_scale
        && !(1..=86_400).contains(&scale)
    {
        return Err(err(
            "clock.time_scale".to_owned(),
            format!("must be between 1 and 86400 tenant seconds per wall second, got {scale}"),
        ));
    }
    if let Some(webhooks) = &scenario.webhooks {
        webhooks
            .validate()
            .map_err(|(field, message)| err(format!("webhooks.{field}"), message))?;
    }
    let mut faults = crate::faults::FaultSet::new(0);
    for (i, rule) in scenario.faults.iter().enumerate() {
        if rule.tenant.is_some() {
            return Err(err(
                format!("faults[{i}].tenant"),
                "a scenario's rules belong to the tenant built from it; remove `tenant`".to_owned(),
            ));
        }
        faults
            .add(rule.clone())
            .map_err(|e| err(format!("faults[{i}].{}", e.field), e.message))?;
    }
    if scenario.snapshot.is_some() && (!scenario.ledger.is_empty() || !scenario.activity.is_empty())
    {
        return Err(err(
            "snapshot".to_owned(),
            "a scenario with a snapshot cannot also declare ledger or activity; the snapshot already holds the whole state".to_owned(),
        ));
    }
    if scenario.snapshot.is_some()
        && (scenario.hypercard.is_some()
            || scenario.opcard.is_some()
            || scenario.interlace.is_some())
    {
        return Err(err(
            "snapshot".to_owned(),
            "a scenario with a snapshot cannot also declare provider sections; the snapshot holds them".to_owned(),
        ));
    }
    if let Some(section) = &scenario.hypercard {
        super::hypercard::check(file, section)?;
    }
    if let Some(section) = &scenario.opcard {
        super::opcard::check(file, section)?;
    }
    if let Some(section) = &scenario.interlace {
        super::interlace::check(file, section)?;
    }
    let mut keys: Vec<(&str, Currency, bool)> = Vec::new();
    let mut seen = HashSet::new();
    for (i, account) in scenario.ledger.accounts.iter().enumerate() {
        let at = format!("ledger.accounts[{i}]");
        if account.key.trim().is_empty() {
            return Err(err(
                format!("{at}.key"),
                "an account key cannot be empty".to_owned(),
            ));
        }
        if account.key.starts_with(OPENING_PREFIX) {
            return Err(err(
                format!("{at}.key"),
                format!("keys starting with {OPENING_PREFIX:?} are reserved for opening balances"),
            ));
        }
        if !seen.insert(account.key.as_str()) {
            return Err(err(
                format!("{at}.key"),
                format!("duplicate account key {:?}", account.key),
            ));
        }
        let currency = account.currency.0;
        let allow_negative = account
            .allow_negative
            .unwrap_or_else(|| kind(account.kind).negative_by_default());
        if let Some(balance) = account.balance {
            check_precision(balance.0, currency).map_err(|m| err(format!("{at}.balance"), m))?;
            if balance.0 < Decimal::ZERO && !allow_negative {
                return Err(err(
                    format!("{at}.balance"),
                    format!(
                        "{} is negative; set allow_negative: true to allow it",
                        balance.0
                    ),
                ));
            }
        }
        keys.push((account.key.as_str(), currency, allow_negative));
    }
    let find = |key: &str| keys.iter().find(|(k, _, _)| *k == key).copied();
    for (i, hold) in scenario.ledger.holds.iter().enumerate() {
        let at = format!("ledger.holds[{i}]");
        let (_, currency, _) = find(&hold.account).ok_or_else(|| {
            err(
                format!("{at}.account"),
                format!("no account {:?} in ledger.accounts", hold.account),
            )
        })?;
        check_positive(hold.amount.0, currency).map_err(|m| err(format!("{at}.amount"), m))?;
    }
    for (i, item) in scenario.activity.iter().enumerate() {
        match item.generator() {
            None => {
                return Err(err(
                    format!("activity[{i}]"),
                    "name exactly one generator per item; the generators are: transfers, hypercard, opcard, interlace, interlace_business"
                        .to_owned(),
                ));
            }
            Some(Generator::Interlace(g) | Generator::InterlaceBusiness(g)) => {
                let at = format!("activity[{i}].interlace");
                if scenario.interlace.is_none() {
                    return Err(err(
                        at,
                        "the interlace generator needs an interlace section".to_owned(),
                    ));
                }
                if g.days == 0 || g.days > activity::MAX_DAYS || g.count > activity::MAX_COUNT {
                    return Err(err(
                        at,
                        format!(
                            "days must be between 1 and {} and count at most {}",
                            activity::MAX_DAYS,
                            activity::MAX_COUNT
                        ),
                    ));
                }
            }
            Some(Generator::Opcard(o)) => {
                let at = format!("activity[{i}].opcard");
                if scenario.opcard.is_none() {
                    return Err(err(
                        at,
                        "the opcard generator needs an opcard section".to_owned(),
                    ));
                }
                if o.days == 0 || o.days > activity::MAX_DAYS {
                    return Err(err(
                        format!("{at}.days"),
                        format!(
                            "days must be between 1 and {}, got {}",
                            activity::MAX_DAYS,
                            o.days
                        ),
                    ));
                }
                if o.count > activity::MAX_COUNT {
                    return Err(err(
                        format!("{at}.count"),
                        format!(
                            "count must be at most {}, got {}",
                            activity::MAX_COUNT,
                            o.count
                        ),
                    ));
                }
            }
            Some(Generator::Hypercard(h)) => {
                let at = format!("activity[{i}].hypercard");
                let Some(section) = &scenario.hypercard else {
                    return Err(err(
                        at,
                        "the hypercard generator needs a hypercard section".to_owned(),
                    ));
                };
                for (j, id) in h.cards.iter().enumerate() {
                    if !section
                        .cards
                        .iter()
                        .any(|c| c.card_id.as_deref() == Some(id))
                    {
                        return Err(err(
                            format!("{at}.cards[{j}]"),
                            format!("no card {id:?} with that card_id in hypercard.cards"),
                        ));
                    }
                }
                if h.days == 0 || h.days > activity::MAX_DAYS {
                    return Err(err(
                        format!("{at}.days"),
                        format!(
                            "days must be between 1 and {}, got {}",
                            activity::MAX_DAYS,
                            h.days
                        ),
                    ));
                }
                if h.count > activity::MAX_COUNT {
                    return Err(err(
                        format!("{at}.count"),
                        format!(
                            "count must be at most {}, got {}",
                            activity::MAX_COUNT,
                            h.count
                        ),
                    ));
                }
            }
            Some(Generator::Transfers(t)) => {
                let at = format!("activity[{i}].transfers");
                let mut currencies = HashSet::new();
                for (side, list) in [("from", &t.from), ("to", &t.to)] {
                    if list.is_empty() {
                        return Err(err(
                            format!("{at}.{side}"),
                            "name at least one account key".to_owned(),
                        ));
                    }
                    for (j, key) in list.iter().enumerate() {
                        let (_, currency, _) = find(key).ok_or_else(|| {
                            err(
                                format!("{at}.{side}[{j}]"),
                                format!("no account {key:?} in ledger.accounts"),
                            )
                        })?;
                        currencies.insert(currency);
                    }
                }
                if currencies.len() > 1 {
                    return Err(err(
                        at,
                        "from and to accounts must all share one currency".to_owned(),
                    ));
                }
                let currency = currencies.into_iter().next().unwrap_or(Currency::USD);
                check_positive(t.min.0, currency).map_err(|m| err(format!("{at}.min"), m))?;
                check_positive(t.max.0, currency).map_err(|m| err(format!("{at}.max"), m))?;
                if t.min.0 > t.max.0 {
                    return Err(err(
                        format!("{at}.max"),
                        format!("max {} is below min {}", t.max.0, t.min.0),
                    ));
                }
                if t.days == 0 || t.days > activity::MAX_DAYS {
                    return Err(err(
                        format!("{at}.days"),
                        format!(
                            "days must be between 1 and {}, got {}",
                            activity::MAX_DAYS,
                            t.days
                        ),
                    ));
                }
                if t.count > activity::MAX_COUNT {
                    return Err(err(
                        format!("{at}.count"),
                        format!(
                            "count must be at most {}, got {}",
                            activity::MAX_COUNT,
                            t.count
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The instant a scenario's clock starts at: its `clock.start`, else the wall clock now.
/// A tenant keeps what this resolved to, so a reset rebuilds the same world.
pub fn resolve_start(scenario: &Scenario) -> Timestamp {
    scenario.clock.start.map_or_else(clock::wall_now, |t| t.0)
}

/// Builds a tenant's world from a scenario that `parse` accepted, its clock starting
/// where [`resolve_start`] says.
pub fn build_world(
    file: &str,
    scenario: &Scenario,
    seed: u64,
    handlers: Arc<Handlers<World>>,
) -> Result<World, ScenarioError> {
    build_world_at(file, scenario, seed, resolve_start(scenario), handlers)
}

/// Builds a tenant's world with its clock starting at `start` (the scenario's
/// `clock.start` resolved once, when the tenant was created).
pub fn build_world_at(
    file: &str,
    scenario: &Scenario,
    seed: u64,
    start: Timestamp,
    handlers: Arc<Handlers<World>>,
) -> Result<World, ScenarioError> {
    let mut world = match &scenario.snapshot {
        Some(snapshot) => restore(file, snapshot, seed, start, handlers)?,
        None => generate(file, scenario, seed, start, handlers)?,
    };
    if scenario.clock.mode == ClockModeSpec::Running {
        world.clock = Clock::running_from(start);
    }
    if let Some(scale) = scenario.clock.time_scale {
        world.clock = world.clock.clone().with_scale(scale);
    }
    if let Some(webhooks) = &scenario.webhooks {
        world.webhooks.config = webhooks.clone();
    }
    for (i, rule) in scenario.faults.iter().enumerate() {
        world
            .faults
            .add(rule.clone())
            .map_err(|e| ScenarioError::new(file, format!("faults[{i}].{}", e.field), e.message))?;
    }
    let failed: Vec<String> = world
        .ledger
        .check_invariants()
        .into_iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    if !failed.is_empty() {
        return Err(ScenarioError::new(
            file,
            ".",
            format!(
                "the built ledger breaks its invariants: {}",
                failed.join("; ")
            ),
        ));
    }
    Ok(world)
}

fn generate(
    file: &str,
    scenario: &Scenario,
    seed: u64,
    start: Timestamp,
    handlers: Arc<Handlers<World>>,
) -> Result<World, ScenarioError> {
    let history_start = start.plus_secs(-activity::history_seconds(&scenario.activity));
    let mut world = World::new(seed, Clock::frozen(history_start), handlers);
    let err =
        |path: String, e: &dyn std::fmt::Display| ScenarioError::new(file, path, e.to_string());
    for (i, decl) in scenario.ledger.accounts.iter().enumerate() {
        let at = format!("ledger.accounts[{i}]");
        let kind = kind(decl.kind);
        let currency = decl.currency.0;
        let id = world
            .ledger
            .open_account(AccountSpec {
                key: decl.key.clone(),
                kind,
                currency,
                allow_negative: decl
                    .allow_negative
                    .unwrap_or_else(|| kind.negative_by_default()),
                opened_at: history_start,
                metadata: decl.metadata.clone().into_iter().collect(),
            })
            .map_err(|e| err(format!("{at}.key"), &e))?;
        if let Some(balance) = decl.balance.filter(|b| !b.0.is_zero()) {
            let opening = opening_account(&mut world.ledger, currency, history_start);
            world
                .ledger
                .post(EntryDraft::transfer(
                    history_start,
                    "opening_balance",
                    opening,
                    id,
                    balance.0,
                ))
                .map_err(|e| err(format!("{at}.balance"), &e))?;
        }
    }
    if let Some(section) = &scenario.hypercard {
        super::hypercard::build(file, &mut world, section)?;
    }
    if let Some(section) = &scenario.opcard {
        super::opcard::build(file, &mut world, section)?;
    }
    if let Some(section) = &scenario.interlace {
        super::interlace::build(file, &mut world, section)?;
    }
    activity::run(&mut world, &scenario.activity, start)
        .map_err(|(path, e)| ScenarioError::new(file, path, e))?;
    world
        .advance_to(start)
        .map_err(|e| err("clock.start".to_owned(), &e))?;
    for (i, decl) in scenario.ledger.holds.iter().enumerate() {
        let at = format!("ledger.holds[{i}]");
        let account = world
            .ledger
            .account_by_key(&decl.account)
            .map_err(|e| err(format!("{at}.account"), &e))?
            .id;
        let expires_at = decl
            .expires_in_seconds
            .map(|s| start.plus_secs(i64::try_from(s).unwrap_or(i64::MAX)));
        let hold = world
            .ledger
            .place_hold(HoldDraft {
                account,
                amount: decl.amount.0,
                placed_at: start,
                expires_at,
                metadata: decl.metadata.clone().into_iter().collect(),
            })
            .map_err(|e| err(format!("{at}.amount"), &e))?;
        world.schedule_hold_expiry(hold);
    }
    if let Some(section) = &scenario.hypercard {
        super::hypercard::apply_statuses(file, &mut world, section)?;
        super::hypercard::apply_applications(file, &mut world, section)?;
    }
    Ok(world)
}

/// The `opening:<CUR>` account balances are posted from, opened on first use.
fn opening_account(
    ledger: &mut Ledger,
    currency: Currency,
    at: Timestamp,
) -> crate::ledger::AccountId {
    let key = format!("{OPENING_PREFIX}{}", currency.code());
    ledger.open_or_get(AccountSpec {
        key,
        kind: AccountKind::External,
        currency,
        allow_negative: true,
        opened_at: at,
        metadata: Metadata::new(),
    })
}

fn restore(
    file: &str,
    snapshot: &Snapshot,
    seed: u64,
    start: Timestamp,
    handlers: Arc<Handlers<World>>,
) -> Result<World, ScenarioError> {
    let err = |path: &str, message: String| ScenarioError::new(file, path, message);
    let ledger_snapshot = LedgerSnapshot {
        accounts: snapshot
            .accounts
            .iter()
            .map(|a| AccountRecord {
                key: a.key.clone(),
                kind: kind(a.kind),
                currency: a.currency.0,
                allow_negative: a.allow_negative,
                opened_at: a.opened_at.0,
                metadata: a.metadata.clone().into_iter().collect(),
            })
            .collect(),
        entries: snapshot
            .entries
            .iter()
            .map(|e| EntryRecord {
                time: e.time.0,
                kind: e.kind.clone(),
                legs: e
                    .legs
                    .iter()
                    .map(|l| (l.account.clone(), l.amount.0))
                    .collect(),
                metadata: e.metadata.clone().into_iter().collect(),
                hold: e.hold,
            })
            .collect(),
        holds: snapshot
            .holds
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let closed = h.closed_at.map(|t| t.0).unwrap_or(h.placed_at.0);
                let state = match h.state {
                    HoldStateSpec::Active => HoldState::Active,
                    HoldStateSpec::Released => HoldState::Released { at: closed },
                    HoldStateSpec::Expired => HoldState::Expired { at: closed },
                    HoldStateSpec::Captured => HoldState::Captured {
                        entry: entry_id(h.entry.ok_or_else(|| {
                            err(
                                &format!("snapshot.holds[{i}].entry"),
                                "a captured hold names the entry that captured it".to_owned(),
                            )
                        })?),
                        at: closed,
                    },
                };
                Ok(HoldRecord {
                    account: h.account.clone(),
                    amount: h.amount.0,
                    placed_at: h.placed_at.0,
                    expires_at: h.expires_at.map(|t| t.0),
                    state,
                    metadata: h.metadata.clone().into_iter().collect(),
                })
            })
            .collect::<Result<_, ScenarioError>>()?,
    };
    let ledger = Ledger::restore(&ledger_snapshot).map_err(|e| err("snapshot", e.to_string()))?;
    let mut world = World::new(seed, Clock::frozen(start), handlers);
    world.ledger = ledger;
    world.ids = IdGen::restore(
        seed,
        IdState {
            word_pos: snapshot.ids.word_pos.0,
            display_next: snapshot.ids.display_next,
        },
    );
    world.rng = DataRng::restore(seed, snapshot.rng.word_pos.0);
    for (i, event) in snapshot.scheduled.iter().enumerate() {
        if !world.handlers().knows(&event.kind) {
            return Err(err(
                &format!("snapshot.scheduled[{i}].kind"),
                format!("no handler for event kind {:?}", event.kind),
            ));
        }
    }
    if let Some(hypercard) = &snapshot.hypercard {
        super::hypercard::restore(file, &mut world, hypercard)?;
    }
    if let Some(opcard) = &snapshot.opcard {
        super::opcard::restore(file, &mut world, opcard)?;
    }
    if let Some(interlace) = &snapshot.interlace {
        super::interlace::restore(file, &mut world, interlace)?;
    }
    world.scheduler = Scheduler::restore(
        snapshot
            .scheduled
            .iter()
            .map(|e| Event {
                due: e.due.0,
                seq: e.seq,
                kind: e.kind.clone(),
                data: e.data.clone(),
            })
            .collect(),
        snapshot.next_event_seq,
    );
    Ok(world)
}

/// Entry ids are indices; the ledger's restore checks that the entry exists.
fn entry_id(index: u64) -> EntryId {
    EntryId::from_index(index)
}

pub(crate) fn kind(spec: KindSpec) -> AccountKind {
    match spec {
        KindSpec::Wallet => AccountKind::Wallet,
        KindSpec::Card => AccountKind::Card,
        KindSpec::External => AccountKind::External,
        KindSpec::Fee => AccountKind::Fee,
        KindSpec::Clearing => AccountKind::Clearing,
    }
}

pub(crate) fn kind_spec(kind: AccountKind) -> KindSpec {
    match kind {
        AccountKind::Wallet => KindSpec::Wallet,
        AccountKind::Card => KindSpec::Card,
        AccountKind::External => KindSpec::External,
        AccountKind::Fee => KindSpec::Fee,
        AccountKind::Clearing => KindSpec::Clearing,
    }
}

fn check_precision(amount: Decimal, currency: Currency) -> Result<(), String> {
    if amount.normalize().scale() > currency.scale() {
        return Err(format!(
            "{amount} has more decimals than {currency} allows ({})",
            currency.scale()
        ));
    }
    Ok(())
}

fn check_positive(amount: Decimal, currency: Currency) -> Result<(), String> {
    if amount <= Decimal::ZERO {
        return Err(format!(
            "the amount must be greater than zero, got {amount}"
        ));
    }
    check_precision(amount, currency)
}
