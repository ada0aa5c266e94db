//! The HTTP server: the axum application, its middleware stack, and the
//! connection loop that enforces the limits hyper owns.
//!
//! Parts:
//! - [`app`]: routes and the tower/tower-http layers.
//! - [`assemble`]: the application from settings, MCP endpoint included.
//! - [`listener`]: accepting connections, keep-alive, graceful shutdown.
//! - [`rate_limit`]: the per-IP limiter and its standard headers.
//! - [`launch`]: the whole server in-process, for `serve`, tests, benches.
//! - [`cli`]: `mcp-perf serve`.

pub mod app;
pub mod assemble;
pub mod cli;
pub mod launch;
pub mod listener;
pub mod rate_limit;
pub mod settings;
pub mod signal;
pub mod whoami;

pub use app::{MCP_SCOPE, app};
pub use launch::{LaunchError, RunningServer};
pub use settings::ServerSettings;
