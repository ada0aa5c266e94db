//! `GET /mcp/whoami`: the smallest protected endpoint, standing in for the
//! MCP transport until it lands; it shows what the bearer check hands on.

use axum::Json;
use serde_json::{Value, json};

use crate::oauth::Authenticated;

/// The caller's identity and grant, never the Make.com secret.
pub async fn whoami(Authenticated(session): Authenticated) -> Json<Value> {
    Json(json!({
        "user_id": session.user_id,
        "client_id": session.client_id,
        "scopes": session.scopes,
        "audience": session.audience,
        "zone": session.credential.zone,
        "expires_at": session.expires_at,
    }))
}
