//! `mcp-perf serve --make-mock` as a person would run it: the binary with
//! its in-process mock Make.com, logged into over HTTP and used by an MCP
//! client, with nothing else installed but Redis.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use mcp_perf::harness::make_mock::MOCK_API_TOKEN;
use mcp_perf::harness::mcp_client::McpClient;
use mcp_perf::harness::oauth_login::{Consent, login};
use serde_json::json;

/// The server process; killed when dropped.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `mcp-perf serve` with `args`; returns it and its address.
fn serve(args: &[&str]) -> (Serve, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-perf"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mcp-perf starts");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert!(!first.trim().is_empty(), "serve printed no address");
    (Serve(child), first.trim().to_owned())
}

#[tokio::test]
async fn serve_with_the_mock_answers_tools_end_to_end() {
    for args in [
        &["--make-mock"][..],
        &["--make-mock", "--mcp-stateless"][..],
    ] {
        let (_serve, addr) = tokio::task::spawn_blocking(move || serve(args))
            .await
            .unwrap();
        let base = format!("http://{addr}");

        let consent = Consent {
            scope: "scenarios:read",
            zone: "us1",
            api_token: MOCK_API_TOKEN,
        };
        let token = login(&base, &consent).await.expect("login");
        let client = McpClient::connect(
            reqwest::Client::new(),
            &format!("{base}/mcp"),
            &token,
            "2025-06-18",
        )
        .await
        .expect("initialize");

        let result = client
            .call_tool("get_scenario", json!({ "scenario_id": 4100011 }))
            .await
            .unwrap();
        assert_eq!(result["isError"], false, "{args:?}: {result}");
        assert_eq!(args.len() == 1, client.session_id().is_some());
    }
}
