//! The `[server]` section: listener limits and timeouts.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// HTTP server limits; the defaults are the performance report's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    /// The URL clients reach this server at, without a trailing slash
    /// (`https://mcp.example.com`). It names the issuer and the protected
    /// resource, so it must be what clients see behind any proxy. When
    /// absent, `http://` and the bound address are used.
    pub public_url: Option<String>,
    /// An idle keep-alive connection closes after this long.
    #[serde(with = "crate::config::seconds")]
    pub keep_alive: Duration,
    /// A request's head must arrive within this long.
    #[serde(with = "crate::config::seconds")]
    pub header_read_timeout: Duration,
    /// Largest request head (start line and headers); beyond it, 431.
    pub max_header_bytes: usize,
    /// Largest request body; beyond it, 413.
    pub max_body_bytes: usize,
    /// A handler that runs longer than this is answered with 408.
    #[serde(with = "crate::config::seconds")]
    pub request_timeout: Duration,
    /// Requests per minute per client IP; beyond it, 429.
    pub rate_limit_per_minute: u32,
    /// How long shutdown waits for open requests before dropping them.
    #[serde(with = "crate::config::seconds")]
    pub shutdown_grace: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            public_url: None,
            keep_alive: Duration::from_secs(5),
            header_read_timeout: Duration::from_secs(60),
            max_header_bytes: 16 * 1024,
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            rate_limit_per_minute: 1000,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}
