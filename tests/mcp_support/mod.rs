//! What the MCP tests share: the mock Make.com, Redis, the real server
//! pointed at the mock, and a token from the real OAuth flow.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::sync::Arc;
use std::time::Duration;

use mcp_perf::config::Settings;
use mcp_perf::crypto::KeyRing;
use mcp_perf::harness::make_mock::{MOCK_API_TOKEN, MakeMock};
use mcp_perf::harness::mcp_client::McpClient;
use mcp_perf::harness::oauth_login::{Consent, login};
use mcp_perf::harness::redis::RedisInstance;
use mcp_perf::server::RunningServer;
use tokio::net::TcpListener;

/// The protocol versions the server must speak.
pub const PROTOCOLS: [&str; 2] = ["2025-03-26", "2025-06-18"];

/// A server on a loopback port whose Make.com is the mock.
pub struct McpHarness {
    pub mock: MakeMock,
    pub redis: RedisInstance,
    pub server: RunningServer,
    pub http: reqwest::Client,
    pub token: String,
}

impl McpHarness {
    /// Stateful MCP, default bounds.
    pub async fn start() -> Self {
        Self::start_with(Settings::default()).await
    }

    /// `settings` with Make.com pointed at the mock (through its fault
    /// proxy), quick retries, and no per-IP limit in the way.
    pub async fn start_with(mut settings: Settings) -> Self {
        let mock = MakeMock::start().await.expect("make.com mock");
        let base_url = mock.proxied_base_url().expect("the mock's fault proxy");
        settings.make.base_url = Some(base_url.to_string());
        settings.make.retry_base_delay = Duration::from_millis(5);
        settings.make.breaker_cool_down = Duration::from_millis(200);
        settings.server.rate_limit_per_minute = 1_000_000;

        let redis = RedisInstance::start().await.expect("redis for the test");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let keys = Arc::new(KeyRing::ephemeral());
        let server = RunningServer::start(listener, redis.url(), keys, &settings)
            .await
            .expect("server starts");

        let http = reqwest::Client::new();
        let token = login(server.url(), &consent()).await.expect("oauth login");
        Self {
            mock,
            redis,
            server,
            http,
            token,
        }
    }

    /// The MCP endpoint's URL.
    pub fn mcp_url(&self) -> String {
        format!("{}/mcp", self.server.url())
    }

    /// An initialized client with this harness's token.
    pub async fn client(&self, protocol: &str) -> McpClient {
        McpClient::connect(self.http.clone(), &self.mcp_url(), &self.token, protocol)
            .await
            .expect("mcp initialize")
    }

    /// Another user's token from the real flow.
    pub async fn another_token(&self) -> String {
        login(self.server.url(), &consent())
            .await
            .expect("oauth login")
    }
}

/// The consent a test user gives: the mock's API token in eu1.
pub fn consent() -> Consent<'static> {
    Consent {
        scope: "scenarios:read",
        zone: "eu1",
        api_token: MOCK_API_TOKEN,
    }
}

/// The text of a tool result's first content block.
pub fn text(result: &serde_json::Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

/// The JSON inside a tool result's text.
pub fn json(result: &serde_json::Value) -> serde_json::Value {
    serde_json::from_str(text(result)).expect("tool text is json")
}
