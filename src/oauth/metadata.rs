//! The discovery documents: RFC 8414 authorization server metadata and
//! RFC 9728 protected resource metadata, served with an ETag.
//!
//! Both are fixed for the life of the process, so they are rendered once,
//! and their ETag is a digest of the bytes: a client that revalidates gets
//! 304 without a body.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::authorization_server::AuthorizationServer;
use super::settings::OAuthSettings;

/// How long clients and proxies may reuse a document (the report's 300 s).
const CACHE_CONTROL: &str = "public, max-age=300";

/// A rendered JSON document and its strong ETag.
#[derive(Debug, Clone)]
pub struct MetadataDocument {
    body: Bytes,
    etag: HeaderValue,
}

impl MetadataDocument {
    fn new(value: &serde_json::Value) -> Self {
        let body = Bytes::from(serde_json::to_vec_pretty(value).unwrap_or_default());
        let digest = Sha256::digest(&body);
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let etag = HeaderValue::from_str(&format!("\"{hex}\""))
            .expect("a quoted hex digest is a valid header value");
        Self { body, etag }
    }

    /// The JSON bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The response: 304 when `If-None-Match` names the current ETag.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let cached = request
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || tag.as_bytes() == self.etag.as_bytes());

        let headers = [
            (header::ETAG, self.etag.clone()),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            ),
        ];
        if cached {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        let json = (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        (headers, [json], self.body.clone()).into_response()
    }
}

/// The RFC 8414 document for `issuer`.
pub fn authorization_server_metadata(issuer: &str, settings: &OAuthSettings) -> MetadataDocument {
    let mut document = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "revocation_endpoint": format!("{issuer}/revoke"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": settings.scopes_supported,
        "authorization_response_iss_parameter_supported": true,
    });
    if settings.registration_enabled {
        document["registration_endpoint"] = json!(format!("{issuer}/register"));
    }
    MetadataDocument::new(&document)
}

/// The RFC 9728 document for the resource `resource`.
pub fn resource_metadata(
    issuer: &str,
    resource: &str,
    settings: &OAuthSettings,
) -> MetadataDocument {
    MetadataDocument::new(&json!({
        "resource": resource,
        "authorization_servers": [issuer],
        "scopes_supported": settings.scopes_supported,
        "bearer_methods_supported": ["header"],
        "resource_name": "mcp-perf Make.com MCP server",
    }))
}

/// `GET /.well-known/oauth-authorization-server`
pub async fn authorization_server(
    State(server): State<AuthorizationServer>,
    headers: HeaderMap,
) -> Response {
    server.as_metadata().respond(&headers)
}

/// `GET /.well-known/oauth-protected-resource` (and `/mcp` appended, the
/// path-aware form RFC 9728 section 3.1 derives from the resource URL).
pub async fn protected_resource(
    State(server): State<AuthorizationServer>,
    headers: HeaderMap,
) -> Response {
    server.resource_metadata().respond(&headers)
}
