//! Gives the memory of deleted tenants back to the operating system.
//!
//! glibc's allocator keeps freed heap pages for reuse: after a test suite's tenants are
//! deleted the process stays at its high-water mark, and under create/delete churn the
//! mark creeps up as arenas fragment. After a tenant is deleted or reset, one
//! `malloc_trim` on the blocking pool returns the free pages; trims requested while one
//! runs fold into a single follow-up, so churn never queues work. The measurements
//! behind this choice (against mimalloc and jemalloc) are in ARCHITECTURE.md, "Memory".
//! On other C libraries this does nothing.

use std::sync::atomic::{AtomicBool, Ordering};

/// A trim has been asked for since the running one started.
static WANTED: AtomicBool = AtomicBool::new(false);
/// A trim task is on the blocking pool.
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Asks for freed memory to be returned soon, off the caller's thread. Needs a tokio
/// runtime.
pub fn release_freed() {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return;
    }
    WANTED.store(true, Ordering::Release);
    if RUNNING.swap(true, Ordering::AcqRel) {
        return;
    }
    tokio::task::spawn_blocking(|| {
        loop {
            while WANTED.swap(false, Ordering::AcqRel) {
                trim();
            }
            RUNNING.store(false, Ordering::Release);
            // A request that came between the last swap and the store saw RUNNING set
            // and left it to us: take it, unless another task already has.
            if !WANTED.load(Ordering::Acquire) || RUNNING.swap(true, Ordering::AcqRel) {
                break;
            }
        }
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: malloc_trim takes no pointers; it walks glibc's own arenas under their
    // locks and only releases pages that hold no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}

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
        assert!(!RUNNING.load(Ordering::Acquire), "the trim task ends");
        assert!(!WANTED.load(Ordering::Acquire), "every request was served");
    }
}
