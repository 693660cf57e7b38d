//! Gives the memory of deleted tenants back to the operating system.
//!
//! The binary allocates through jemalloc (`src/main.rs`), which keeps freed pages for
//! reuse: after a test suite's tenants are deleted the process would stay near its
//! high-water mark. After a tenant is deleted or reset, one purge of every arena
//! (`arena.<MALLCTL_ARENAS_ALL>.purge`) on the blocking pool returns the free pages,
//! [`PURGE_DELAY`] later: requests that come while one waits or runs fold into it (and
//! at most one follow-up), so churn never queues work, and a suite that creates and
//! deletes tenants back to back reuses the pages of the tenant it just deleted instead
//! of faulting in new ones for the next (a purge after every delete made each tenant's
//! world land on pages new to the process). The measurements behind this choice (glibc
//! with `malloc_trim`, mimalloc, jemalloc) are in ARCHITECTURE.md, "Memory". The test
//! binaries keep the system allocator; there the purge finds nothing of jemalloc's to
//! return.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long after the first request the purge runs.
pub const PURGE_DELAY: Duration = Duration::from_millis(100);

/// A purge has been asked for since the running one started.
static WANTED: AtomicBool = AtomicBool::new(false);
/// A purge task is waiting or running.
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Asks for freed memory to be returned in [`PURGE_DELAY`], off the caller's thread.
/// Needs a tokio runtime.
pub fn release_freed() {
    WANTED.store(true, Ordering::Release);
    if RUNNING.swap(true, Ordering::AcqRel) {
        return;
    }
    tokio::spawn(async {
        loop {
            tokio::time::sleep(PURGE_DELAY).await;
            WANTED.store(false, Ordering::Release);
            // A purge that panicked left memory as it was; nothing to report.
            let _ = tokio::task::spawn_blocking(purge).await;
            RUNNING.store(false, Ordering::Release);
            // A request that came since the store of WANTED saw RUNNING set and left it
            // to us: take it, unless another task already has.
            if !WANTED.load(Ordering::Acquire) || RUNNING.swap(true, Ordering::AcqRel) {
                break;
            }
        }
    });
}

#[allow(unsafe_code)]
fn purge() {
    // SAFETY: the name is a NUL-terminated mallctl name (4096 is MALLCTL_ARENAS_ALL);
    // `purge` reads and writes no value, so every pointer is null and the length 0. It
    // returns the arenas' unused dirty pages and touches no live allocation. Its status
    // is ignored: a purge that cannot run leaves memory as it was.
    unsafe {
        tikv_jemalloc_sys::mallctl(
            c"arena.4096.purge".as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_fold_into_one_task_and_the_flags_settle() {
        for _ in 0..100 {
            release_freed();
        }
        for _ in 0..200 {
            if !RUNNING.load(Ordering::Acquire) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(!RUNNING.load(Ordering::Acquire), "the purge task ends");
        assert!(!WANTED.load(Ordering::Acquire), "every request was served");
    }
}
