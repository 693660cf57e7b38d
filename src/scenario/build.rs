//! From a parsed scenario to a tenant world: the ledger operations that build the world
//! (`build_world`) and restore a snapshot. The checks that run before, at parse time,
//! are in `check/`.
//!
//! History is written the way the API would write it: the clock stands on each
//! generated moment, due events run in between, and every record goes through a ledger
//! operation. The world comes out with its clock at `clock.start`.

use std::sync::Arc;

use super::activity;
use super::error::ScenarioError;
use super::schema::{AuthClockSpec, ClockModeSpec, HoldStateSpec, KindSpec, Scenario, Snapshot};
use crate::clock::{self, AuthClock, Clock, Timestamp};
use crate::ids::{IdGen, IdState};
use crate::ledger::{
    AccountKind, AccountRecord, AccountSpec, EntryDraft, EntryId, EntryRecord, HoldDraft,
    HoldRecord, HoldState, Ledger, LedgerSnapshot, Metadata,
};
use crate::money::Currency;
use crate::providers::Provider;
use crate::rng::DataRng;
use crate::scheduler::{Event, Handlers, Scheduler};
use crate::tenant::World;

/// The prefix of the accounts opening balances are posted from (one per currency).
pub(crate) const OPENING_PREFIX: &str = "opening:";

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
    if scenario.clock.auth == AuthClockSpec::Tenant {
        world.clock = world.clock.clone().with_auth(AuthClock::Tenant);
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
    for provider in Provider::SECTION_ORDER {
        provider.face().build_section(file, &mut world, scenario)?;
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
    for provider in Provider::SECTION_ORDER {
        provider.face().finish_section(file, &mut world, scenario)?;
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
    for provider in Provider::SECTION_ORDER {
        provider
            .face()
            .restore_snapshot(file, &mut world, snapshot)?;
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
