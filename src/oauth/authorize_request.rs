//! Checking an authorization request (RFC 6749 4.1.1 with PKCE and RFC 8707)
//! and deciding where its errors go.
//!
//! Until the client and the redirect URI are known good, an error is shown
//! to the user as a page: redirecting to an unchecked URI would make this
//! server an open redirector (RFC 6749 4.1.2.1). After that, errors go back
//! to the client as `error` parameters on its redirect URI.

use std::sync::Arc;

use url::Url;

use super::authorization_server::AuthorizationServer;
use super::client::Client;
use super::error::{ErrorCode, OAuthError};
use super::params::Params;
use super::pkce::{CodeChallenge, PkceError};

/// Longest `state` accepted: it travels in URLs and HTML.
const MAX_STATE_LEN: usize = 1024;

/// A request that passed every check.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// The client.
    pub client: Arc<Client>,
    /// The redirect URI, exactly as registered.
    pub redirect_uri: String,
    /// The PKCE challenge.
    pub challenge: CodeChallenge,
    /// The scopes to grant.
    pub scopes: Vec<String>,
    /// The RFC 8707 resource.
    pub resource: String,
    /// The client's `state`, echoed back.
    pub state: Option<String>,
}

/// Where an authorization error goes.
#[derive(Debug)]
pub enum AuthorizeError {
    /// Shown to the user: the redirect URI is missing, unknown or invalid.
    Page(String),
    /// Sent to the client's redirect URI.
    Redirect {
        /// The checked redirect URI.
        redirect_uri: String,
        /// The error.
        error: OAuthError,
        /// The client's `state`.
        state: Option<String>,
    },
    /// The store failed; shown as a page.
    Unavailable(OAuthError),
}

impl AuthorizationServer {
    /// Checks an authorization request's parameters.
    pub async fn check_authorize(
        &self,
        params: &Params,
    ) -> Result<AuthorizeRequest, AuthorizeError> {
        let client_id = params
            .get("client_id")
            .ok_or_else(|| AuthorizeError::Page("the request names no client_id".into()))?;
        let client = self
            .clients()
            .get(client_id)
            .await
            .map_err(|error| AuthorizeError::Unavailable(error.into()))?
            .ok_or_else(|| AuthorizeError::Page("the client is not registered".into()))?;
        let redirect_uri = params
            .get("redirect_uri")
            .filter(|uri| client.allows_redirect(uri))
            .ok_or_else(|| {
                AuthorizeError::Page(
                    "the redirect_uri is missing or not registered for this client".into(),
                )
            })?
            .to_string();

        let state = params.get("state").map(str::to_string);
        let redirect = |error: OAuthError| AuthorizeError::Redirect {
            redirect_uri: redirect_uri.clone(),
            error,
            state: state.clone(),
        };
        let checked = self.check_grant_parameters(params).map_err(redirect)?;

        Ok(AuthorizeRequest {
            client,
            redirect_uri,
            challenge: checked.0,
            scopes: checked.1,
            resource: checked.2,
            state,
        })
    }

    /// The checks whose errors may go back to the client.
    fn check_grant_parameters(
        &self,
        params: &Params,
    ) -> Result<(CodeChallenge, Vec<String>, String), OAuthError> {
        match params.get("response_type") {
            Some("code") => {}
            Some(_) => {
                return Err(OAuthError::new(
                    ErrorCode::UnsupportedResponseType,
                    "only response_type=code is supported",
                ));
            }
            None => {
                return Err(OAuthError::invalid_request(
                    "parameter response_type is missing",
                ));
            }
        }
        if params
            .get("state")
            .is_some_and(|state| state.len() > MAX_STATE_LEN)
        {
            return Err(OAuthError::invalid_request("state is too long"));
        }

        let challenge = params
            .get("code_challenge")
            .ok_or_else(|| OAuthError::invalid_request("code_challenge is required (PKCE)"))?;
        let challenge = CodeChallenge::parse(challenge, params.get("code_challenge_method"))
            .map_err(pkce_error)?;
        let scopes = self.check_scopes(params.get("scope"))?;
        let resource = self.check_resource(params.get("resource"))?;
        Ok((challenge, scopes, resource))
    }

    /// The requested scopes, all supported, or the default ones.
    pub(crate) fn check_scopes(&self, scope: Option<&str>) -> Result<Vec<String>, OAuthError> {
        let Some(scope) = scope else {
            return Ok(self.settings().default_scopes.clone());
        };

        let mut scopes: Vec<String> = Vec::new();
        for name in scope.split(' ').filter(|name| !name.is_empty()) {
            if !self.settings().scopes_supported.iter().any(|s| s == name) {
                return Err(OAuthError::new(
                    ErrorCode::InvalidScope,
                    format!("scope {name} is not supported"),
                ));
            }
            if !scopes.iter().any(|s| s == name) {
                scopes.push(name.to_string());
            }
        }
        Ok(scopes)
    }

    /// The RFC 8707 resource: this server's, whether named or implied.
    pub(crate) fn check_resource(&self, resource: Option<&str>) -> Result<String, OAuthError> {
        match resource {
            None => Ok(self.resource().to_string()),
            Some(named) if same_resource(named, self.resource()) => Ok(self.resource().to_string()),
            Some(_) => Err(OAuthError::new(
                ErrorCode::InvalidTarget,
                "the resource is not served by this authorization server",
            )),
        }
    }
}

/// Compares resource URLs after normalisation (case of scheme and host,
/// default port, a trailing slash), as clients spell them differently.
fn same_resource(named: &str, ours: &str) -> bool {
    let normalise = |text: &str| {
        Url::parse(text).ok().map(|url| {
            let mut text = url.to_string();
            if text.ends_with('/') {
                text.pop();
            }
            text
        })
    };
    matches!((normalise(named), normalise(ours)), (Some(a), Some(b)) if a == b)
}

fn pkce_error(error: PkceError) -> OAuthError {
    OAuthError::invalid_request(error.to_string())
}

/// Builds the redirect back to the client with `pairs` added to its query.
pub fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)]) -> String {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return redirect_uri.to_string();
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_compare_after_normalisation() {
        assert!(same_resource(
            "HTTP://127.0.0.1:80/mcp",
            "http://127.0.0.1/mcp"
        ));
        assert!(same_resource(
            "http://127.0.0.1/mcp/",
            "http://127.0.0.1/mcp"
        ));
        assert!(!same_resource(
            "http://127.0.0.1/other",
            "http://127.0.0.1/mcp"
        ));
        assert!(!same_resource("not a url", "http://127.0.0.1/mcp"));
    }

    #[test]
    fn redirect_keeps_the_clients_query() {
        assert_eq!(
            redirect_with("https://a.example/cb?x=1", &[("code", "c d")]),
            "https://a.example/cb?x=1&code=c+d"
        );
    }
}
