//! Counters a store keeps about itself, for the monitor and for tests.

use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters; read a copy with [`StoreCounters::snapshot`].
#[derive(Debug, Default)]
pub struct StoreCounters {
    pub(super) l1_hits: AtomicU64,
    pub(super) l1_misses: AtomicU64,
    pub(super) corrupt_blobs: AtomicU64,
    pub(super) redis_errors: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreStats {
    /// Loads answered by the L1 cache.
    pub l1_hits: u64,
    /// Loads that went to Redis.
    pub l1_misses: u64,
    /// Blobs that failed to open or decode.
    pub corrupt_blobs: u64,
    /// Redis errors and timeouts.
    pub redis_errors: u64,
}

impl StoreCounters {
    pub(super) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads every counter.
    pub fn snapshot(&self) -> StoreStats {
        StoreStats {
            l1_hits: self.l1_hits.load(Ordering::Relaxed),
            l1_misses: self.l1_misses.load(Ordering::Relaxed),
            corrupt_blobs: self.corrupt_blobs.load(Ordering::Relaxed),
            redis_errors: self.redis_errors.load(Ordering::Relaxed),
        }
    }
}
