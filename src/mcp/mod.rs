//! The MCP server: Make.com tools on rmcp's Streamable HTTP transport.
//!
//! A request reaches `/mcp` only after the bearer check, which puts the
//! caller's OAuth session in the request extensions; rmcp passes the HTTP
//! head on to the tool, and [`caller::Caller`] takes the session (and its
//! Make.com credential) from there on every call.
//!
//! Parts:
//! - [`tools`]: [`MakeTools`], one `#[tool]` per Make.com call;
//!   [`inputs`] their schemas, [`outcome`] results and tool errors.
//! - [`endpoint`]: the rmcp service mounted at `/mcp`, stateful or not.
//! - [`sessions`]: the bounds on MCP sessions (cap, idle timeout).
//! - [`settings`]: the `[mcp]` section.

pub mod caller;
pub mod endpoint;
pub mod inputs;
pub mod outcome;
pub mod sessions;
pub mod settings;
pub mod tools;

pub use caller::Caller;
pub use endpoint::{MCP_PATH, McpEndpoint};
pub use sessions::{BoundedSessionManager, SessionBoundError, SessionLimits};
pub use settings::McpSettings;
pub use tools::MakeTools;
