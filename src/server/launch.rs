//! Starting the whole server in-process: what `mcp-perf serve`, the
//! integration tests and the benchmarks share.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::app::app;
use super::listener::serve;
use crate::config::Settings;
use crate::crypto::KeyRing;
use crate::oauth::AuthorizationServer;
use crate::session::{RedisSessionStore, StoreError};

/// A server running on a tokio task; dropping it stops the server.
pub struct RunningServer {
    addr: SocketAddr,
    url: String,
    oauth: AuthorizationServer,
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
    ) -> Result<Self, StoreError> {
        let addr = listener.local_addr().map_err(|error| StoreError::Redis {
            addr: "listener".into(),
            operation: "local address",
            source: error.into(),
        })?;
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
        let router = app(oauth.clone(), &settings.server);

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

    /// Stops accepting, lets open requests finish, and waits.
    pub async fn stop(mut self) {
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
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
