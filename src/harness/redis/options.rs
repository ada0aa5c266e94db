//! Where the harness looks for Redis, and how long each step may take.
//!
//! Kept apart from the provisioning code so tests can force a setting (a
//! missing binary, an unreachable Docker host, an explicit URL) without
//! touching process-wide environment variables, which parallel tests share.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::address::redact;
use super::lease::DEFAULT_LEASE_TTL;

/// Environment variable naming a Redis the harness should use instead of
/// starting one (`redis://host:port`).
pub const URL_ENV: &str = "MCP_PERF_REDIS_URL";

/// Environment variable naming the image testcontainers starts
/// (`name:tag`).
pub const IMAGE_ENV: &str = "MCP_PERF_REDIS_IMAGE";

/// Environment variable naming the `redis-server` binary for the child
/// process way (a path, or a name looked up on `PATH`).
pub const SERVER_BINARY_ENV: &str = "MCP_PERF_REDIS_SERVER";

/// The image testcontainers asks for when `MCP_PERF_REDIS_IMAGE` is unset.
///
/// A machine that can reach Docker Hub pulls it; a machine that cannot gets
/// an image under this same name from `scripts/build-redis-image.sh`, so
/// nothing is pulled there.
pub const DEFAULT_IMAGE: &str = "redis:7-alpine";

/// The Docker daemon address used when `DOCKER_HOST` is unset, the same
/// default testcontainers and the docker CLI use.
pub const DEFAULT_DOCKER_HOST: &str = "unix:///var/run/docker.sock";

/// Everything that decides where Redis comes from.
///
/// Build it with [`ProvisionOptions::from_env`] and change single fields in
/// tests.
/// `Debug` shows the URL without its password.
#[derive(Clone)]
pub struct ProvisionOptions {
    /// An existing Redis to lease an isolated logical database from; when
    /// set, the harness starts nothing itself.
    pub url: Option<String>,

    /// The image testcontainers starts, as `name:tag`.
    pub image: String,

    /// The Docker daemon probed before testcontainers is tried.
    ///
    /// testcontainers itself reads `DOCKER_HOST` (or
    /// `~/.testcontainers.properties`), so set `DOCKER_HOST` to move both;
    /// this field exists so a test can point the probe at a daemon that is
    /// not there.
    pub docker_host: String,

    /// The `redis-server` binary for the child process way.
    pub redis_server: PathBuf,

    /// How long the Docker daemon may take to answer a ping.
    pub docker_probe_timeout: Duration,

    /// How long a child process or a URL may take to answer `PING`.
    pub startup_timeout: Duration,

    /// How long a container may take to start, longer than
    /// `startup_timeout` because the first run may pull the image.
    pub container_startup_timeout: Duration,

    /// How long a database lease of the URL way outlives a holder that
    /// died; see [`DEFAULT_LEASE_TTL`].
    pub lease_ttl: Duration,
}

impl ProvisionOptions {
    /// Reads the options from the environment, with defaults for what is
    /// unset; an empty variable counts as unset.
    pub fn from_env() -> ProvisionOptions {
        ProvisionOptions {
            url: non_empty_env(URL_ENV),
            image: non_empty_env(IMAGE_ENV).unwrap_or_else(|| DEFAULT_IMAGE.to_owned()),
            docker_host: non_empty_env("DOCKER_HOST")
                .unwrap_or_else(|| DEFAULT_DOCKER_HOST.to_owned()),
            redis_server: non_empty_env(SERVER_BINARY_ENV)
                .unwrap_or_else(|| "redis-server".to_owned())
                .into(),
            docker_probe_timeout: Duration::from_secs(2),
            startup_timeout: Duration::from_secs(20),
            container_startup_timeout: Duration::from_secs(120),
            lease_ttl: DEFAULT_LEASE_TTL,
        }
    }
}

impl fmt::Debug for ProvisionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvisionOptions")
            .field("url", &self.url.as_deref().map(redact))
            .field("image", &self.image)
            .field("docker_host", &self.docker_host)
            .field("redis_server", &self.redis_server)
            .field("docker_probe_timeout", &self.docker_probe_timeout)
            .field("startup_timeout", &self.startup_timeout)
            .field("container_startup_timeout", &self.container_startup_timeout)
            .field("lease_ttl", &self.lease_ttl)
            .finish()
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::ProvisionOptions;

    #[test]
    fn debug_hides_the_url_password() {
        let options = ProvisionOptions {
            url: Some("redis://:hunter2@127.0.0.1:6379".to_owned()),
            ..ProvisionOptions::from_env()
        };

        let shown = format!("{options:?}");

        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("127.0.0.1:6379"), "{shown}");
    }
}
