//! `POST /register`: RFC 7591 dynamic registration of public clients.
//!
//! Only what a public client needs is kept: redirect URIs and a name.
//! Confidential clients (a `token_endpoint_auth_method` other than `none`)
//! are refused, as this server issues no client secrets.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::authorization_server::AuthorizationServer;
use super::client::check_redirect_uri;
use super::error::{ErrorCode, OAuthError};

/// Most redirect URIs one client may register.
const MAX_REDIRECT_URIS: usize = 10;

/// The metadata this server reads; unknown fields are ignored (RFC 7591
/// section 2).
#[derive(Debug, Deserialize)]
struct Registration {
    redirect_uris: Vec<String>,
    #[serde(default)]
    client_name: Option<String>,
    #[serde(default)]
    token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    grant_types: Option<Vec<String>>,
    #[serde(default)]
    response_types: Option<Vec<String>>,
}

/// `POST /register`
pub async fn register(State(server): State<AuthorizationServer>, body: Bytes) -> Response {
    match register_client(&server, &body).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn register_client(
    server: &AuthorizationServer,
    body: &[u8],
) -> Result<Response, OAuthError> {
    if !server.settings().registration_enabled {
        return Err(OAuthError::new(
            ErrorCode::InvalidClientMetadata,
            "dynamic registration is disabled on this server",
        ));
    }
    let registration: Registration = serde_json::from_slice(body).map_err(|error| {
        OAuthError::new(
            ErrorCode::InvalidClientMetadata,
            format!("the registration is not valid json metadata: {error}"),
        )
    })?;
    check_registration(&registration)?;

    let client_name = registration
        .client_name
        .map(|name| name.chars().take(100).collect());
    let client = server
        .clients()
        .register(registration.redirect_uris, client_name)
        .await?;

    let body = json!({
        "client_id": client.client_id,
        "client_id_issued_at": crate::session::unix_now(),
        "redirect_uris": client.redirect_uris,
        "client_name": client.client_name,
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    });
    let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];
    Ok((StatusCode::CREATED, no_store, Json(body)).into_response())
}

fn check_registration(registration: &Registration) -> Result<(), OAuthError> {
    let uris = &registration.redirect_uris;
    if uris.is_empty() || uris.len() > MAX_REDIRECT_URIS {
        return Err(OAuthError::new(
            ErrorCode::InvalidRedirectUri,
            format!("register between 1 and {MAX_REDIRECT_URIS} redirect uris"),
        ));
    }
    for uri in uris {
        check_redirect_uri(uri)
            .map_err(|error| OAuthError::new(ErrorCode::InvalidRedirectUri, error.to_string()))?;
    }

    let metadata = |text: &'static str| OAuthError::new(ErrorCode::InvalidClientMetadata, text);
    if registration
        .token_endpoint_auth_method
        .as_deref()
        .is_some_and(|method| method != "none")
    {
        return Err(metadata(
            "only public clients (token_endpoint_auth_method none) are supported",
        ));
    }
    let grants_ok = registration.grant_types.as_ref().is_none_or(|grants| {
        grants
            .iter()
            .all(|grant| grant == "authorization_code" || grant == "refresh_token")
    });
    let responses_ok = registration
        .response_types
        .as_ref()
        .is_none_or(|types| types.iter().all(|t| t == "code"));
    if !grants_ok || !responses_ok {
        return Err(metadata(
            "only the authorization_code and refresh_token grants are supported",
        ));
    }
    Ok(())
}
