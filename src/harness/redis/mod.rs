//! Redis for tests, benches and `mcp-perf serve`: one isolated Redis per
//! [`RedisInstance`], found or started in this order:
//!
//! 1. `MCP_PERF_REDIS_URL`, when set: an existing server, of which each
//!    instance leases one logical database ([`lease`] explains the limit of
//!    15 at once on a default server). When set, it is the only way tried,
//!    so a benchmark never measures another Redis than the one asked for.
//!    Leased databases are flushed: give it a Redis for tests only.
//! 2. testcontainers, when a Docker daemon answers a ping within
//!    [`ProvisionOptions::docker_probe_timeout`]: one container per instance
//!    from `MCP_PERF_REDIS_IMAGE` (default [`DEFAULT_IMAGE`]).
//! 3. A `redis-server` child process (`MCP_PERF_REDIS_SERVER`, default from
//!    `PATH`) per instance, on a free loopback port, without persistence, in
//!    a temporary folder.
//!
//! Whatever keeps Redis alive lives in the instance and stops on drop,
//! also while a panicking test unwinds. Every step has a deadline, so a
//! missing or stuck Redis fails the caller instead of hanging it. These
//! ways need a Unix host: the child process way uses `sh` as a watchdog.

mod address;
mod child;
mod container;
mod docker;
mod error;
pub mod lease;
mod options;
mod readiness;

use std::fmt;
use std::path::Path;

pub use error::RedisUnavailable;
pub use options::{
    DEFAULT_DOCKER_HOST, DEFAULT_IMAGE, IMAGE_ENV, ProvisionOptions, SERVER_BINARY_ENV, URL_ENV,
};

use address::redact;
use child::ChildServer;
use container::ContainerServer;
use lease::DatabaseLease;

/// The way a [`RedisInstance`] was found or started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RedisSource {
    /// An existing server named by `MCP_PERF_REDIS_URL`.
    Url,
    /// A container started by testcontainers.
    Container,
    /// A `redis-server` child process of this process.
    ChildProcess,
}

impl fmt::Display for RedisSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RedisSource::Url => URL_ENV,
            RedisSource::Container => "testcontainers",
            RedisSource::ChildProcess => "redis-server child process",
        })
    }
}

/// One isolated Redis, alive as long as this value.
///
/// Isolated means no other instance sees its keys: a server of its own
/// (container, child process) or a logical database leased for it alone
/// (URL). Dropping it stops the server, or flushes and frees the database.
pub struct RedisInstance {
    source: RedisSource,
    backing: Backing,
}

/// What keeps the Redis of one instance alive.
enum Backing {
    Lease(DatabaseLease),
    Container(ContainerServer),
    Child(ChildServer),
}

impl RedisInstance {
    /// Finds or starts a Redis the usual way, with options from the
    /// environment; see the module docs for the order.
    pub async fn start() -> Result<RedisInstance, RedisUnavailable> {
        RedisInstance::start_with(&ProvisionOptions::from_env()).await
    }

    /// Finds or starts a Redis the usual way, with explicit options.
    pub async fn start_with(options: &ProvisionOptions) -> Result<RedisInstance, RedisUnavailable> {
        let mut unavailable = RedisUnavailable::new(&options.image);

        if options.url.is_some() {
            let reason = match try_source(RedisSource::Url, options).await {
                Ok(instance) => return Ok(instance),
                Err(reason) => reason,
            };
            let precedence = format!("not tried: {URL_ENV} is set and takes precedence");
            unavailable.record(RedisSource::Url, reason);
            unavailable.record(RedisSource::Container, precedence.clone());
            unavailable.record(RedisSource::ChildProcess, precedence);
            return Err(unavailable);
        }
        unavailable.record(RedisSource::Url, "not set");

        for source in [RedisSource::Container, RedisSource::ChildProcess] {
            match try_source(source, options).await {
                Ok(instance) => return Ok(instance),
                Err(reason) => {
                    tracing::info!(source = %source, reason = %reason, "redis way unavailable");
                    unavailable.record(source, reason);
                }
            }
        }
        Err(unavailable)
    }

    /// Starts a Redis exactly one way, with options from the environment;
    /// tests use this to exercise each way, not only the first that works.
    pub async fn start_from(source: RedisSource) -> Result<RedisInstance, RedisUnavailable> {
        RedisInstance::start_from_with(source, &ProvisionOptions::from_env()).await
    }

    /// Starts a Redis exactly one way, with explicit options.
    pub async fn start_from_with(
        source: RedisSource,
        options: &ProvisionOptions,
    ) -> Result<RedisInstance, RedisUnavailable> {
        let mut unavailable = RedisUnavailable::new(&options.image);
        for other in [
            RedisSource::Url,
            RedisSource::Container,
            RedisSource::ChildProcess,
        ] {
            unavailable.record(other, format!("not tried: only {source} was asked for"));
        }

        match try_source(source, options).await {
            Ok(instance) => Ok(instance),
            Err(reason) => {
                unavailable.record(source, reason);
                Err(unavailable)
            }
        }
    }

    /// Leases an isolated database of the Redis at `url`: the URL way with
    /// an explicit address, for callers that must not depend on the
    /// process-wide environment (parallel tests).
    ///
    /// The leased database is flushed on claim and on drop, so never point
    /// this at a Redis whose databases 1 and up hold data you keep. A
    /// server given a production Redis should connect to it directly and use
    /// this module only when it is given none.
    pub async fn from_url(url: &str) -> Result<RedisInstance, RedisUnavailable> {
        let options = ProvisionOptions {
            url: Some(url.to_owned()),
            ..ProvisionOptions::from_env()
        };
        RedisInstance::start_from_with(RedisSource::Url, &options).await
    }

    /// A `redis://` URL that reaches this instance's isolated Redis; it
    /// carries the password of a `MCP_PERF_REDIS_URL` that has one, so do
    /// not log it.
    pub fn url(&self) -> &str {
        match &self.backing {
            Backing::Lease(lease) => lease.url(),
            Backing::Container(container) => container.url(),
            Backing::Child(child) => child.url(),
        }
    }

    /// The way this instance was found or started.
    pub fn source(&self) -> RedisSource {
        self.source
    }

    /// The child process' working folder, which drop removes; `None` for
    /// the other ways.
    pub fn data_dir(&self) -> Option<&Path> {
        match &self.backing {
            Backing::Child(child) => Some(child.data_dir()),
            _ => None,
        }
    }

    /// The container's id, which drop removes; `None` for the other ways.
    pub fn container_id(&self) -> Option<&str> {
        match &self.backing {
            Backing::Container(container) => Some(container.id()),
            _ => None,
        }
    }

    /// The leased logical database; `None` for the other ways, which use
    /// database 0 of a server of their own.
    pub fn leased_database(&self) -> Option<u32> {
        match &self.backing {
            Backing::Lease(lease) => Some(lease.database()),
            _ => None,
        }
    }
}

impl fmt::Debug for RedisInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisInstance")
            .field("source", &self.source)
            .field("url", &redact(self.url()))
            .finish()
    }
}

/// Tries one way and logs the one that worked.
async fn try_source(
    source: RedisSource,
    options: &ProvisionOptions,
) -> Result<RedisInstance, String> {
    let backing = match source {
        RedisSource::Url => lease(options).await?,
        RedisSource::Container => container(options).await?,
        RedisSource::ChildProcess => Backing::Child(
            ChildServer::start(&options.redis_server, options.startup_timeout).await?,
        ),
    };
    let instance = RedisInstance { source, backing };

    tracing::info!(
        source = %source,
        address = %redact(instance.url()),
        "redis ready"
    );
    Ok(instance)
}

async fn lease(options: &ProvisionOptions) -> Result<Backing, String> {
    let url = options.url.as_deref().ok_or_else(|| "not set".to_owned())?;
    let lease = DatabaseLease::claim(url, options.lease_ttl, options.startup_timeout)
        .await
        .map_err(|err| format!("{}: {err}", redact(url)))?;

    Ok(Backing::Lease(lease))
}

async fn container(options: &ProvisionOptions) -> Result<Backing, String> {
    let docker = docker::probe(&options.docker_host, options.docker_probe_timeout).await?;
    docker::reap_orphans(&docker, options.docker_probe_timeout).await;

    let loopback_only = options.docker_host.starts_with("unix://");
    let server = ContainerServer::start(
        &docker,
        &options.image,
        loopback_only,
        options.container_startup_timeout,
    )
    .await?;

    tracing::info!(image = %options.image, container = %server.id(), "redis container started");
    Ok(Backing::Container(server))
}
