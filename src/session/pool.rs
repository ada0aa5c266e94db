//! Connections to Redis: four ways to get one, so benchmarks can compare.
//!
//! The default is the redis crate's multiplexed [`ConnectionManager`]: one
//! socket that pipelines every concurrent command and reconnects by itself.
//! It needs no checkout, so a load costs one round trip, where deadpool-redis
//! adds a `PING` on every recycle and bb8-redis one on every checkout unless
//! told otherwise. The comparison is `cargo bench --bench session_store --
//! pool`, and the figures are in `docs/session-store.md`.

use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, Pipeline, RedisFuture, Value};
use serde::{Deserialize, Serialize};

use super::error::StoreError;

/// Which connection strategy a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolKind {
    /// One auto-reconnecting multiplexed connection (the default).
    Multiplexed,
    /// deadpool-redis: a pool of multiplexed connections, pinged on recycle.
    Deadpool,
    /// bb8-redis: a pool with a minimum idle count; no ping on checkout.
    Bb8,
    /// No pooling: a new connection for every operation (the "off" switch).
    Unpooled,
}

/// Pool sizes and timeouts; the defaults are the performance report's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoolSettings {
    /// Connection strategy.
    pub kind: PoolKind,
    /// Connections kept open while idle (bb8 only).
    pub min_idle: u32,
    /// Most connections open at once (deadpool, bb8).
    pub max_size: u32,
    /// Longest wait to get a connection, connect included.
    #[serde(with = "crate::config::seconds")]
    pub acquire_timeout: Duration,
    /// Idle connections above `min_idle` close after this long (bb8).
    #[serde(with = "crate::config::seconds")]
    pub idle_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            kind: PoolKind::Multiplexed,
            min_idle: 10,
            max_size: 50,
            acquire_timeout: Duration::from_secs(3),
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// Why no connection could be had.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The URL does not parse as a Redis URL.
    #[error("redis url is not valid: {0}")]
    Url(#[source] redis::RedisError),
    /// Connecting or checking out failed.
    #[error("redis at {addr}: could not connect: {source}")]
    Connect {
        /// Host and port, never credentials.
        addr: String,
        /// What the driver said.
        #[source]
        source: redis::RedisError,
    },
    /// The pool gave nothing within the acquire timeout.
    #[error("redis at {addr}: no connection within {after:?}")]
    Timeout {
        /// Host and port.
        addr: String,
        /// The acquire timeout.
        after: Duration,
    },
}

/// A source of Redis connections of one [`PoolKind`].
#[derive(Clone)]
pub struct RedisPool {
    inner: Inner,
    addr: String,
    acquire_timeout: Duration,
}

#[derive(Clone)]
enum Inner {
    Multiplexed(ConnectionManager),
    Deadpool(deadpool_redis::Pool),
    Bb8(bb8::Pool<bb8_redis::RedisConnectionManager>),
    Unpooled(redis::Client),
}

/// A connection from any strategy; send commands through it with
/// `redis::cmd(..).query_async(&mut conn)`.
pub enum RedisConnection {
    /// A clone of the shared multiplexed connection.
    Multiplexed(ConnectionManager),
    /// A deadpool checkout.
    Deadpool(deadpool_redis::Connection),
    /// A bb8 checkout.
    Bb8(bb8::PooledConnection<'static, bb8_redis::RedisConnectionManager>),
    /// A fresh connection.
    Unpooled(redis::aio::MultiplexedConnection),
}

impl RedisPool {
    /// Opens a pool; fails within the acquire timeout when Redis is away.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, PoolError> {
        let client = redis::Client::open(url).map_err(PoolError::Url)?;
        let addr = client.get_connection_info().addr().to_string();
        let timeout = settings.acquire_timeout;

        let inner = match settings.kind {
            PoolKind::Multiplexed => Inner::Multiplexed(
                bounded(
                    &addr,
                    timeout,
                    ConnectionManager::new_with_config(client, manager_config(timeout)),
                )
                .await?,
            ),
            PoolKind::Deadpool => Inner::Deadpool(deadpool(url, settings)?),
            PoolKind::Bb8 => Inner::Bb8(bounded(&addr, timeout, bb8(client, settings)).await?),
            PoolKind::Unpooled => Inner::Unpooled(client),
        };
        Ok(Self {
            inner,
            addr,
            acquire_timeout: timeout,
        })
    }

    /// A connection, or an error within the acquire timeout.
    pub async fn get(&self) -> Result<RedisConnection, PoolError> {
        let (addr, timeout) = (&self.addr, self.acquire_timeout);
        match &self.inner {
            Inner::Multiplexed(manager) => Ok(RedisConnection::Multiplexed(manager.clone())),
            Inner::Deadpool(pool) => match tokio::time::timeout(timeout, pool.get()).await {
                Ok(Ok(conn)) => Ok(RedisConnection::Deadpool(conn)),
                Ok(Err(deadpool_redis::PoolError::Backend(source))) => Err(PoolError::Connect {
                    addr: addr.clone(),
                    source,
                }),
                Ok(Err(_)) | Err(_) => Err(PoolError::Timeout {
                    addr: addr.clone(),
                    after: timeout,
                }),
            },
            Inner::Bb8(pool) => match tokio::time::timeout(timeout, pool.get_owned()).await {
                Ok(Ok(conn)) => Ok(RedisConnection::Bb8(conn)),
                Ok(Err(bb8::RunError::User(source))) => Err(PoolError::Connect {
                    addr: addr.clone(),
                    source,
                }),
                Ok(Err(bb8::RunError::TimedOut)) | Err(_) => Err(PoolError::Timeout {
                    addr: addr.clone(),
                    after: timeout,
                }),
            },
            Inner::Unpooled(client) => {
                let connect = client.get_multiplexed_async_connection();
                bounded(addr, timeout, connect)
                    .await
                    .map(RedisConnection::Unpooled)
            }
        }
    }

    /// Runs one request on a connection from this pool, bounded by the
    /// acquire timeout, and names the operation and server when it fails.
    pub async fn query<T, F>(
        &self,
        operation: &'static str,
        request: impl FnOnce(RedisConnection) -> F,
    ) -> Result<T, StoreError>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        let connection = self.get().await?;
        let addr = || self.addr.clone();

        match tokio::time::timeout(self.acquire_timeout, request(connection)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(source)) => Err(StoreError::Redis {
                addr: addr(),
                operation,
                source,
            }),
            Err(_) => Err(StoreError::Timeout {
                addr: addr(),
                operation,
                after: self.acquire_timeout,
            }),
        }
    }

    /// Host and port of the server, for messages.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The acquire timeout, which also bounds each command.
    pub fn timeout(&self) -> Duration {
        self.acquire_timeout
    }
}

/// Runs a connect future with the acquire timeout.
async fn bounded<T>(
    addr: &str,
    timeout: Duration,
    connect: impl Future<Output = redis::RedisResult<T>>,
) -> Result<T, PoolError> {
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(source)) => Err(PoolError::Connect {
            addr: addr.to_string(),
            source,
        }),
        Err(_) => Err(PoolError::Timeout {
            addr: addr.to_string(),
            after: timeout,
        }),
    }
}

/// The manager retries a lost connection a few times, each attempt bounded,
/// so a command never waits on a dead socket for longer than the timeout.
fn manager_config(timeout: Duration) -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(2)
}

fn deadpool(url: &str, settings: &PoolSettings) -> Result<deadpool_redis::Pool, PoolError> {
    let mut config = deadpool_redis::Config::from_url(url);
    let mut pool = deadpool_redis::PoolConfig::new(settings.max_size as usize);
    pool.timeouts.wait = Some(settings.acquire_timeout);
    pool.timeouts.create = Some(settings.acquire_timeout);
    pool.timeouts.recycle = Some(settings.acquire_timeout);
    config.pool = Some(pool);

    config
        .create_pool(Some(deadpool_redis::Runtime::Tokio1))
        .map_err(|error| {
            PoolError::Url(redis::RedisError::from((
                redis::ErrorKind::InvalidClientConfig,
                "deadpool pool",
                error.to_string(),
            )))
        })
}

async fn bb8(
    client: redis::Client,
    settings: &PoolSettings,
) -> redis::RedisResult<bb8::Pool<bb8_redis::RedisConnectionManager>> {
    let manager = bb8_redis::RedisConnectionManager::new(client.get_connection_info().clone())?;
    bb8::Pool::builder()
        .max_size(settings.max_size)
        .min_idle(settings.min_idle)
        .idle_timeout(settings.idle_timeout)
        .connection_timeout(settings.acquire_timeout)
        .test_on_check_out(false)
        .build(manager)
        .await
}

impl ConnectionLike for RedisConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Multiplexed(conn) => conn.req_packed_command(cmd),
            Self::Deadpool(conn) => conn.req_packed_command(cmd),
            Self::Bb8(conn) => (**conn).req_packed_command(cmd),
            Self::Unpooled(conn) => conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Multiplexed(conn) => conn.req_packed_commands(pipeline, offset, count),
            Self::Deadpool(conn) => conn.req_packed_commands(pipeline, offset, count),
            Self::Bb8(conn) => (**conn).req_packed_commands(pipeline, offset, count),
            Self::Unpooled(conn) => conn.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Multiplexed(conn) => conn.get_db(),
            Self::Deadpool(conn) => conn.get_db(),
            Self::Bb8(conn) => conn.get_db(),
            Self::Unpooled(conn) => conn.get_db(),
        }
    }
}
