//! A user's OAuth login over HTTP, as an MCP client would do it: dynamic
//! registration, the consent form with a Make.com credential, PKCE, and
//! the code exchange. Benchmarks and tests use it to get a real access
//! token from a running server.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use url::Url;

use crate::oauth::CodeChallenge;

/// Where loopback test clients say they listen; never contacted.
pub const LOGIN_REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// A request did not complete.
    #[error("oauth login: {step}: {source}")]
    Http {
        /// The step.
        step: &'static str,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered something unexpected.
    #[error("oauth login: {step}: unexpected answer {status}: {body}")]
    Refused {
        /// The step.
        step: &'static str,
        /// The status.
        status: StatusCode,
        /// What came back (no secret: the answer to a failed step).
        body: String,
    },
}

/// What the user types on the consent page.
#[derive(Debug, Clone)]
pub struct Consent<'a> {
    /// The scopes asked for.
    pub scope: &'a str,
    /// The Make.com zone (`eu1`, ...).
    pub zone: &'a str,
    /// The Make.com API token.
    pub api_token: &'a str,
}

/// Logs in at the server whose issuer is `base` (no trailing slash) and
/// returns the access token.
pub async fn login(base: &str, consent: &Consent<'_>) -> Result<String, LoginError> {
    // The consent answer is a redirect to the client, which must be read,
    // not followed.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|source| LoginError::Http {
            step: "client",
            source,
        })?;
    let client_id = register(&http, base).await?;
    let verifier = random_verifier();

    let code = authorize(&http, base, &client_id, &verifier, consent).await?;
    exchange(&http, base, &client_id, &code, &verifier).await
}

async fn register(http: &reqwest::Client, base: &str) -> Result<String, LoginError> {
    let body = json!({ "redirect_uris": [LOGIN_REDIRECT_URI], "client_name": "mcp-perf harness" });
    let response = http
        .post(format!("{base}/register"))
        .json(&body)
        .send()
        .await
        .map_err(|source| LoginError::Http {
            step: "register",
            source,
        })?;

    let registered = expect_json(response, "register", StatusCode::CREATED).await?;
    Ok(registered["client_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

async fn authorize(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    verifier: &str,
    consent: &Consent<'_>,
) -> Result<String, LoginError> {
    let challenge = CodeChallenge::of_verifier(verifier);
    let resource = format!("{base}/mcp");
    let form = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", LOGIN_REDIRECT_URI),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("state", "harness"),
        ("scope", consent.scope),
        ("resource", &resource),
        ("zone", consent.zone),
        ("api_token", consent.api_token),
        ("decision", "approve"),
    ];
    let response = http
        .post(format!("{base}/authorize"))
        .form(&form)
        .send()
        .await
        .map_err(|source| LoginError::Http {
            step: "authorize",
            source,
        })?;

    let code = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(|location| Url::parse(location).ok())
        .and_then(|url| {
            url.query_pairs()
                .find(|(name, _)| name == "code")
                .map(|(_, code)| code.into_owned())
        });
    match code {
        Some(code) => Ok(code),
        None => Err(refused("authorize", response).await),
    }
}

async fn exchange(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    code: &str,
    verifier: &str,
) -> Result<String, LoginError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", LOGIN_REDIRECT_URI),
        ("client_id", client_id),
        ("code_verifier", verifier),
    ];
    let response = http
        .post(format!("{base}/token"))
        .form(&form)
        .send()
        .await
        .map_err(|source| LoginError::Http {
            step: "token",
            source,
        })?;

    let tokens = expect_json(response, "token", StatusCode::OK).await?;
    Ok(tokens["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

async fn expect_json(
    response: reqwest::Response,
    step: &'static str,
    status: StatusCode,
) -> Result<Value, LoginError> {
    if response.status() != status {
        return Err(refused(step, response).await);
    }
    response
        .json()
        .await
        .map_err(|source| LoginError::Http { step, source })
}

async fn refused(step: &'static str, response: reqwest::Response) -> LoginError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    LoginError::Refused { step, status, body }
}

/// 32 random bytes, base64url: a 43-character PKCE verifier.
fn random_verifier() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
