//! Starting the whole server in-process: what `mcp-perf serve`, the
//! integration tests and the benchmarks share.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::assemble::assemble;
use super::listener::serve;
use crate::config::Settings;
use crate::crypto::KeyRing;
use crate::make::{MakeClient, MakeError};
use crate::mcp::McpEndpoint;
use crate::oauth::AuthorizationServer;
use crate::session::{RedisSessionStore, StoreError};

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The session store could not be reached.
    #[error("server start: {0}")]
    Store(#[from] StoreError),
    /// The Make.com client settings are invalid.
    #[error("server start: {0}")]
    Make(#[from] MakeError),
    /// The listener has no local address.
    #[error("server start: listener address: {0}")]
    Listener(#[source] std::io::Error),
}

/// A server running on a tokio task; dropping it stops the server.
pub struct RunningServer {
    addr: SocketAddr,
    url: String,
    oauth: AuthorizationServer,
    mcp: McpEndpoint,
    make: MakeClient,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// Connects the stores and serves on `listener`.
    ///
    /// The public URL is the configured one, or `http://` and the bound
    /// address.
    pub async fn start(
        listener: TcpListener,
        redis_url: &str,
        keys: Arc<KeyRing>,
        settings: &Settings,
    ) -> Result<Self, LaunchError> {
        let addr = listener.local_addr().map_err(LaunchError::Listener)?;
        let url = settings
            .server
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));

        let sessions = RedisSessionStore::connect(redis_url, keys.clone(), &settings.store).await?;
        let oauth = AuthorizationServer::new(
            sessions,
            keys,
            &settings.store.key_prefix,
            settings.oauth.clone(),
            &url,
        );
        let assembled = assemble(oauth.clone(), settings, &url)?;
        let router = assembled.router;

        let (stop, stopped) = oneshot::channel::<()>();
        let server_settings = settings.server.clone();
        let task = tokio::spawn(async move {
            let signal = async {
                let _ = stopped.await;
            };
            serve(listener, router, &server_settings, signal).await;
        });

        Ok(Self {
            addr,
            url: url.trim_end_matches('/').to_string(),
            oauth,
            mcp: assembled.mcp,
            make: assembled.make,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The public base URL (issuer).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The authorization server behind the routes, to drive flows or read
    /// store statistics without HTTP.
    pub fn oauth(&self) -> &AuthorizationServer {
        &self.oauth
    }

    /// The MCP endpoint: its session count and limits.
    pub fn mcp(&self) -> &McpEndpoint {
        &self.mcp
    }

    /// The Make.com client the tools call: its breaker and limiter state.
    pub fn make(&self) -> &MakeClient {
        &self.make
    }

    /// Stops accepting, lets open requests finish, and waits.
    pub async fn stop(mut self) {
        self.mcp.shutdown();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.mcp.shutdown();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
