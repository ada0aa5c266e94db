//! # mcp-perf
//!
//! Three parts that live in one crate because each keeps the others honest:
//!
//! 1. **The system under test**: an OAuth 2.1 + PKCE protected MCP server for
//!    the Make.com API, whose sessions live encrypted in Redis
//!    ([`session`], [`crypto`]).
//! 2. **The measurement suite**: Criterion benchmarks under `benches/` that run
//!    the real components in-process against real Redis, provisioned by
//!    [`harness`].
//! 3. **The regression gate**: compares fresh results with the baselines
//!    committed in `baselines/` and fails a pull request that regresses.
//!
//! Data flows one way: benchmarks write results under `target/`, the gate
//! reads them beside `baselines/`, and writes a verdict.

pub mod config;
pub mod crypto;
pub mod gate;
pub mod harness;
pub mod make;
pub mod mcp;
pub mod oauth;
pub mod server;
pub mod session;
