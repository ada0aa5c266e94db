//! A small MCP client over Streamable HTTP for benchmarks and tests: one
//! JSON-RPC message per POST, reading the answer whether it comes as JSON
//! or as an SSE stream, with the bearer token, session id and protocol
//! version headers. Kept small on purpose, so a benchmark measures the
//! server and not a client's machinery; the interop tests use real MCP
//! SDKs instead.

use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use serde_json::{Value, json};

/// The session id header.
pub const SESSION_ID: &str = "mcp-session-id";
/// The protocol version header.
pub const PROTOCOL_VERSION: &str = "mcp-protocol-version";

/// Why an MCP exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum McpClientError {
    /// The request did not complete.
    #[error("mcp {method}: {source}")]
    Http {
        /// The JSON-RPC method.
        method: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an HTTP error.
    #[error("mcp {method}: http {status}: {body}")]
    Status {
        /// The JSON-RPC method.
        method: String,
        /// The status.
        status: StatusCode,
        /// The body.
        body: String,
    },
    /// The server answered with a JSON-RPC error.
    #[error("mcp {method}: json-rpc error {error}")]
    Rpc {
        /// The JSON-RPC method.
        method: String,
        /// The error object.
        error: Value,
    },
    /// The answer held no response to the request.
    #[error("mcp {method}: no response in the answer: {body}")]
    NoResponse {
        /// The JSON-RPC method.
        method: String,
        /// The body.
        body: String,
    },
}

/// An initialized MCP client; share it between tasks (`&self` calls).
#[derive(Debug)]
pub struct McpClient {
    http: reqwest::Client,
    url: String,
    headers: HeaderMap,
    session_id: Option<String>,
    protocol_version: String,
    next_id: AtomicU64,
}

impl McpClient {
    /// Initializes a session at `url` (the `/mcp` endpoint) asking for
    /// `protocol_version`, and sends `notifications/initialized`.
    pub async fn connect(
        http: reqwest::Client,
        url: &str,
        access_token: &str,
        protocol_version: &str,
    ) -> Result<Self, McpClientError> {
        let mut client = Self {
            http,
            url: url.to_owned(),
            headers: base_headers(access_token),
            session_id: None,
            protocol_version: protocol_version.to_owned(),
            next_id: AtomicU64::new(1),
        };

        let (result, session_id) = client.initialize().await?;
        client.session_id = session_id;
        if let Some(version) = result["protocolVersion"].as_str() {
            client.protocol_version = version.to_owned();
        }
        client.notify("notifications/initialized").await?;
        Ok(client)
    }

    /// The session id the server gave, if stateful.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// The negotiated protocol version.
    pub fn protocol_version(&self) -> &str {
        &self.protocol_version
    }

    /// `initialize` as a fresh client would send it; returns the result
    /// and the session id header. Does not change this client.
    pub async fn initialize(&self) -> Result<(Value, Option<String>), McpClientError> {
        let params = json!({
            "protocolVersion": self.protocol_version,
            "capabilities": {},
            "clientInfo": { "name": "mcp-perf-harness", "version": env!("CARGO_PKG_VERSION") },
        });
        let response = self
            .post("initialize", &self.message("initialize", params), false)
            .await?;
        let session_id = response
            .headers()
            .get(SESSION_ID)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);

        let result = read_result("initialize", response).await?;
        Ok((result, session_id))
    }

    /// `tools/list`: the result object.
    pub async fn list_tools(&self) -> Result<Value, McpClientError> {
        self.request("tools/list", json!({})).await
    }

    /// `tools/call`: the result object (`content`, `isError`).
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<Value, McpClientError> {
        self.request(
            "tools/call",
            json!({ "name": name, "arguments": arguments }),
        )
        .await
    }

    /// Any request in the session: the `result` member of its response.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, McpClientError> {
        let response = self
            .post(method, &self.message(method, params), true)
            .await?;
        read_result(method, response).await
    }

    /// A notification; the server answers 202.
    pub async fn notify(&self, method: &str) -> Result<(), McpClientError> {
        let body = json!({ "jsonrpc": "2.0", "method": method });
        let response = self.post(method, &body, true).await?;
        check_status(method, response).await.map(drop)
    }

    /// Ends the session (`DELETE`), if there is one.
    pub async fn close(&self) -> Result<(), McpClientError> {
        let Some(id) = &self.session_id else {
            return Ok(());
        };
        let response = self
            .http
            .delete(&self.url)
            .headers(self.headers.clone())
            .header(SESSION_ID, id)
            .send()
            .await
            .map_err(|source| http_error("DELETE", source))?;
        check_status("DELETE", response).await.map(drop)
    }

    /// POSTs `body` as is, with this client's headers (session and version
    /// when `in_session`): for tests of malformed or unusual messages.
    pub async fn post(
        &self,
        method: &str,
        body: &Value,
        in_session: bool,
    ) -> Result<reqwest::Response, McpClientError> {
        let mut request = self
            .http
            .post(&self.url)
            .headers(self.headers.clone())
            .json(body);
        if in_session {
            request = request.header(PROTOCOL_VERSION, &self.protocol_version);
            if let Some(id) = &self.session_id {
                request = request.header(SESSION_ID, id);
            }
        }
        request
            .send()
            .await
            .map_err(|source| http_error(method, source))
    }

    fn message(&self, method: &str, params: Value) -> Value {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
    }
}

fn base_headers(access_token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("application/json, text/event-stream"),
    );
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(mut value) = HeaderValue::from_str(&format!("Bearer {access_token}")) {
        value.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    headers
}

fn http_error(method: &str, source: reqwest::Error) -> McpClientError {
    McpClientError::Http {
        method: method.to_owned(),
        source,
    }
}

async fn check_status(
    method: &str,
    response: reqwest::Response,
) -> Result<reqwest::Response, McpClientError> {
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Err(McpClientError::Status {
        method: method.to_owned(),
        status,
        body,
    })
}

/// The `result` of the one response in a JSON or SSE answer.
async fn read_result(method: &str, response: reqwest::Response) -> Result<Value, McpClientError> {
    let response = check_status(method, response).await?;
    let body = response
        .text()
        .await
        .map_err(|source| http_error(method, source))?;

    let Some(message) = response_message(&body) else {
        return Err(McpClientError::NoResponse {
            method: method.to_owned(),
            body,
        });
    };
    if let Some(error) = message.get("error") {
        return Err(McpClientError::Rpc {
            method: method.to_owned(),
            error: error.clone(),
        });
    }
    Ok(message.get("result").cloned().unwrap_or(Value::Null))
}

/// The JSON-RPC response in a body that is either one JSON object or SSE
/// events whose `data` lines carry messages (priming events carry none).
pub fn response_message(body: &str) -> Option<Value> {
    let is_response = |value: &Value| value.get("result").is_some() || value.get("error").is_some();

    if let Ok(value) = serde_json::from_str::<Value>(body) {
        return is_response(&value).then_some(value);
    }
    body.split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            serde_json::from_str::<Value>(&data.join("\n")).ok()
        })
        .find(is_response)
}
