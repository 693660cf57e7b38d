//! Counting a request's world-lock acquisitions. The journal middleware
//! (`observe`) runs each request inside [`count_world_locks`]; every time
//! [`super::Tenant`] locks a world inside it, the count goes up, and the total travels
//! back on the response as a [`LockCount`] extension, so tests can pin how many times a
//! request takes its tenant's lock (ARCHITECTURE.md, "Life of a request"). Locks taken
//! by other tasks (the webhook worker, the blocking pool) are not counted.

use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static WORLD_LOCKS: Cell<u32>;
}

/// How many times a request locked a tenant's world (a response extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockCount(pub u32);

/// Runs `work`, counting the world locks it takes on this task.
pub async fn count_world_locks<F: Future>(work: F) -> (F::Output, LockCount) {
    WORLD_LOCKS
        .scope(Cell::new(0), async move {
            let output = work.await;
            (output, LockCount(WORLD_LOCKS.with(Cell::get)))
        })
        .await
}

/// Counts one world lock, when a request is being counted on this task.
pub(super) fn counted() {
    let _ = WORLD_LOCKS.try_with(|count| count.set(count.get() + 1));
}
