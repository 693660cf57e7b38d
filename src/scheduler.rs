//! Events that fall due on a tenant's clock (a hold expiring, a transfer settling, a
//! token lapsing, a webhook retry), kept in due-time order, and the table of handlers
//! that carry them out.
//!
//! An event is plain data (a kind and string fields), so pending events are part of a
//! tenant export. Each module that schedules events registers a handler for its kinds
//! in [`Handlers`]; the tenant world runs due events through it in (due, seq) order,
//! standing the clock on each event's due time while it runs.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::clock::Timestamp;

/// A scheduled event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub due: Timestamp,
    /// Order among events due at the same instant: the order they were scheduled in.
    pub seq: u64,
    /// Which handler runs it, e.g. `"ledger.hold_expire"`.
    pub kind: String,
    pub data: BTreeMap<String, String>,
}

/// The pending events of one tenant.
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    queue: BTreeMap<(Timestamp, u64), Event>,
    next_seq: u64,
}

impl Scheduler {
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules an event and returns its sequence number.
    pub fn schedule(
        &mut self,
        due: Timestamp,
        kind: impl Into<String>,
        data: BTreeMap<String, String>,
    ) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.queue.insert(
            (due, seq),
            Event {
                due,
                seq,
                kind: kind.into(),
                data,
            },
        );
        seq
    }

    /// Removes the earliest event due at or before `upto`.
    pub fn pop_due(&mut self, upto: Timestamp) -> Option<Event> {
        let (&key, _) = self.queue.first_key_value()?;
        if key.0 > upto {
            return None;
        }
        self.queue.remove(&key)
    }

    /// Drops pending events for which `keep` is false (a cancelled authorisation).
    pub fn retain(&mut self, mut keep: impl FnMut(&Event) -> bool) {
        self.queue.retain(|_, e| keep(e));
    }

    pub fn pending(&self) -> impl Iterator<Item = &Event> {
        self.queue.values()
    }

    pub fn next_due(&self) -> Option<Timestamp> {
        self.queue.keys().next().map(|k| k.0)
    }

    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Rebuilds a scheduler from exported events.
    pub fn restore(events: Vec<Event>, next_seq: u64) -> Self {
        let next_seq = events
            .iter()
            .map(|e| e.seq + 1)
            .max()
            .unwrap_or(0)
            .max(next_seq);
        Self {
            queue: events.into_iter().map(|e| ((e.due, e.seq), e)).collect(),
            next_seq,
        }
    }
}

/// Runs one event against a world. An `Err` is logged and the event is dropped: the
/// world it was scheduled in has moved on (the hold was captured, the card closed).
pub type Handler<W> = fn(&mut W, &Event) -> Result<(), String>;

/// Event kind -> handler, built once at startup.
pub struct Handlers<W> {
    map: HashMap<&'static str, Handler<W>>,
}

impl<W> Handlers<W> {
    pub fn new() -> Self {
        Self {
            map: HashMap::new(),
        }
    }

    /// Registers the handler of a kind; a second registration of a kind replaces the first.
    pub fn register(&mut self, kind: &'static str, handler: Handler<W>) -> &mut Self {
        self.map.insert(kind, handler);
        self
    }

    pub fn get(&self, kind: &str) -> Option<Handler<W>> {
        self.map.get(kind).copied()
    }

    pub fn knows(&self, kind: &str) -> bool {
        self.map.contains_key(kind)
    }
}

impl<W> Default for Handlers<W> {
    fn default() -> Self {
        Self::new()
    }
}

impl<W> fmt::Debug for Handlers<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut kinds: Vec<_> = self.map.keys().collect();
        kinds.sort();
        f.debug_struct("Handlers").field("kinds", &kinds).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_due_then_schedule_order_and_stops_at_the_limit() {
        let mut s = Scheduler::new();
        let t = Timestamp::from_secs;
        s.schedule(t(30), "c", BTreeMap::new());
        s.schedule(t(10), "a", BTreeMap::new());
        s.schedule(t(10), "b", BTreeMap::new());
        s.schedule(t(50), "d", BTreeMap::new());
        let mut seen = Vec::new();
        while let Some(e) = s.pop_due(t(30)) {
            seen.push(e.kind);
        }
        assert_eq!(seen, ["a", "b", "c"]);
        assert_eq!(s.next_due(), Some(t(50)));
        let restored = Scheduler::restore(s.pending().cloned().collect(), s.next_seq());
        assert_eq!(restored.next_seq(), 4);
        assert_eq!(restored.pending().count(), 1);
    }
}
