//! A Make.com outage (5xx bursts, dropped connections, an open circuit)
//! becomes tool errors; it never ends an MCP session, and the server goes
//! on serving everyone, then recovers.

mod mcp_support;

use std::time::Duration;

use mcp_perf::harness::mcp_client::McpClient;
use mcp_support::{McpHarness, text};
use serde_json::{Value, json};

async fn whoami(client: &McpClient) -> Value {
    client.call_tool("whoami", json!({})).await.unwrap()
}

/// Calls `whoami` until it succeeds (the breaker's cool-down is 200 ms in
/// the harness), for up to 10 s.
async fn until_recovered(client: &McpClient) {
    for _ in 0..200 {
        if whoami(client).await["isError"] == false {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("make.com calls did not recover after the outage");
}

#[tokio::test]
async fn a_5xx_outage_is_a_tool_error_and_every_session_survives() {
    let h = McpHarness::start().await;
    let first = h.client("2025-06-18").await;
    let second = h.client("2025-03-26").await;

    h.mock.faults().fail_next(1_000, 503);
    for client in [&first, &second] {
        let result = whoami(client).await;
        assert_eq!(result["isError"], true, "{result}");
        let message = text(&result);
        assert!(
            message.contains("503") || message.contains("circuit open"),
            "{message}"
        );
    }

    // Nothing that does not need Make.com is affected.
    first.list_tools().await.unwrap();
    let health = h
        .http
        .get(h.server.url().to_owned() + "/healthz")
        .send()
        .await
        .unwrap();
    assert!(health.status().is_success());
    let newcomer = h.client("2025-06-18").await;
    newcomer.list_tools().await.unwrap();

    h.mock.faults().clear();
    for client in [&first, &second, &newcomer] {
        until_recovered(client).await;
    }
    assert_eq!(h.server.mcp().sessions().unwrap().open_sessions(), 3);
}

#[tokio::test]
async fn dropped_connections_are_tool_errors_and_the_session_goes_on() {
    let h = McpHarness::start().await;
    let client = h.client("2025-06-18").await;
    let proxy = h.mock.proxy().expect("fault proxy");

    proxy.drop_next(1_000);
    let result = whoami(&client).await;
    assert_eq!(result["isError"], true, "{result}");
    assert!(proxy.dropped() > 0);

    proxy.drop_next(0);
    until_recovered(&client).await;
    let session = client.session_id().unwrap().to_owned();
    assert!(h.server.mcp().sessions().unwrap().open_sessions() == 1);
    assert_eq!(client.session_id(), Some(session.as_str()));
}

#[tokio::test]
async fn concurrent_calls_during_an_outage_all_get_an_answer() {
    let h = McpHarness::start().await;
    let client = h.client("2025-06-18").await;

    h.mock.faults().fail_next(1_000, 500);
    let calls = (0..30).map(|_| client.call_tool("list_organizations", json!({})));
    let results = futures::future::join_all(calls).await;
    for result in results {
        assert_eq!(result.unwrap()["isError"], true);
    }

    h.mock.faults().clear();
    until_recovered(&client).await;
}
