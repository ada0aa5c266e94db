//! A Make.com result as a tool result: the body as JSON text, or a tool
//! error (`isError: true`) that carries Make's own message, so the model
//! can read why and try something else. A Make.com failure is never a
//! JSON-RPC error: the call reached the tool, and the MCP session goes on.

use rmcp::model::{CallToolResult, ContentBlock};
use serde::Serialize;

use crate::make::MakeError;

/// The tool result of a Make.com call.
pub fn tool_result<T: Serialize>(
    tool: &'static str,
    result: Result<T, MakeError>,
) -> CallToolResult {
    match result {
        Ok(body) => match serde_json::to_string(&body) {
            Ok(text) => CallToolResult::success(vec![ContentBlock::text(text)]),
            Err(error) => tool_error(tool, &format!("could not encode the result: {error}")),
        },
        Err(error) => tool_error(tool, &error.to_string()),
    }
}

/// A tool error with `message`, logged once here.
pub fn tool_error(tool: &'static str, message: &str) -> CallToolResult {
    tracing::warn!(tool, error = message, "tool failed");
    CallToolResult::error(vec![ContentBlock::text(message.to_owned())])
}
