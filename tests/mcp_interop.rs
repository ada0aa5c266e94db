//! Interop with an MCP client not written here: the official Python SDK
//! (PyPI `mcp`) initializes over Streamable HTTP with a bearer token from
//! the real OAuth flow, lists the tools and calls them.
//!
//! The SDK is installed by `scripts/setup-python-mcp.sh` (run by
//! `scripts/setup.sh`, and by this test when missing). If it cannot be
//! installed the test fails: it never passes by skipping.

mod mcp_support;

use std::path::Path;
use std::process::Command;

use mcp_perf::config::Settings;
use mcp_support::McpHarness;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The venv's python with `mcp` importable, installing it if needed.
fn python_with_mcp() -> String {
    let script = Path::new(ROOT).join("scripts/setup-python-mcp.sh");
    let output = Command::new("bash")
        .arg(&script)
        .current_dir(ROOT)
        .output()
        .expect("could not run scripts/setup-python-mcp.sh");
    assert!(
        output.status.success(),
        "the python mcp sdk could not be installed (scripts/setup-python-mcp.sh): {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .last()
        .expect("setup-python-mcp.sh printed no python path")
        .trim()
        .to_owned()
}

/// Runs the Python client against `h`; returns its report.
fn run_python_client(h: &McpHarness, python: &str) -> Value {
    let client = Path::new(ROOT).join("tests/interop/python_mcp_client.py");
    let output = Command::new(python)
        .arg(&client)
        .arg(h.mcp_url())
        .env("MCP_PERF_TOKEN", &h.token)
        .output()
        .expect("could not run the python mcp client");
    assert!(
        output.status.success(),
        "the python mcp client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the python client printed json")
}

fn assert_report(report: &Value) {
    assert_eq!(report["server_name"], "mcp-perf");
    assert_eq!(report["tools"].as_array().unwrap().len(), 9, "{report}");
    assert_eq!(report["call_is_error"], false, "{report}");
    let orgs: Value = serde_json::from_str(report["call_text"].as_str().unwrap()).unwrap();
    assert_eq!(orgs["organizations"].as_array().unwrap().len(), 2);
    assert_eq!(report["failed_is_error"], true);
    assert!(
        report["failed_text"]
            .as_str()
            .unwrap()
            .contains("Scenario not found.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_initializes_lists_and_calls_through_the_oauth_bearer() {
    let python = python_with_mcp();
    let h = McpHarness::start().await;

    let report = tokio::task::block_in_place(|| run_python_client(&h, &python));
    assert_report(&report);
    let version = report["protocol_version"].as_str().unwrap();
    assert!(version.starts_with("2025-"), "{version}");
    eprintln!("python mcp sdk negotiated protocol {version}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_works_against_the_stateless_mode() {
    let python = python_with_mcp();
    let mut settings = Settings::default();
    settings.mcp.stateful = false;
    let h = McpHarness::start_with(settings).await;

    let report = tokio::task::block_in_place(|| run_python_client(&h, &python));
    assert_report(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_without_a_token_is_refused() {
    let python = python_with_mcp();
    let mut h = McpHarness::start().await;
    h.token = "not-a-valid-token".into();

    let client = Path::new(ROOT).join("tests/interop/python_mcp_client.py");
    let output = tokio::task::block_in_place(|| {
        Command::new(&python)
            .arg(&client)
            .arg(h.mcp_url())
            .env("MCP_PERF_TOKEN", &h.token)
            .output()
            .unwrap()
    });
    // The SDK raises on the 401; it never got as far as printing a report.
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Error"), "{stderr}");
}
