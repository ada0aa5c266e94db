//! The `[mcp]` section: how the Streamable HTTP transport keeps MCP
//! sessions.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How `/mcp` serves clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct McpSettings {
    /// Keep an MCP session per client (`Mcp-Session-Id`), as most clients
    /// expect. When false, every POST is served on its own and no session
    /// is kept: cheaper, and any replica can answer any request.
    pub stateful: bool,
    /// The most MCP sessions kept at once; an `initialize` beyond it is
    /// answered 503 until one ends.
    pub max_sessions: usize,
    /// A session with no request for this long is closed.
    #[serde(with = "crate::config::seconds")]
    pub session_idle_timeout: Duration,
    /// In stateless mode, answer a request with one JSON body instead of an
    /// SSE stream when the tool sends nothing before its result.
    pub json_response: bool,
}

impl Default for McpSettings {
    fn default() -> Self {
        Self {
            stateful: true,
            max_sessions: 10_000,
            session_idle_timeout: Duration::from_secs(300),
            json_response: true,
        }
    }
}
