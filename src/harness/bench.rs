//! What every benchmark needs before it measures anything, and the rule
//! that a benchmark which cannot run fails loudly instead of skipping.

use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

use super::redis::{RedisInstance, RedisSource};

/// The Redis a benchmark measures against.
///
/// `MCP_PERF_REDIS_URL` wins when set; otherwise a `redis-server` child
/// process, because a container's published port adds a userland proxy hop
/// that is not part of the system under test; testcontainers is the last
/// resort. Panics with the harness' full message when no way works: a gate
/// that compares nothing would pass everything.
pub async fn redis() -> RedisInstance {
    let attempt = if std::env::var_os("MCP_PERF_REDIS_URL").is_some() {
        RedisInstance::start().await
    } else {
        match RedisInstance::start_from(RedisSource::ChildProcess).await {
            Ok(instance) => Ok(instance),
            Err(_) => RedisInstance::start().await,
        }
    };
    attempt.unwrap_or_else(|error| panic!("benchmark needs Redis and found none:\n{error}"))
}

/// Awaits `step` `iters` times in a row inside one `block_on` and returns
/// the time they took: the runtime's entry cost is paid once, not per step,
/// so criterion's `iter_custom` sees only the work.
pub fn time_sequential<F, Fut>(runtime: &Runtime, iters: u64, step: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            step().await;
        }
        start.elapsed()
    })
}
