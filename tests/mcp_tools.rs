//! Every tool end to end: a token from the real OAuth flow, MCP over
//! Streamable HTTP, the Make.com client, and the mock Make.com.

mod mcp_support;

use mcp_perf::config::Settings;
use mcp_perf::harness::mcp_client::{McpClient, McpClientError};
use mcp_support::{McpHarness, PROTOCOLS, json, text};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TOOLS: [&str; 9] = [
    "get_scenario",
    "get_scenario_logs",
    "list_connections",
    "list_hooks",
    "list_organizations",
    "list_scenarios",
    "list_teams",
    "run_scenario",
    "whoami",
];

/// Calls a tool and asserts it succeeded; returns its JSON.
async fn ok(client: &McpClient, tool: &str, arguments: Value) -> Value {
    let result = client.call_tool(tool, arguments).await.unwrap();
    assert_eq!(result["isError"], false, "{tool}: {result}");
    json(&result)
}

#[tokio::test]
async fn tools_list_publishes_every_tool_with_an_input_schema() {
    let h = McpHarness::start().await;
    let client = h.client("2025-06-18").await;

    let listed = client.list_tools().await.unwrap();
    let mut names: Vec<&str> = listed["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, TOOLS);

    for tool in listed["tools"].as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert!(tool["description"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let get = &listed["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tool| tool["name"] == "get_scenario")
        .unwrap()["inputSchema"];
    assert_eq!(get["required"], json!(["scenario_id"]));
    assert_eq!(get["properties"]["scenario_id"]["type"], "integer");
}

#[tokio::test]
async fn every_tool_answers_in_both_protocol_versions() {
    let h = McpHarness::start().await;

    for protocol in PROTOCOLS {
        let client = h.client(protocol).await;
        assert_eq!(client.protocol_version(), protocol);
        assert!(client.session_id().is_some());

        let orgs = ok(&client, "list_organizations", json!({})).await;
        let org = orgs["organizations"][0]["id"].as_u64().unwrap();
        let teams = ok(&client, "list_teams", json!({ "organization_id": org })).await;
        let team = teams["teams"][0]["id"].as_u64().unwrap();

        let scenarios = ok(
            &client,
            "list_scenarios",
            json!({ "team_id": team, "limit": 2 }),
        )
        .await;
        assert_eq!(scenarios["scenarios"].as_array().unwrap().len(), 2);
        let scenario = scenarios["scenarios"][0]["id"].as_u64().unwrap();
        let by_org = ok(&client, "list_scenarios", json!({ "organization_id": org })).await;
        assert!(!by_org["scenarios"].as_array().unwrap().is_empty());

        let one = ok(&client, "get_scenario", json!({ "scenario_id": scenario })).await;
        assert_eq!(one["id"], scenario);
        let run = ok(
            &client,
            "run_scenario",
            json!({ "scenario_id": scenario, "data": { "rows": 1 }, "responsive": true }),
        )
        .await;
        assert!(run["executionId"].as_str().is_some_and(|id| !id.is_empty()));
        let logs = ok(
            &client,
            "get_scenario_logs",
            json!({ "scenario_id": scenario }),
        )
        .await;
        assert!(logs["scenarioLogs"].is_array(), "{logs}");

        let connections = ok(&client, "list_connections", json!({ "team_id": team })).await;
        assert!(connections["connections"].is_array());
        let hooks = ok(&client, "list_hooks", json!({ "team_id": team })).await;
        assert!(hooks["hooks"].is_array());

        let me = ok(&client, "whoami", json!({})).await;
        assert_eq!(me["zone"], "eu1");
        assert_eq!(me["scopes"], json!(["scenarios:read"]));
        assert!(me["make_user"]["email"].is_string(), "{me}");
        assert!(!me.to_string().contains("mock-api-token"));
    }
}

#[tokio::test]
async fn a_make_error_is_a_tool_error_carrying_makes_message() {
    let h = McpHarness::start().await;
    let client = h.client("2025-06-18").await;

    let result = client
        .call_tool("get_scenario", json!({ "scenario_id": 999 }))
        .await
        .unwrap();
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("Scenario not found."), "{result}");
    assert!(text(&result).contains("404"), "{result}");

    let unscoped = client.call_tool("list_scenarios", json!({})).await.unwrap();
    assert_eq!(unscoped["isError"], true);
    assert!(text(&unscoped).contains("exactly one of team_id and organization_id"));

    // The session goes on after tool errors.
    ok(&client, "whoami", json!({})).await;
}

#[tokio::test]
async fn unknown_tools_are_json_rpc_errors_and_bad_arguments_tool_errors() {
    let h = McpHarness::start().await;
    let client = h.client("2025-06-18").await;

    let unknown = client.call_tool("delete_everything", json!({})).await;
    match unknown {
        Err(McpClientError::Rpc { error, .. }) => assert_eq!(error["code"], -32602),
        other => panic!("expected -32602, got {other:?}"),
    }
    // rmcp reports arguments that do not fit the schema as a tool error,
    // so the model can read it and correct itself (as the 2025-11-25 spec
    // recommends).
    let wrong_type = client
        .call_tool("get_scenario", json!({ "scenario_id": "forty-one" }))
        .await
        .unwrap();
    assert_eq!(wrong_type["isError"], true);
    assert!(text(&wrong_type).contains("expected u64"), "{wrong_type}");
}

#[tokio::test]
async fn mcp_without_a_valid_token_is_refused_with_the_resource_metadata() {
    let h = McpHarness::start().await;
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });

    for token in [None, Some("not-a-real-token")] {
        let mut request = h
            .http
            .post(h.mcp_url())
            .header("accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert!(challenge.contains("resource_metadata="), "{challenge}");
    }
}

#[tokio::test]
async fn each_call_uses_the_credential_of_the_token_that_carried_it() {
    let h = McpHarness::start().await;
    let client = h.client("2025-06-18").await;
    let other = h.another_token().await;

    // A second user's token on the first user's MCP session id: the bearer
    // check passes, and the call runs as the second user.
    let session = client.session_id().unwrap().to_owned();
    let response = h
        .http
        .post(h.mcp_url())
        .bearer_auth(&other)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", &session)
        .header("mcp-protocol-version", "2025-06-18")
        .json(&json!({ "jsonrpc": "2.0", "id": 7, "method": "tools/call",
                        "params": { "name": "whoami", "arguments": {} } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let message = mcp_perf::harness::mcp_client::response_message(&body).unwrap();
    assert_eq!(message["result"]["isError"], false, "{message}");
}

#[tokio::test]
async fn stateless_mode_serves_every_request_without_a_session() {
    let mut settings = Settings::default();
    settings.mcp.stateful = false;
    let h = McpHarness::start_with(settings).await;
    assert!(h.server.mcp().sessions().is_none());

    for protocol in PROTOCOLS {
        let client = h.client(protocol).await;
        assert_eq!(client.session_id(), None);
        assert_eq!(client.protocol_version(), protocol);

        let listed = client.list_tools().await.unwrap();
        assert_eq!(listed["tools"].as_array().unwrap().len(), TOOLS.len());
        let orgs = ok(&client, "list_organizations", json!({ "limit": 1 })).await;
        assert_eq!(orgs["organizations"].as_array().unwrap().len(), 1);
        let missing = client
            .call_tool("get_scenario", json!({ "scenario_id": 999 }))
            .await
            .unwrap();
        assert_eq!(missing["isError"], true);
    }
}
