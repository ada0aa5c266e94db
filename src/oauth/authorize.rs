//! `GET /authorize` shows the consent form; `POST /authorize` is that
//! form's submission, which issues a code and redirects with it.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::authorization_server::AuthorizationServer;
use super::authorize_request::{AuthorizeError, AuthorizeRequest, redirect_with};
use super::consent_page::{consent, error_page};
use super::error::{ErrorCode, OAuthError};
use super::params::Params;
use crate::make::{MakeCredential, Zone};

/// Longest API token accepted from the form.
const MAX_API_TOKEN_LEN: usize = 512;

/// `GET /authorize`
pub async fn show_consent(
    State(server): State<AuthorizationServer>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = match Params::parse(query.as_deref().unwrap_or_default()) {
        Ok(params) => params,
        Err(error) => return error_page(StatusCode::BAD_REQUEST, &error.description),
    };
    match server.check_authorize(&params).await {
        Ok(request) => consent(&request, None),
        Err(error) => authorize_error(server.issuer(), error),
    }
}

/// `POST /authorize`: the consent form.
pub async fn submit_consent(State(server): State<AuthorizationServer>, body: String) -> Response {
    let params = match Params::parse(&body) {
        Ok(params) => params,
        Err(error) => return error_page(StatusCode::BAD_REQUEST, &error.description),
    };
    let request = match server.check_authorize(&params).await {
        Ok(request) => request,
        Err(error) => return authorize_error(server.issuer(), error),
    };

    if params.get("decision") != Some("approve") {
        let denied = OAuthError::new(ErrorCode::AccessDenied, "the user denied the request");
        return redirect_error(
            server.issuer(),
            &request.redirect_uri,
            &denied,
            request.state,
        );
    }
    let credential = match credential_from(&params) {
        Ok(credential) => credential,
        Err(problem) => return consent(&request, Some(problem)),
    };

    match server.approve(&request, credential).await {
        Ok(code) => redirect_code(server.issuer(), &request, code.expose()),
        Err(error) => redirect_error(
            server.issuer(),
            &request.redirect_uri,
            &error,
            request.state,
        ),
    }
}

/// The Make.com credential the user typed.
fn credential_from(params: &Params) -> Result<MakeCredential, &'static str> {
    let zone: Zone = params
        .get("zone")
        .and_then(|zone| zone.parse().ok())
        .ok_or("choose the zone of your Make.com account")?;
    let token = params.get("api_token").map(str::trim).unwrap_or_default();
    let printable = token.chars().all(|c| c.is_ascii_graphic());
    if token.is_empty() || token.len() > MAX_API_TOKEN_LEN || !printable {
        return Err("enter a Make.com API token");
    }
    Ok(MakeCredential::api_token(zone, token))
}

fn authorize_error(issuer: &str, error: AuthorizeError) -> Response {
    match error {
        AuthorizeError::Page(message) => error_page(StatusCode::BAD_REQUEST, &message),
        AuthorizeError::Unavailable(error) => {
            error_page(StatusCode::SERVICE_UNAVAILABLE, &error.description)
        }
        AuthorizeError::Redirect {
            redirect_uri,
            error,
            state,
        } => redirect_error(issuer, &redirect_uri, &error, state),
    }
}

fn redirect_error(
    issuer: &str,
    redirect_uri: &str,
    error: &OAuthError,
    state: Option<String>,
) -> Response {
    let mut pairs = vec![
        ("error", error.code.as_str()),
        ("error_description", &*error.description),
    ];
    if let Some(state) = state.as_deref() {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    see_other(&redirect_with(redirect_uri, &pairs))
}

/// The success redirect, with `iss` (RFC 9207) against mix-up attacks.
fn redirect_code(issuer: &str, request: &AuthorizeRequest, code: &str) -> Response {
    let mut pairs = vec![("code", code)];
    if let Some(state) = request.state.as_deref() {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    see_other(&redirect_with(&request.redirect_uri, &pairs))
}

fn see_other(location: &str) -> Response {
    let Ok(location) = HeaderValue::from_str(location) else {
        return error_page(StatusCode::BAD_REQUEST, "the redirect uri is not usable");
    };
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}
