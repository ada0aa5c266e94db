//! The server as a process and as connections: `mcp-perf serve` prints its
//! address and stops on SIGTERM; idle keep-alive connections close; a
//! stopped server refuses connections.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::Harness;
use mcp_perf::config::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn serve_prints_its_address_and_stops_on_sigterm() {
    let redis = mcp_perf::harness::redis::RedisInstance::start()
        .await
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-perf"))
        .args(["serve", "--addr", "127.0.0.1:0", "--redis-url", redis.url()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let stdout = child.stdout.take().unwrap();
    let addr = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line.trim().to_string()
    })
    .await
    .unwrap();
    let health = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    let metadata: serde_json::Value = reqwest::get(format!(
        "http://{addr}/.well-known/oauth-authorization-server"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(metadata["issuer"], format!("http://{addr}"));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed() {
    let mut settings = Settings::default();
    settings.server.keep_alive = Duration::from_millis(300);
    let h = Harness::start_with(settings).await;

    let mut stream = TcpStream::connect(h.server.addr()).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = vec![0u8; 4096];
    let read = stream.read(&mut buffer).await.unwrap();
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));

    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer))
        .await
        .expect("the idle connection is closed by the server")
        .unwrap();
    assert_eq!(closed, 0);
}

#[tokio::test]
async fn a_stopped_server_refuses_connections() {
    let h = Harness::start().await;
    let addr = h.server.addr();
    let http = h.http.clone();
    assert!(
        http.get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_ok()
    );

    h.server.stop().await;

    assert!(TcpStream::connect(addr).await.is_err());
}
