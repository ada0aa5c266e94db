//! `POST /token` and `POST /revoke`: form in, JSON out, never cached.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::authorization_server::AuthorizationServer;
use super::error::{ErrorCode, OAuthError};
use super::params::Params;

/// `POST /token`
pub async fn token(
    State(server): State<AuthorizationServer>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match form(&headers, &body) {
        Ok(params) => params,
        Err(error) => return error.into_response(),
    };
    let result = match params.get("grant_type") {
        Some("authorization_code") => server.exchange_code(&params).await,
        Some("refresh_token") => server.refresh(&params).await,
        Some(_) => Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            "only authorization_code and refresh_token are supported",
        )),
        None => Err(OAuthError::invalid_request(
            "parameter grant_type is missing",
        )),
    };

    match result {
        Ok(tokens) => {
            let no_store = [
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                (header::PRAGMA, HeaderValue::from_static("no-cache")),
            ];
            (no_store, Json(tokens)).into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// `POST /revoke` (RFC 7009): 200 whether or not the token was known.
pub async fn revoke(
    State(server): State<AuthorizationServer>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = match form(&headers, &body) {
        Ok(params) => server.revoke(&params).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => error.into_response(),
    }
}

/// The body as form parameters; anything else is `invalid_request`.
pub fn form(headers: &HeaderMap, body: &[u8]) -> Result<Params, OAuthError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }

    let text = std::str::from_utf8(body)
        .map_err(|_| OAuthError::invalid_request("the body is not valid utf-8"))?;
    Params::parse(text)
}
