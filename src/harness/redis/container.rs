//! The testcontainers way: one Redis container per instance, removed on
//! drop.
//!
//! The image is whatever `MCP_PERF_REDIS_IMAGE` names (default
//! `redis:7-alpine`). Where no registry answers, `scripts/build-redis-image.sh`
//! builds an image under that name from the installed `redis-server`, so
//! nothing is pulled. Containers carry the owner's pid and host name; a
//! later run removes those whose owner was killed before it could.

use std::collections::HashMap;
use std::time::Duration;

use testcontainers::bollard::Docker;
use testcontainers::bollard::models::{HostConfig, PortBinding};
use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

use super::docker::{HARNESS_LABEL, OWNER_HOST_LABEL, OWNER_PID_LABEL, has_image, host_name};
use super::readiness::wait_until_ready;

/// The port Redis listens on inside the container.
const REDIS_PORT: u16 = 6379;

/// What Redis prints once it accepts connections.
const READY_LINE: &str = "Ready to accept connections";

/// The server's command line: no persistence, and protected mode off because
/// connections arrive through Docker's port mapping, not from loopback.
const REDIS_COMMAND: [&str; 7] = [
    "redis-server",
    "--save",
    "",
    "--appendonly",
    "no",
    "--protected-mode",
    "no",
];

/// How long a single Docker API call made here may take.
const DOCKER_CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// A running Redis container.
pub(crate) struct ContainerServer {
    url: String,
    id: String,
    container: Option<Box<ContainerAsync<GenericImage>>>,
}

impl ContainerServer {
    /// Starts `image` and waits until Redis answers `PING` on the mapped
    /// port.
    ///
    /// With `loopback_only` (a daemon on this machine) the port is published
    /// on 127.0.0.1 only: Redis runs without a password and with protected
    /// mode off, so it must not be reachable from the network.
    pub(crate) async fn start(
        docker: &Docker,
        image: &str,
        loopback_only: bool,
        deadline: Duration,
    ) -> Result<ContainerServer, String> {
        let local = has_image(docker, image, DOCKER_CALL_TIMEOUT).await;

        let run = run(image, loopback_only, deadline);
        let started = tokio::time::timeout(deadline + DOCKER_CALL_TIMEOUT, run)
            .await
            .unwrap_or_else(|_| Err(format!("no container within {deadline:?}")));

        started.map_err(|err| {
            if local {
                format!("image {image}: {err}")
            } else {
                format!(
                    "image {image} is not present locally and could not be pulled ({err}); \
                     build it with scripts/build-redis-image.sh"
                )
            }
        })
    }

    /// The `redis://host:port/0` URL of the mapped port.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The container's id.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for ContainerServer {
    fn drop(&mut self) {
        let Some(container) = self.container.take() else {
            return;
        };

        // testcontainers removes the container from its own `Drop`, which
        // needs a tokio runtime; give it one when dropped outside any.
        if tokio::runtime::Handle::try_current().is_ok() {
            drop(container);
            return;
        }
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => {
                let _entered = runtime.enter();
                drop(container);
            }
            Err(err) => {
                tracing::warn!(
                    container = %self.id,
                    error = %err,
                    "cannot remove redis container: no runtime; a later run reaps it"
                );
                // Its own `Drop` would panic without a runtime; the reaper
                // of the next run removes the container instead.
                std::mem::forget(container);
            }
        }
    }
}

async fn run(
    image: &str,
    loopback_only: bool,
    deadline: Duration,
) -> Result<ContainerServer, String> {
    let (name, tag) = split_image(image);
    let request = GenericImage::new(name, tag)
        .with_exposed_port(REDIS_PORT.tcp())
        .with_wait_for(WaitFor::message_on_stdout(READY_LINE))
        .with_cmd(REDIS_COMMAND)
        .with_label(HARNESS_LABEL, "redis")
        .with_label(OWNER_PID_LABEL, std::process::id().to_string())
        .with_label(OWNER_HOST_LABEL, host_name())
        .with_startup_timeout(deadline);
    let request = if loopback_only {
        request.with_host_config_modifier(publish_on_loopback)
    } else {
        request
    };
    let container = request.start().await.map_err(|err| err.to_string())?;

    let server = ContainerServer {
        url: mapped_url(&container).await?,
        id: container.id().to_owned(),
        container: Some(Box::new(container)),
    };

    wait_until_ready(&server.url, deadline, || Ok(())).await?;
    Ok(server)
}

/// Publishes the Redis port on a random port of 127.0.0.1 instead of every
/// interface, which is what testcontainers does by default.
fn publish_on_loopback(host_config: &mut HostConfig) {
    let binding = PortBinding {
        host_ip: Some("127.0.0.1".to_owned()),
        host_port: Some(String::new()),
    };

    host_config.publish_all_ports = Some(false);
    host_config.port_bindings = Some(HashMap::from([(
        format!("{REDIS_PORT}/tcp"),
        Some(vec![binding]),
    )]));
}

async fn mapped_url(container: &ContainerAsync<GenericImage>) -> Result<String, String> {
    let port = container
        .get_host_port_ipv4(REDIS_PORT.tcp())
        .await
        .map_err(|err| format!("no mapped port: {err}"))?;
    let host = container
        .get_host()
        .await
        .map_err(|err| format!("no docker host name: {err}"))?;

    // Docker maps the IPv4 port; "localhost" could resolve to ::1 first.
    let host = match host.to_string().as_str() {
        "localhost" => "127.0.0.1".to_owned(),
        other => other.to_owned(),
    };

    Ok(format!("redis://{host}:{port}/0"))
}

/// Splits `name:tag`; a colon inside a registry address (`host:5000/redis`)
/// is not a tag, and a missing tag means `latest`.
fn split_image(image: &str) -> (&str, &str) {
    match image.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, tag),
        _ => (image, "latest"),
    }
}

#[cfg(test)]
mod tests {
    use super::split_image;

    #[test]
    fn image_splits_into_name_and_tag() {
        assert_eq!(split_image("redis:7-alpine"), ("redis", "7-alpine"));
        assert_eq!(split_image("redis"), ("redis", "latest"));
        assert_eq!(
            split_image("registry:5000/team/redis"),
            ("registry:5000/team/redis", "latest")
        );
    }
}
