//! OAuth error responses: RFC 6749 section 5.2 JSON, shared by the token,
//! registration (RFC 7591) and revocation (RFC 7009) endpoints.

use std::borrow::Cow;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::session::StoreError;

/// The `error` codes this server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A parameter is missing, repeated or malformed.
    InvalidRequest,
    /// The client is unknown.
    InvalidClient,
    /// The code or refresh token is invalid, expired, used or not this
    /// client's, or the PKCE verifier does not match.
    InvalidGrant,
    /// The client may not use this grant.
    UnauthorizedClient,
    /// The grant type is not supported.
    UnsupportedGrantType,
    /// A scope is unknown or wider than granted.
    InvalidScope,
    /// The RFC 8707 resource is not this server's.
    InvalidTarget,
    /// `response_type` is not `code`.
    UnsupportedResponseType,
    /// The user refused.
    AccessDenied,
    /// RFC 7009: the token type hint names a type this server cannot revoke.
    UnsupportedTokenType,
    /// RFC 7591: a redirect URI is not acceptable.
    InvalidRedirectUri,
    /// RFC 7591: other client metadata is not acceptable.
    InvalidClientMetadata,
    /// The server failed (Redis unreachable, corrupt record).
    ServerError,
    /// The server is overloaded or a dependency is away.
    TemporarilyUnavailable,
}

impl ErrorCode {
    /// The wire name, as in `error=...`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidTarget => "invalid_target",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::InvalidRedirectUri => "invalid_redirect_uri",
            Self::InvalidClientMetadata => "invalid_client_metadata",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::InvalidClient => StatusCode::UNAUTHORIZED,
            Self::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            Self::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// An OAuth error: a code and a description safe to show the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {description}", code.as_str())]
pub struct OAuthError {
    /// The `error` code.
    pub code: ErrorCode,
    /// The `error_description`; never holds a token or a secret.
    pub description: Cow<'static, str>,
}

impl OAuthError {
    /// An error with a description.
    pub fn new(code: ErrorCode, description: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }

    /// `invalid_request` with a description.
    pub fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::InvalidRequest, description)
    }

    /// `invalid_grant` with a description.
    pub fn invalid_grant(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::InvalidGrant, description)
    }
}

/// Redis trouble becomes `temporarily_unavailable`, corrupt data
/// `server_error`; the cause is logged here, once, and never sent.
impl From<StoreError> for OAuthError {
    fn from(error: StoreError) -> Self {
        tracing::error!(error = %error, "oauth store failed");
        if error.is_corrupt() {
            Self::new(ErrorCode::ServerError, "a stored record is unreadable")
        } else {
            Self::new(
                ErrorCode::TemporarilyUnavailable,
                "the token store is unavailable",
            )
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'static str,
    error_description: &'a str,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = Body {
            error: self.code.as_str(),
            error_description: &self.description,
        };
        let mut response = (self.code.status(), Json(body)).into_response();

        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.code == ErrorCode::InvalidClient {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"oauth\""),
            );
        }
        response
    }
}
