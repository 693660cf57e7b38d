//! Tenant templates: a world built from a scenario and seed, kept so that the next
//! tenant of the same scenario, seed and clock start gets a copy (`World::clone`, about
//! a tenth of a millisecond for the default scenario: the history's chunks are shared,
//! `crate::chunked`) instead of a regenerated history (about four milliseconds). A
//! scenario's world is a function of the scenario, the seed and the start instant alone
//! (the tenant id, credentials, file links and a running clock's anchor are applied to
//! the copy afterwards), so the copy is the world a fresh build would give;
//! ARCHITECTURE.md, "Tenant templates", says why, and a test compares exports.
//!
//! Only what repeats is kept: the first build of a key is remembered without its world,
//! the second keeps the world, so a one-off tenant costs no memory. A wall-clock start
//! (below) is the exception: its key lives for one [`WALL_WINDOW_MS`], so waiting for a
//! second build would make a suite pay two builds every window; its first build is
//! kept (the copy shares its history's chunks with the tenant built, `Chunked`). At most
//! [`CAPACITY`] keys are remembered, the oldest forgotten first. Inline scenarios (sent
//! in a `POST /_sandbox/tenants` body) are never kept: each is its own scenario.
//!
//! Each kept world also has a spare copy made off the request path, so a tenant's
//! creation pays not even the copy: it takes the spare, and a blocking task copies the
//! next one ([`refill`]).
//!
//! A scenario whose clock starts at the wall clock (no `clock.start`) has a new start
//! every millisecond, so a tenant created within [`WALL_WINDOW_MS`] of a kept start
//! takes that start: it is the tenant a build at that instant would have given, its
//! clock having run since (or, frozen, showing that instant).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::clock::{self, Timestamp};
use crate::scenario::NamedScenario;

use super::{World, lock};

/// How many (scenario, seed, start) keys are remembered.
pub const CAPACITY: usize = 8;

/// How long a wall-clock start is shared by the tenants created after it.
pub const WALL_WINDOW_MS: i64 = 1000;

#[derive(Debug)]
struct Entry {
    scenario: Arc<NamedScenario>,
    seed: u64,
    start: Timestamp,
    /// The world built for this key, once it was built twice.
    world: Option<Arc<World>>,
    /// A copy of `world` made ahead, for the next tenant.
    spare: Option<World>,
}

/// A copy for a new tenant: made ahead, or to be made from the kept world.
#[derive(Debug)]
pub(super) enum Taken {
    Spare(Box<World>),
    Of(Arc<World>),
}

impl Taken {
    /// The world itself (copying the template when no spare was ready).
    pub(super) fn into_world(self) -> World {
        match self {
            Self::Spare(world) => *world,
            Self::Of(template) => World::clone(&template),
        }
    }
}

impl Entry {
    fn is(&self, scenario: &Arc<NamedScenario>, seed: u64, start: Timestamp) -> bool {
        Arc::ptr_eq(&self.scenario, scenario) && self.seed == seed && self.start == start
    }
}

#[derive(Debug, Default)]
pub(super) struct Templates {
    /// Oldest first.
    entries: VecDeque<Entry>,
}

impl Templates {
    /// Where a new tenant's clock starts: the scenario's `clock.start`; else a kept
    /// wall-clock start at most [`WALL_WINDOW_MS`] old; else now.
    pub(super) fn start_for(&self, scenario: &Arc<NamedScenario>, seed: u64) -> Timestamp {
        if let Some(start) = scenario.scenario.clock.start {
            return start.0;
        }
        let now = clock::wall_now();
        self.entries
            .iter()
            .rev()
            .filter(|e| Arc::ptr_eq(&e.scenario, scenario) && e.seed == seed)
            .map(|e| e.start)
            .find(|start| {
                let age = now.as_millis() - start.as_millis();
                (0..=WALL_WINDOW_MS).contains(&age)
            })
            .unwrap_or(now)
    }

    /// A copy of the world kept for this key: the spare if one is ready, else the
    /// template to copy (outside the lock).
    pub(super) fn take(
        &mut self,
        scenario: &Arc<NamedScenario>,
        seed: u64,
        start: Timestamp,
    ) -> Option<Taken> {
        let entry = self
            .entries
            .iter_mut()
            .find(|e| e.is(scenario, seed, start))?;
        match entry.spare.take() {
            Some(spare) => Some(Taken::Spare(Box::new(spare))),
            None => entry.world.clone().map(Taken::Of),
        }
    }

    /// A kept world that has no spare, and its key.
    fn wanting_spare(&self) -> Option<(Arc<World>, Arc<NamedScenario>, u64, Timestamp)> {
        self.entries.iter().find_map(|e| {
            let world = e.world.as_ref().filter(|_| e.spare.is_none())?;
            Some((world.clone(), e.scenario.clone(), e.seed, e.start))
        })
    }

    /// Notes a build of this key: the first is remembered without its world (kept at
    /// once for a wall-clock start), the second keeps a copy of `world`.
    pub(super) fn built(
        &mut self,
        scenario: &Arc<NamedScenario>,
        seed: u64,
        start: Timestamp,
        world: &World,
    ) {
        if let Some(entry) = self
            .entries
            .iter_mut()
            .find(|e| e.is(scenario, seed, start))
        {
            if entry.world.is_none() {
                entry.world = Some(Arc::new(world.clone()));
            }
            return;
        }
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        let wall_clock = scenario.scenario.clock.start.is_none();
        self.entries.push_back(Entry {
            scenario: scenario.clone(),
            seed,
            start,
            world: wall_clock.then(|| Arc::new(world.clone())),
            spare: None,
        });
    }

    /// How many spares are ready.
    #[cfg(test)]
    fn spares(&self) -> usize {
        self.entries.iter().filter(|e| e.spare.is_some()).count()
    }

    /// How many worlds are kept.
    #[cfg(test)]
    fn worlds(&self) -> usize {
        self.entries.iter().filter(|e| e.world.is_some()).count()
    }
}

/// Makes a spare copy of every kept world that has none, each copy outside the lock.
pub(super) fn refill(templates: &Mutex<Templates>) {
    loop {
        // Bound first, so that the guard is gone before the copy.
        let wanting = lock(templates).wanting_spare();
        let Some((world, scenario, seed, start)) = wanting else {
            return;
        };
        let spare = World::clone(&world);
        let mut kept = lock(templates);
        match kept
            .entries
            .iter_mut()
            .find(|e| e.is(&scenario, seed, start))
        {
            Some(entry) if entry.spare.is_none() => entry.spare = Some(spare),
            // Forgotten meanwhile, or another refill got there first.
            _ => return,
        }
    }
}

/// Runs [`refill`] on the blocking pool when there is a runtime to run it on.
pub(super) fn refill_later(templates: &Arc<Mutex<Templates>>) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let templates = templates.clone();
        runtime.spawn_blocking(move || refill(&templates));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::scenario::{DEFAULT_SCENARIO, parse};
    use crate::scheduler::Handlers;

    fn scenario(text: &str) -> Arc<NamedScenario> {
        Arc::new(NamedScenario {
            name: "s".to_owned(),
            scenario: parse("s", text).expect("a scenario"),
        })
    }

    /// A scenario with a fixed clock start.
    const FIXED: &str = "version: 1\nclock:\n  start: \"2026-01-15T12:00:00Z\"\n  mode: frozen\n";

    fn world(start: Timestamp) -> World {
        World::new(1, Clock::frozen(start), Arc::new(Handlers::new()))
    }

    #[test]
    fn the_second_build_of_a_key_is_kept_and_only_that_key_finds_it() {
        let s = scenario(FIXED);
        let at = Timestamp::from_secs(1_780_000_000);
        let mut t = Templates::default();
        assert!(t.take(&s, 1, at).is_none());
        t.built(&s, 1, at, &world(at));
        assert_eq!(t.worlds(), 0, "a one-off build keeps no world");
        assert!(t.take(&s, 1, at).is_none());
        t.built(&s, 1, at, &world(at));
        assert_eq!(t.worlds(), 1);
        assert!(matches!(t.take(&s, 1, at), Some(Taken::Of(_))));
        assert!(t.take(&s, 2, at).is_none(), "another seed");
        assert!(
            t.take(&s, 1, Timestamp::from_secs(1)).is_none(),
            "another start"
        );
        let same_text = scenario(FIXED);
        assert!(t.take(&same_text, 1, at).is_none(), "another scenario");
    }

    #[test]
    fn a_refill_makes_one_spare_per_kept_world_and_a_take_uses_it() {
        let s = scenario(FIXED);
        let at = Timestamp::from_secs(1_780_000_000);
        let t = Mutex::new(Templates::default());
        refill(&t);
        assert_eq!(
            t.lock().unwrap().spares(),
            0,
            "nothing kept, nothing to copy"
        );
        for seed in [1, 2, 3] {
            t.lock().unwrap().built(&s, seed, at, &world(at));
        }
        t.lock().unwrap().built(&s, 1, at, &world(at));
        t.lock().unwrap().built(&s, 2, at, &world(at));
        refill(&t);
        refill(&t);
        assert_eq!(
            t.lock().unwrap().spares(),
            2,
            "one each for the two kept worlds"
        );
        let copy = t.lock().unwrap().take(&s, 1, at).expect("a copy");
        assert!(matches!(copy, Taken::Spare(_)));
        assert_eq!(copy.into_world().now(), at);
        let next = t.lock().unwrap().take(&s, 1, at).expect("a copy");
        assert!(
            matches!(next, Taken::Of(_)),
            "the spare went to the first taker"
        );
        refill(&t);
        assert_eq!(t.lock().unwrap().spares(), 2);
    }

    #[test]
    fn at_most_capacity_keys_are_remembered_oldest_forgotten_first() {
        let s = scenario(FIXED);
        let mut t = Templates::default();
        for seed in 0..=CAPACITY as u64 {
            let at = Timestamp::from_secs(1);
            t.built(&s, seed, at, &world(at));
            t.built(&s, seed, at, &world(at));
        }
        assert_eq!(t.worlds(), CAPACITY);
        assert!(t.take(&s, 0, Timestamp::from_secs(1)).is_none());
        assert!(
            t.take(&s, CAPACITY as u64, Timestamp::from_secs(1))
                .is_some()
        );
    }

    #[test]
    fn a_wall_clock_start_is_shared_within_the_window_and_a_fixed_one_always() {
        let wall = scenario(DEFAULT_SCENARIO);
        let mut t = Templates::default();
        let first = t.start_for(&wall, 1);
        t.built(&wall, 1, first, &world(first));
        assert_eq!(t.worlds(), 1, "a wall-clock start keeps its first build");
        assert!(matches!(t.take(&wall, 1, first), Some(Taken::Of(_))));
        assert_eq!(t.start_for(&wall, 1), first);
        let stale = Timestamp::from_millis(first.as_millis() - WALL_WINDOW_MS - 1);
        let mut old = Templates::default();
        old.built(&wall, 1, stale, &world(stale));
        assert!(
            old.start_for(&wall, 1) >= first,
            "a start older than the window"
        );
        let fixed = scenario(FIXED);
        let start = t.start_for(&fixed, 1);
        assert_eq!(start.to_rfc3339(), "2026-01-15T12:00:00Z");
    }
}
