//! Talking to the Docker daemon directly, for what testcontainers does not
//! do: a quick "is anyone there" before committing to the container way,
//! a check that the image exists locally, and reaping containers whose
//! owning process died without removing them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use testcontainers::bollard::Docker;
use testcontainers::bollard::query_parameters::{
    ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
};

/// Label on every container the harness starts.
pub(crate) const HARNESS_LABEL: &str = "mcp-perf.harness";

/// Label holding the pid of the process that owns the container.
pub(crate) const OWNER_PID_LABEL: &str = "mcp-perf.owner-pid";

/// Label holding the host name of the machine that owns the container, so
/// a daemon shared by several machines is reaped only for our own pids.
pub(crate) const OWNER_HOST_LABEL: &str = "mcp-perf.owner-host";

/// Reaping runs once per process: leftovers only come from earlier runs.
static REAPED: AtomicBool = AtomicBool::new(false);

/// Connects to the daemon at `host` and pings it within `timeout`.
pub(crate) async fn probe(host: &str, timeout: Duration) -> Result<Docker, String> {
    let docker =
        Docker::connect_with_host(host).map_err(|err| format!("docker daemon at {host}: {err}"))?;

    match tokio::time::timeout(timeout, docker.ping()).await {
        Ok(Ok(_)) => Ok(docker),
        Ok(Err(err)) => Err(format!("docker daemon at {host} did not answer: {err}")),
        Err(_) => Err(format!(
            "docker daemon at {host} did not answer within {timeout:?}"
        )),
    }
}

/// Whether `image` (`name:tag`) is present on the daemon without a pull.
pub(crate) async fn has_image(docker: &Docker, image: &str, timeout: Duration) -> bool {
    matches!(
        tokio::time::timeout(timeout, docker.inspect_image(image)).await,
        Ok(Ok(_))
    )
}

/// The host name recorded on containers, from the kernel.
pub(crate) fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Removes harness containers of this host whose owning process is gone,
/// once per process. Only where `/proc` tells which processes live; errors
/// are logged, since a leftover wastes memory but breaks nothing.
pub(crate) async fn reap_orphans(docker: &Docker, timeout: Duration) {
    if REAPED.swap(true, Ordering::SeqCst) || !Path::new("/proc/self").exists() {
        return;
    }

    let filters = HashMap::from([("label", vec![HARNESS_LABEL])]);
    let options = ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&filters)
        .build();
    let containers =
        match tokio::time::timeout(timeout, docker.list_containers(Some(options))).await {
            Ok(Ok(containers)) => containers,
            Ok(Err(err)) => return tracing::warn!(error = %err, "cannot list harness containers"),
            Err(_) => return tracing::warn!("cannot list harness containers: timed out"),
        };

    let host = host_name();
    for container in containers {
        let labels = container.labels.unwrap_or_default();
        let orphaned = labels.get(OWNER_HOST_LABEL) == Some(&host)
            && labels
                .get(OWNER_PID_LABEL)
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());

        if let (true, Some(id)) = (orphaned, container.id) {
            remove(docker, &id, timeout).await;
        }
    }
}

async fn remove(docker: &Docker, id: &str, timeout: Duration) {
    let options = RemoveContainerOptionsBuilder::new().force(true).build();

    match tokio::time::timeout(timeout, docker.remove_container(id, Some(options))).await {
        Ok(Ok(())) => tracing::info!(container = id, "removed orphaned redis container"),
        Ok(Err(err)) => {
            tracing::warn!(container = id, error = %err, "cannot remove orphaned redis container")
        }
        Err(_) => tracing::warn!(
            container = id,
            "cannot remove orphaned redis container: timed out"
        ),
    }
}
