//! A tenant's world: everything one tenant's requests read and change, guarded by one
//! lock. Clock, id generator, data RNG, ledger and scheduler live together so that one
//! operation sees and changes them consistently.
//!
//! Due events run here: before a tenant is used (`catch_up`) and when its clock is
//! advanced (`advance_to`), in (due, seq) order, each with the clock standing on its due
//! time so the records it writes carry that time.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::clock::{Clock, ClockMode, TimeError, Timestamp};
use crate::faults::FaultSet;
use crate::ids::IdGen;
use crate::ledger::{HoldId, Ledger};
use crate::providers::Provider;
use crate::providers::hypercard::state::HypercardState;
use crate::providers::interlace::state::InterlaceState;
use crate::providers::opcard::state::OpcardState;
use crate::rng::DataRng;
use crate::scheduler::{Event, Handlers, Scheduler};
use crate::webhooks::WebhookState;

/// Event kind: let a hold go when its `expires_at` passes. Data: `hold` (index).
pub const HOLD_EXPIRE: &str = "ledger.hold_expire";

#[derive(Debug, Clone)]
pub struct World {
    pub seed: u64,
    /// The id of the tenant this world belongs to (empty until the registry files it):
    /// credentials it issues are salted with it, so no two tenants issue the same one.
    pub tenant: String,
    pub clock: Clock,
    pub ids: IdGen,
    pub rng: DataRng,
    pub ledger: Ledger,
    pub scheduler: Scheduler,
    /// HyperCard's cards, records and settings.
    pub(crate) hypercard: HypercardState,
    /// OPCard's programs, cards and balance change records.
    pub(crate) opcard: OpcardState,
    /// Interlace's accounts, cards, transactions and card negatives.
    pub(crate) interlace: InterlaceState,
    /// The tenant's fault rules (its scenario's, then those posted for it) and the
    /// seeded stream every fault decision for the tenant draws from.
    pub faults: FaultSet,
    /// The tenant's webhook configuration and outbox.
    pub webhooks: WebhookState,
    handlers: Arc<Handlers<World>>,
}

/// What running due events did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub fired: usize,
    pub failed: usize,
}

impl World {
    pub fn new(seed: u64, clock: Clock, handlers: Arc<Handlers<Self>>) -> Self {
        Self {
            seed,
            tenant: String::new(),
            clock,
            ids: IdGen::new(seed),
            rng: DataRng::new(seed),
            ledger: Ledger::new(),
            scheduler: Scheduler::new(),
            hypercard: HypercardState::default(),
            opcard: OpcardState::default(),
            interlace: InterlaceState::default(),
            faults: FaultSet::new(seed),
            webhooks: WebhookState::new(seed),
            handlers,
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Replaces every credential the scenario declares with the tenant's own, derived
    /// from the tenant id and seed: `{value}_{16 hex digits}`, the same on every build
    /// of this tenant and different in every other tenant, seed shared or not.
    pub fn use_fresh_credentials(&mut self, tenant: &str, seed: u64) {
        use sha2::{Digest, Sha256};
        for provider in Provider::ALL {
            let fresh = |value: &str| {
                let digest = Sha256::new()
                    .chain_update(b"card-sandbox fresh credential\0")
                    .chain_update(tenant.as_bytes())
                    .chain_update([0])
                    .chain_update(seed.to_be_bytes())
                    .chain_update(provider.name().as_bytes())
                    .chain_update([0])
                    .chain_update(value.as_bytes())
                    .finalize();
                let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
                format!("{value}_{hex}")
            };
            provider.face().use_fresh_credentials(self, &fresh);
        }
    }

    /// Applies the registry's bounds to everything clients can make each provider keep.
    pub fn apply_limits(&mut self, limits: &super::Limits) {
        for provider in Provider::ALL {
            provider.face().apply_limits(self, limits);
        }
    }

    /// `len` hex characters for a credential (code, token): drawn from the seeded id
    /// stream and mixed with the tenant id, so they are reproducible for the same tenant
    /// and seed, and never the same in two tenants.
    pub fn secret(&mut self, len: usize) -> String {
        use sha2::{Digest, Sha256};
        let drawn = self.ids.hex(len);
        if self.tenant.is_empty() {
            return drawn;
        }
        let mut out = String::with_capacity(len + 64);
        let mut block = 0u32;
        while out.len() < len {
            let digest = Sha256::new()
                .chain_update(self.tenant.as_bytes())
                .chain_update([0])
                .chain_update(drawn.as_bytes())
                .chain_update(block.to_be_bytes())
                .finalize();
            for byte in digest {
                out.push_str(&format!("{byte:02x}"));
            }
            block += 1;
        }
        out.truncate(len);
        out
    }

    pub fn handlers(&self) -> &Arc<Handlers<Self>> {
        &self.handlers
    }

    /// The credentials this world answers to, for finding a tenant from a request.
    pub fn credential_keys(&self) -> Vec<(Provider, String)> {
        Provider::ALL
            .into_iter()
            .flat_map(|p| {
                p.face()
                    .credential_keys(self)
                    .into_iter()
                    .map(move |key| (p, key))
            })
            .collect()
    }

    /// Schedules `kind` at `due` with the given fields.
    pub fn schedule(&mut self, due: Timestamp, kind: &str, data: &[(&str, String)]) -> u64 {
        let data: BTreeMap<String, String> = data
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        self.scheduler.schedule(due, kind, data)
    }

    /// Schedules the expiry of a hold at its `expires_at`, if it has one.
    pub fn schedule_hold_expiry(&mut self, hold: HoldId) {
        let expires = self.ledger.hold(hold).ok().and_then(|h| h.expires_at);
        if let Some(due) = expires {
            self.schedule(due, HOLD_EXPIRE, &[("hold", hold.index().to_string())]);
        }
    }

    /// Runs every event that fell due by now (a running clock moves on its own).
    pub fn catch_up(&mut self) -> RunReport {
        let now = self.now();
        self.run_due(now)
    }

    /// Moves the clock forward to `target`, running every event due by then.
    pub fn advance_to(&mut self, target: Timestamp) -> Result<RunReport, TimeError> {
        let now = self.now();
        if target < now {
            return Err(TimeError::Backwards {
                now,
                requested: target,
            });
        }
        let report = self.run_due(target);
        // Events may not move the clock, so `target` is still ahead of it.
        self.clock.jump_to(target.max(self.now()))?;
        Ok(report)
    }

    /// Runs due events up to `upto`, each with the clock frozen on its due time (or on
    /// the previous event's time, if it was scheduled in the past), then puts the
    /// clock's mode back.
    fn run_due(&mut self, upto: Timestamp) -> RunReport {
        let mut report = RunReport::default();
        let saved = self.clock.clone();
        let mut standing = self.now().min(upto);
        while let Some(event) = self.scheduler.pop_due(upto) {
            standing = standing.max(event.due);
            self.clock = Clock::frozen(standing).with_auth(saved.auth());
            match self.handlers.get(&event.kind) {
                Some(handler) => match handler(self, &event) {
                    Ok(()) => report.fired += 1,
                    Err(reason) => {
                        report.failed += 1;
                        tracing::warn!(kind = %event.kind, seq = event.seq, %reason, "scheduled event failed");
                    }
                },
                None => {
                    report.failed += 1;
                    tracing::warn!(kind = %event.kind, "no handler for scheduled event");
                }
            }
        }
        self.clock = saved;
        report
    }
}

/// The handlers of every event kind the sandbox schedules (core and providers).
pub fn core_handlers() -> Handlers<World> {
    let mut handlers = Handlers::new();
    handlers.register(HOLD_EXPIRE, expire_hold);
    for provider in Provider::ALL {
        provider.face().register_events(&mut handlers);
    }
    handlers
}

fn expire_hold(world: &mut World, event: &Event) -> Result<(), String> {
    let index: u64 = event
        .data
        .get("hold")
        .and_then(|h| h.parse().ok())
        .ok_or("event has no hold index")?;
    let now = world.now();
    world
        .ledger
        .expire_hold(HoldId::from_index(index), now)
        .map_err(|e| e.to_string())
}

/// The clock's mode as the admin API and exports write it.
pub fn mode_name(clock: &Clock) -> &'static str {
    match clock.mode() {
        ClockMode::Frozen => "frozen",
        ClockMode::Running => "running",
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::ledger::{AccountKind, AccountSpec, EntryDraft, HoldDraft, HoldState, Metadata};
    use crate::money::Currency;

    const RECORD: &str = "test.record";

    /// Posts an entry tagged with the event's `tag`, so the ledger shows which events
    /// ran, in which order and at what time.
    fn record(world: &mut World, event: &Event) -> Result<(), String> {
        let from = world
            .ledger
            .account_by_key("src")
            .map_err(|e| e.to_string())?
            .id;
        let to = world
            .ledger
            .account_by_key("dst")
            .map_err(|e| e.to_string())?
            .id;
        let draft = EntryDraft::transfer(world.now(), "tick", from, to, Decimal::ONE)
            .with_metadata("tag", event.data["tag"].clone());
        world
            .ledger
            .post(draft)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn world() -> World {
        let mut handlers = core_handlers();
        handlers.register(RECORD, record);
        let start = Timestamp::from_secs(1_000_000);
        let mut w = World::new(1, Clock::frozen(start), Arc::new(handlers));
        for (key, kind) in [("src", AccountKind::External), ("dst", AccountKind::Wallet)] {
            w.ledger
                .open_account(AccountSpec {
                    key: key.to_owned(),
                    kind,
                    currency: Currency::USD,
                    allow_negative: kind.negative_by_default(),
                    opened_at: start,
                    metadata: Metadata::new(),
                })
                .expect("fresh key");
        }
        w
    }

    #[test]
    fn advance_fires_due_events_in_time_order_at_their_due_time() {
        let mut w = world();
        let start = w.now();
        for (secs, tag) in [(300, "c"), (100, "a"), (100, "b"), (900, "late")] {
            w.schedule(start.plus_secs(secs), RECORD, &[("tag", tag.to_owned())]);
        }
        let report = w.advance_to(start.plus_secs(600)).expect("forward");
        assert_eq!(
            report,
            RunReport {
                fired: 3,
                failed: 0
            }
        );
        let fired: Vec<_> = w
            .ledger
            .entries()
            .iter()
            .map(|e| (e.metadata.get("tag").map_or("", String::as_str), e.time))
            .collect();
        assert_eq!(
            fired,
            [
                ("a", start.plus_secs(100)),
                ("b", start.plus_secs(100)),
                ("c", start.plus_secs(300)),
            ]
        );
        assert_eq!(w.now(), start.plus_secs(600));
        assert_eq!(w.scheduler.pending().count(), 1, "the late event waits");
        assert!(w.advance_to(start).is_err(), "the clock never goes back");
    }

    #[test]
    fn holds_expire_when_the_clock_passes_their_expiry() {
        let mut w = world();
        let start = w.now();
        let src = w.ledger.account_by_key("src").expect("opened").id;
        let dst = w.ledger.account_by_key("dst").expect("opened").id;
        w.ledger
            .post(EntryDraft::transfer(
                start,
                "load",
                src,
                dst,
                Decimal::from(10),
            ))
            .expect("load");
        let hold = w
            .ledger
            .place_hold(HoldDraft {
                account: dst,
                amount: Decimal::from_str("4").expect("decimal"),
                placed_at: start,
                expires_at: Some(start.plus_secs(3600)),
                metadata: Metadata::new(),
            })
            .expect("enough");
        w.schedule_hold_expiry(hold);
        w.advance_to(start.plus_secs(3599)).expect("forward");
        assert_eq!(w.ledger.hold(hold).map(|h| h.state), Ok(HoldState::Active));
        w.advance_to(start.plus_secs(7200)).expect("forward");
        assert_eq!(
            w.ledger.hold(hold).map(|h| h.state),
            Ok(HoldState::Expired {
                at: start.plus_secs(3600)
            })
        );
        assert_eq!(
            w.ledger.balance(dst).map(|b| b.available),
            Ok(Decimal::from(10))
        );
    }
}
