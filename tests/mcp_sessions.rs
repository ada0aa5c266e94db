//! MCP session bounds: the cap, the idle timeout, DELETE, and no leak in
//! the SDK's own session map.

mod mcp_support;

use std::time::Duration;

use mcp_perf::config::Settings;
use mcp_perf::harness::mcp_client::{McpClient, McpClientError};
use mcp_support::McpHarness;
use reqwest::StatusCode;
use serde_json::json;

fn bounded(max_sessions: usize, idle: Duration) -> Settings {
    let mut settings = Settings::default();
    settings.mcp.max_sessions = max_sessions;
    settings.mcp.session_idle_timeout = idle;
    settings
}

async fn connect(h: &McpHarness) -> Result<McpClient, McpClientError> {
    McpClient::connect(h.http.clone(), &h.mcp_url(), &h.token, "2025-06-18").await
}

/// Polls `condition` every 20 ms for up to 10 s.
async fn eventually(mut condition: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..500 {
        if condition().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn initialize_beyond_the_cap_gets_503_until_a_session_ends() {
    let h = McpHarness::start_with(bounded(2, Duration::from_secs(300))).await;
    let sessions = h.server.mcp().sessions().unwrap().clone();

    let first = connect(&h).await.unwrap();
    let second = connect(&h).await.unwrap();
    assert_eq!(sessions.open_sessions(), 2);

    match connect(&h).await {
        Err(McpClientError::Status { status, .. }) => {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE)
        }
        other => panic!("expected 503, got {other:?}"),
    }
    // The sessions that exist keep working.
    second.call_tool("whoami", json!({})).await.unwrap();

    first.close().await.unwrap();
    assert_eq!(sessions.open_sessions(), 1);
    let third = connect(&h).await.unwrap();
    third.call_tool("whoami", json!({})).await.unwrap();
}

#[tokio::test]
async fn concurrent_initializes_never_overshoot_the_cap() {
    let h = McpHarness::start_with(bounded(5, Duration::from_secs(300))).await;

    let attempts = (0..20).map(|_| connect(&h));
    let results = futures::future::join_all(attempts).await;

    let opened = results.iter().filter(|result| result.is_ok()).count();
    assert_eq!(opened, 5);
    for result in results.iter().filter_map(|result| result.as_ref().err()) {
        match result {
            McpClientError::Status { status, .. } => assert!(
                *status == StatusCode::SERVICE_UNAVAILABLE
                    || *status == StatusCode::INTERNAL_SERVER_ERROR,
                "{result}"
            ),
            other => panic!("unexpected refusal: {other}"),
        }
    }
    assert_eq!(h.server.mcp().sessions().unwrap().open_sessions(), 5);
}

#[tokio::test]
async fn idle_sessions_are_closed_everywhere_and_answer_404() {
    let h = McpHarness::start_with(bounded(100, Duration::from_millis(300))).await;
    let sessions = h.server.mcp().sessions().unwrap().clone();

    let idle = connect(&h).await.unwrap();
    assert_eq!(sessions.open_sessions(), 1);

    let sessions_ = sessions.clone();
    assert!(
        eventually(async || sessions_.open_sessions() == 0 && sessions_.sdk_sessions().await == 0)
            .await,
        "the idle session was not reaped"
    );
    match idle.call_tool("whoami", json!({})).await {
        Err(McpClientError::Status { status, .. }) => assert_eq!(status, StatusCode::NOT_FOUND),
        other => panic!("expected 404, got {other:?}"),
    }

    // A new session is served as usual.
    let fresh = connect(&h).await.unwrap();
    fresh.call_tool("whoami", json!({})).await.unwrap();
}

#[tokio::test]
async fn a_session_in_use_outlives_the_idle_timeout() {
    let h = McpHarness::start_with(bounded(100, Duration::from_millis(1500))).await;
    let client = connect(&h).await.unwrap();

    // Calls every 100 ms for three idle timeouts.
    for _ in 0..45 {
        let result = client.call_tool("whoami", json!({})).await.unwrap();
        assert_eq!(result["isError"], false);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(h.server.mcp().sessions().unwrap().open_sessions(), 1);
}

#[tokio::test]
async fn deleted_sessions_leave_no_trace_and_answer_404() {
    let h = McpHarness::start().await;
    let sessions = h.server.mcp().sessions().unwrap().clone();

    let clients: Vec<McpClient> = futures::future::try_join_all((0..10).map(|_| connect(&h)))
        .await
        .unwrap();
    assert_eq!(sessions.open_sessions(), 10);
    for client in &clients {
        client.close().await.unwrap();
    }

    assert_eq!(sessions.open_sessions(), 0);
    let sessions_ = sessions.clone();
    assert!(eventually(async || sessions_.sdk_sessions().await == 0).await);
    match clients[0].list_tools().await {
        Err(McpClientError::Status { status, .. }) => assert_eq!(status, StatusCode::NOT_FOUND),
        other => panic!("expected 404, got {other:?}"),
    }
}

#[tokio::test]
async fn stopping_the_server_ends_sessions_and_open_streams() {
    let h = McpHarness::start().await;
    let sessions = h.server.mcp().sessions().unwrap().clone();
    let client = connect(&h).await.unwrap();

    // A client holding the server-to-client SSE stream open (GET).
    let stream = h
        .http
        .get(h.mcp_url())
        .bearer_auth(&h.token)
        .header("accept", "text/event-stream")
        .header("mcp-session-id", client.session_id().unwrap())
        .header("mcp-protocol-version", "2025-06-18")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);

    let McpHarness { server, .. } = h;
    tokio::time::timeout(Duration::from_secs(20), server.stop())
        .await
        .expect("shutdown waited on the open stream");
    // The stream ends rather than hanging.
    tokio::time::timeout(Duration::from_secs(20), stream.bytes())
        .await
        .expect("the sse stream did not end")
        .ok();
    let sessions_ = sessions.clone();
    assert!(eventually(async || sessions_.sdk_sessions().await == 0).await);
}
