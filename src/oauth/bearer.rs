//! The resource server's gate: a bearer token becomes a session, or the
//! request ends with 401 or 403 and a `WWW-Authenticate` challenge that
//! points at the protected resource metadata (RFC 6750, RFC 9728).
//!
//! The path of a token: SHA-256, L1 cache, Redis, decrypt, then expiry
//! (the store refuses expired sessions), audience (RFC 8707) and scope.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::authorization_server::AuthorizationServer;
use super::opaque::OpaqueToken;
use crate::session::Session;

/// The caller's session, for handlers behind [`check_bearer`].
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<Session>);

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BearerError {
    /// No bearer token was sent.
    #[error("no bearer token")]
    Missing,
    /// The token is malformed, unknown, expired, revoked or for another
    /// resource.
    #[error("invalid token: {0}")]
    Invalid(&'static str),
    /// The token lacks a scope the route needs.
    #[error("insufficient scope: {0} required")]
    InsufficientScope(String),
    /// The store failed.
    #[error("the session store is unavailable")]
    Unavailable,
}

/// What [`check_bearer`] needs: the server and the route's scopes.
#[derive(Clone)]
pub struct BearerPolicy {
    server: AuthorizationServer,
    scopes: Arc<[String]>,
}

impl BearerPolicy {
    /// Requires a valid token holding every scope in `scopes`.
    pub fn new(server: AuthorizationServer, scopes: &[&str]) -> Self {
        Self {
            server,
            scopes: scopes.iter().map(|scope| scope.to_string()).collect(),
        }
    }
}

impl AuthorizationServer {
    /// The session of a bearer token valid for this resource.
    pub async fn authenticate(&self, token: &str) -> Result<Arc<Session>, BearerError> {
        let hash = OpaqueToken::from_wire(token).hash();
        let session = match self.sessions().load(&hash).await {
            Ok(Some(session)) => session,
            Ok(None) => return Err(BearerError::Invalid("unknown, expired or revoked")),
            Err(error) => {
                tracing::error!(error = %error, "bearer check failed");
                return Err(BearerError::Unavailable);
            }
        };

        if session.audience != self.resource() {
            return Err(BearerError::Invalid("issued for another resource"));
        }
        Ok(session)
    }
}

/// Middleware: authenticates, checks scopes, and hands the session on as
/// an [`Authenticated`] extension.
pub async fn check_bearer(
    State(policy): State<BearerPolicy>,
    mut request: Request,
    next: Next,
) -> Response {
    let session = match bearer_token(&request) {
        Ok(token) => policy.server.authenticate(token).await,
        Err(error) => Err(error),
    };
    let session = match session {
        Ok(session) => session,
        Err(error) => return challenge(&error, &policy.server.resource_metadata_url()),
    };

    if !session.has_scopes(policy.scopes.iter().map(String::as_str)) {
        let error = BearerError::InsufficientScope(policy.scopes.join(" "));
        return challenge(&error, &policy.server.resource_metadata_url());
    }
    request.extensions_mut().insert(Authenticated(session));
    next.run(request).await
}

fn bearer_token(request: &Request) -> Result<&str, BearerError> {
    let mut values = request.headers().get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(BearerError::Missing);
    };
    let value = value
        .to_str()
        .map_err(|_| BearerError::Invalid("malformed authorization header"))?;

    let (scheme, token) = value.split_once(' ').ok_or(BearerError::Missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(BearerError::Missing);
    }
    let token = token.trim();
    let b64token = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    if token.is_empty() || !token.chars().all(b64token) {
        return Err(BearerError::Invalid("malformed bearer token"));
    }
    Ok(token)
}

/// The 401/403/503 response with its RFC 6750 challenge.
fn challenge(error: &BearerError, metadata: &str) -> Response {
    let (status, code, challenge) = match error {
        BearerError::Missing => (
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            format!("Bearer resource_metadata=\"{metadata}\""),
        ),
        BearerError::Invalid(why) => (
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            format!(
                "Bearer error=\"invalid_token\", error_description=\"the token is {why}\", \
                 resource_metadata=\"{metadata}\""
            ),
        ),
        BearerError::InsufficientScope(scopes) => (
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!(
                "Bearer error=\"insufficient_scope\", scope=\"{scopes}\", \
                 resource_metadata=\"{metadata}\""
            ),
        ),
        BearerError::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            format!("Bearer resource_metadata=\"{metadata}\""),
        ),
    };

    let body = Json(json!({ "error": code, "error_description": error.to_string() }));
    let mut response = (status, body).into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .ok_or_else(|| {
                tracing::error!(
                    "a handler asked for Authenticated on a route without check_bearer"
                );
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            })
    }
}
