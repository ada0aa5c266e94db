//! What benches and tests need to run the real components: Redis
//! provisioning, and later the Make.com mock and an in-process server.
//!
//! - [`redis`]: one isolated Redis per caller, found or started in the order
//!   `MCP_PERF_REDIS_URL`, testcontainers, `redis-server` child process.

pub mod bench;
pub mod redis;
