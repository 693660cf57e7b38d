//! What a request's task saw of its tenant's world: how many times it locked it, and
//! the clock's reading its last operation left. The journal middleware (`observe`) runs
//! each request inside [`count_world_locks`]; every time [`super::Tenant`] locks a
//! world inside it, the count goes up, and the total travels back on the response as a
//! [`LockCount`] extension, so tests can pin how many times a request takes its
//! tenant's lock (ARCHITECTURE.md, "Life of a request"). The clock reading lets the
//! request's journal record take its time without locking the world again. Locks taken
//! by other tasks (the webhook worker, the blocking pool) are not counted.

use std::cell::Cell;
use std::future::Future;

use super::Tenant;
use crate::clock::Timestamp;

/// One request's view: the lock count, and the tenant (by address) and clock reading
/// of the last [`Tenant::with`] it ran.
struct Seen {
    locks: Cell<u32>,
    clock: Cell<Option<(usize, Timestamp)>>,
}

tokio::task_local! {
    static SEEN: Seen;
}

/// How many times a request locked a tenant's world (a response extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockCount(pub u32);

/// Runs `work`, counting the world locks it takes on this task.
pub async fn count_world_locks<F: Future>(work: F) -> (F::Output, LockCount) {
    let seen = Seen {
        locks: Cell::new(0),
        clock: Cell::new(None),
    };
    SEEN.scope(seen, async move {
        let output = work.await;
        (output, LockCount(SEEN.with(|seen| seen.locks.get())))
    })
    .await
}

/// Counts one world lock, when a request is being counted on this task.
pub(super) fn counted() {
    let _ = SEEN.try_with(|seen| seen.locks.set(seen.locks.get() + 1));
}

/// Notes `now`, the clock `tenant`'s operation read under its lock.
pub(super) fn saw_clock(tenant: &Tenant, now: Timestamp) {
    let _ = SEEN.try_with(|seen| seen.clock.set(Some((address(tenant), now))));
}

/// The clock reading this task's last operation on `tenant` left, if it ran one.
pub(super) fn clock_seen(tenant: &Tenant) -> Option<Timestamp> {
    SEEN.try_with(|seen| seen.clock.get())
        .ok()
        .flatten()
        .and_then(|(at, now)| (at == address(tenant)).then_some(now))
}

fn address(tenant: &Tenant) -> usize {
    std::ptr::from_ref(tenant).addr()
}
