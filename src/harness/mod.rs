//! What benches and tests need to run the real components.
//!
//! - [`redis`]: one isolated Redis per caller, found or started in the order
//!   `MCP_PERF_REDIS_URL`, testcontainers, `redis-server` child process.
//! - [`make_mock`]: a wiremock Make.com serving the documented shapes, with
//!   latency and fault injection.
//! - [`bench`]: what a benchmark needs before it measures, failing loudly.
//! - [`oauth_login`]: a user's OAuth login over HTTP, for a real token.
//! - [`mcp_client`]: a small Streamable HTTP MCP client.

pub mod bench;
pub mod make_mock;
pub mod mcp_client;
pub mod oauth_login;
pub mod redis;
