//! The `redis-server` child process way: one server per instance, on a free
//! loopback port, without persistence, in its own temporary folder.
//!
//! A watchdog shell holds the read end of a pipe whose write end only this
//! process holds. When this process dies, even by `SIGKILL` where no `Drop`
//! runs, the pipe closes, and the watchdog kills the server and removes its
//! folder, so a killed test run leaves nothing that can break the next one.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use super::readiness::wait_until_ready;

/// How many ports are tried when another process takes the free port
/// between our probe and the server's bind.
const PORT_ATTEMPTS: usize = 3;

/// Waits for EOF on stdin (this process closed the pipe or died), then
/// kills the server (`$1`) and removes its folder (`$2`). It ignores the
/// signals a terminal or `timeout` sends to the whole process group, so it
/// outlives its parent long enough to clean up.
const WATCHDOG_SCRIPT: &str = r#"trap '' HUP INT TERM
while read -r _; do :; done
kill -KILL "$1" 2>/dev/null
rm -rf "$2""#;

/// A running `redis-server` child and what keeps it contained.
pub(crate) struct ChildServer {
    url: String,
    server: Child,
    watchdog: Child,
    data_dir: TempDir,
}

/// Why one start attempt failed: a lost race for the port is worth another
/// attempt, anything else is not.
enum StartError {
    PortTaken(String),
    Failed(String),
}

impl ChildServer {
    /// Starts a server from `binary` and waits until it answers `PING`.
    pub(crate) async fn start(binary: &Path, deadline: Duration) -> Result<ChildServer, String> {
        let binary = locate(binary)?;

        let mut last_error = String::new();
        for _ in 0..PORT_ATTEMPTS {
            match start_once(&binary, deadline).await {
                Ok(server) => return Ok(server),
                Err(StartError::PortTaken(err)) => last_error = err,
                Err(StartError::Failed(err)) => return Err(err),
            }
        }

        Err(format!(
            "no free port after {PORT_ATTEMPTS} attempts: {last_error}"
        ))
    }

    /// The `redis://127.0.0.1:port/0` URL of this server.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The server's working folder, removed when the server stops.
    pub(crate) fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        // The watchdog dies first: once the server is reaped its pid may be
        // reused, and a live watchdog would then signal a stranger.
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();

        // No persistence, so nothing is lost by killing outright.
        let _ = self.server.kill();
        let _ = self.server.wait();

        // `data_dir` drops after this body and removes the folder.
    }
}

async fn start_once(binary: &Path, deadline: Duration) -> Result<ChildServer, StartError> {
    let data_dir = tempfile::Builder::new()
        .prefix("mcp-perf-redis-")
        .tempdir()
        .map_err(|err| StartError::Failed(format!("cannot create a temporary folder: {err}")))?;
    let port = free_port().map_err(StartError::Failed)?;
    let log_path = data_dir.path().join("redis.log");

    let server =
        spawn_server(binary, port, data_dir.path(), &log_path).map_err(StartError::Failed)?;
    let watchdog = match spawn_watchdog(server.id(), data_dir.path()) {
        Ok(watchdog) => watchdog,
        Err(err) => {
            let mut server = server;
            let _ = server.kill();
            let _ = server.wait();
            return Err(StartError::Failed(err));
        }
    };
    let mut child = ChildServer {
        url: format!("redis://127.0.0.1:{port}/0"),
        server,
        watchdog,
        data_dir,
    };

    let url = child.url.clone();
    let ready = wait_until_ready(&url, deadline, || exited(&mut child.server, &log_path)).await;

    match ready {
        Ok(()) => Ok(child),
        Err(err) if log_tail(&log_path).contains("Address already in use") => {
            Err(StartError::PortTaken(format!("port {port}: {err}")))
        }
        Err(err) => Err(StartError::Failed(format!(
            "{} on port {port} did not start: {err}",
            binary.display()
        ))),
    }
}

fn spawn_server(binary: &Path, port: u16, dir: &Path, log_path: &Path) -> Result<Child, String> {
    let log = File::create(log_path).map_err(|err| format!("cannot create the log: {err}"))?;
    let log_for_stderr = log
        .try_clone()
        .map_err(|err| format!("cannot share the log: {err}"))?;

    Command::new(binary)
        .arg("--port")
        .arg(port.to_string())
        .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .args(["--daemonize", "no", "--dir"])
        .arg(dir)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_for_stderr)
        .spawn()
        .map_err(|err| format!("cannot run {}: {err}", binary.display()))
}

fn spawn_watchdog(server_pid: u32, dir: &Path) -> Result<Child, String> {
    Command::new("sh")
        .arg("-c")
        .arg(WATCHDOG_SCRIPT)
        .arg("mcp-perf-redis-watchdog")
        .arg(server_pid.to_string())
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| format!("cannot start the watchdog shell (sh): {err}"))
}

/// Returns an error when the server has exited, with the end of its log.
fn exited(server: &mut Child, log_path: &Path) -> Result<(), String> {
    match server.try_wait() {
        Ok(None) => Ok(()),
        Ok(Some(status)) => Err(format!(
            "redis-server exited ({status}): {}",
            log_tail(log_path)
        )),
        Err(err) => Err(format!("cannot check on redis-server: {err}")),
    }
}

/// The last lines of the server's log, for error messages.
fn log_tail(log_path: &Path) -> String {
    let log = std::fs::read_to_string(log_path).unwrap_or_default();
    let lines: Vec<&str> = log.lines().filter(|line| !line.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(3);

    lines[start..].join(" | ")
}

/// Asks the kernel for a free loopback port. Another process may take it
/// before the server binds, which `start` answers with another attempt.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|err| format!("cannot find a free loopback port: {err}"))?;

    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|err| format!("cannot find a free loopback port: {err}"))
}

/// Resolves `binary` as the shell would: a path when it has a directory
/// part, else the first match on `PATH`.
fn locate(binary: &Path) -> Result<PathBuf, String> {
    if binary.components().count() > 1 {
        return if binary.is_file() {
            Ok(binary.to_owned())
        } else {
            Err(format!("{} does not exist", binary.display()))
        };
    }

    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(binary))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| format!("{} not found on PATH", binary.display()))
}
