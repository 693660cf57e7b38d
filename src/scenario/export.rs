//! A tenant's world written back as a scenario: `clock.start` is the world's now and the
//! `snapshot` section holds the ledger, pending events and the id and data streams'
//! positions, so loading the export rebuilds the same world.

use super::build::kind_spec;
use super::schema::{
    Amount, AuthClockSpec, ClockModeSpec, ClockSpec, CurrencyCode, HoldStateSpec, IdsSnapshot,
    LedgerSection, RngSnapshot, Scenario, SnapAccount, SnapEntry, SnapEvent, SnapHold, SnapLeg,
    Snapshot, Time, U128, Version,
};
use crate::clock::{AuthClock, ClockMode};
use crate::ledger::HoldState;
use crate::providers::Provider;
use crate::tenant::World;

/// The scenario that rebuilds `world`. `description` says where it came from.
pub fn export_scenario(world: &World, source: &Scenario, description: String) -> Scenario {
    let snapshot = world.ledger.snapshot();
    let ids = world.ids.state();
    let mut exported = Scenario {
        version: Version,
        description: Some(description),
        seed: Some(world.seed),
        clock: ClockSpec {
            start: Some(Time(world.now())),
            mode: match world.clock.mode() {
                ClockMode::Frozen => ClockModeSpec::Frozen,
                ClockMode::Running => ClockModeSpec::Running,
            },
            time_scale: (world.clock.scale() != 1).then(|| world.clock.scale()),
            auth: match world.clock.auth() {
                AuthClock::Wall => AuthClockSpec::Wall,
                AuthClock::Tenant => AuthClockSpec::Tenant,
            },
        },
        ledger: LedgerSection::default(),
        activity: Vec::new(),
        interlace: None,
        opcard: None,
        hypercard: None,
        faults: world.faults.export(),
        webhooks: (world.webhooks.config != crate::webhooks::WebhookConfig::default())
            .then(|| world.webhooks.config.clone()),
        snapshot: Some(Snapshot {
            ids: IdsSnapshot {
                word_pos: U128(ids.word_pos),
                display_next: ids.display_next,
            },
            rng: RngSnapshot {
                word_pos: U128(world.rng.word_pos()),
            },
            accounts: snapshot
                .accounts
                .into_iter()
                .map(|a| SnapAccount {
                    key: a.key,
                    kind: kind_spec(a.kind),
                    currency: CurrencyCode(a.currency),
                    allow_negative: a.allow_negative,
                    opened_at: Time(a.opened_at),
                    metadata: a.metadata.into(),
                })
                .collect(),
            entries: snapshot
                .entries
                .into_iter()
                .map(|e| SnapEntry {
                    time: Time(e.time),
                    kind: e.kind,
                    legs: e
                        .legs
                        .into_iter()
                        .map(|(account, amount)| SnapLeg {
                            account,
                            amount: Amount(amount),
                        })
                        .collect(),
                    metadata: e.metadata.into(),
                    hold: e.hold,
                })
                .collect(),
            holds: snapshot
                .holds
                .into_iter()
                .map(|h| {
                    let (state, closed_at, entry) = match h.state {
                        HoldState::Active => (HoldStateSpec::Active, None, None),
                        HoldState::Captured { entry, at } => {
                            (HoldStateSpec::Captured, Some(Time(at)), Some(entry.index()))
                        }
                        HoldState::Released { at } => {
                            (HoldStateSpec::Released, Some(Time(at)), None)
                        }
                        HoldState::Expired { at } => (HoldStateSpec::Expired, Some(Time(at)), None),
                    };
                    SnapHold {
                        account: h.account,
                        amount: Amount(h.amount),
                        placed_at: Time(h.placed_at),
                        expires_at: h.expires_at.map(Time),
                        state,
                        closed_at,
                        entry,
                        metadata: h.metadata.into(),
                    }
                })
                .collect(),
            scheduled: world
                .scheduler
                .pending()
                .map(|e| SnapEvent {
                    due: Time(e.due),
                    seq: e.seq,
                    kind: e.kind.clone(),
                    data: e.data.clone(),
                })
                .collect(),
            next_event_seq: world.scheduler.next_seq(),
            hypercard: None,
            opcard: None,
            interlace: None,
        }),
    };
    if let Some(snapshot) = exported.snapshot.as_mut() {
        for provider in Provider::ALL {
            provider.face().export_snapshot(world, source, snapshot);
        }
    }
    exported
}

/// Writes a scenario as YAML.
pub fn to_yaml(scenario: &Scenario) -> String {
    // Every field serialises to plain strings, numbers, lists and mappings, which the
    // YAML writer always accepts.
    yaml_serde::to_string(scenario).unwrap_or_else(|e| format!("# export failed: {e}\n"))
}
