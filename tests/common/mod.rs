//! What the OAuth tests share: a real server on a loopback socket with its
//! own Redis, a real HTTP client, and the steps of the flow.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::sync::Arc;

use mcp_perf::config::Settings;
use mcp_perf::crypto::KeyRing;
use mcp_perf::harness::redis::RedisInstance;
use mcp_perf::oauth::CodeChallenge;
use mcp_perf::server::RunningServer;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::net::TcpListener;
use url::Url;

/// The redirect URI every test client registers.
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

/// A fixed verifier (RFC 7636 appendix B).
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// A server, its Redis and a client that does not follow redirects.
pub struct Harness {
    pub server: RunningServer,
    pub http: reqwest::Client,
    pub keys: Arc<KeyRing>,
    pub redis: RedisInstance,
}

/// Tokens as the token endpoint returns them.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub scope: String,
}

impl Harness {
    /// Default settings.
    pub async fn start() -> Self {
        Self::start_with(Settings::default()).await
    }

    /// A server with these settings, its own Redis and a random key.
    pub async fn start_with(settings: Settings) -> Self {
        let redis = RedisInstance::start().await.expect("redis for the test");
        let keys = Arc::new(KeyRing::ephemeral());
        let server = launch(&redis, keys.clone(), &settings).await;
        Self {
            server,
            http: client(),
            keys,
            redis,
        }
    }

    /// Another server on the same Redis and key ring.
    pub async fn sibling(&self, settings: &Settings) -> RunningServer {
        launch(&self.redis, self.keys.clone(), settings).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// Registers a public client; returns its id.
    pub async fn register(&self) -> String {
        let response = self
            .http
            .post(self.url("/register"))
            .json(&serde_json::json!({
                "redirect_uris": [REDIRECT_URI],
                "client_name": "test client",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["client_id"].as_str().unwrap().to_string()
    }

    /// The query of an authorization request with PKCE.
    pub fn authorize_params(&self, client_id: &str, scope: &str) -> Vec<(String, String)> {
        let challenge = CodeChallenge::of_verifier(VERIFIER);
        [
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT_URI),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("state", "xyz"),
            ("scope", scope),
            ("resource", &format!("{}/mcp", self.server.url())),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// Shows the consent page, submits it, and returns the code.
    pub async fn authorize(&self, client_id: &str, scope: &str) -> String {
        let params = self.authorize_params(client_id, scope);
        let page = self
            .http
            .get(self.url("/authorize"))
            .query(&params)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("api_token"));

        let location = self.consent(params).await;
        let query = redirect_query(&location);
        assert_eq!(query_value(&query, "state"), Some("xyz".into()));
        query_value(&query, "code").expect("a code in the redirect")
    }

    /// Submits the consent form with a Make.com credential; returns the
    /// redirect location.
    pub async fn consent(&self, mut params: Vec<(String, String)>) -> String {
        params.push(("zone".into(), "eu1".into()));
        params.push(("api_token".into(), "make-api-token-123".into()));
        params.push(("decision".into(), "approve".into()));
        let response = self
            .http
            .post(self.url("/authorize"))
            .form(&params)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        location(&response)
    }

    /// POSTs a form to the token endpoint.
    pub async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url("/token"))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "token responses are never cached"
        );
        (status, response.json().await.unwrap())
    }

    /// Exchanges a code with the right verifier.
    pub async fn exchange(&self, client_id: &str, code: &str) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", client_id),
            ("code_verifier", VERIFIER),
        ])
        .await
    }

    /// Registers, authorizes and exchanges: a fresh token pair.
    pub async fn login(&self, scope: &str) -> (String, Tokens) {
        let client_id = self.register().await;
        let code = self.authorize(&client_id, scope).await;
        let (status, body) = self.exchange(&client_id, &code).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (client_id, tokens(&body))
    }

    /// Refreshes a token.
    pub async fn refresh(&self, client_id: &str, refresh: &str) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", client_id),
        ])
        .await
    }

    /// `GET /mcp/whoami` with a bearer token.
    pub async fn whoami(&self, access: &str) -> reqwest::Response {
        self.http
            .get(self.url("/mcp/whoami"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
    }

    /// Asserts an access token still works.
    pub async fn assert_valid(&self, access: &str) {
        let response = self.whoami(access).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "a valid session was lost"
        );
    }

    /// Asserts an access token no longer works.
    pub async fn assert_revoked(&self, access: &str) {
        let response = self.whoami(access).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

async fn launch(redis: &RedisInstance, keys: Arc<KeyRing>, settings: &Settings) -> RunningServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    RunningServer::start(listener, redis.url(), keys, settings)
        .await
        .expect("server starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn tokens(body: &Value) -> Tokens {
    Tokens {
        access: body["access_token"].as_str().unwrap().to_string(),
        refresh: body["refresh_token"].as_str().unwrap().to_string(),
        scope: body["scope"].as_str().unwrap().to_string(),
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

/// The query pairs of a redirect to [`REDIRECT_URI`].
pub fn redirect_query(location: &str) -> Vec<(String, String)> {
    let url = Url::parse(location).unwrap();
    assert!(location.starts_with(REDIRECT_URI), "{location}");
    url.query_pairs().into_owned().collect()
}

pub fn query_value(query: &[(String, String)], name: &str) -> Option<String> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// Replaces one parameter of an authorization request.
pub fn with_param(
    params: &[(String, String)],
    name: &str,
    value: Option<&str>,
) -> Vec<(String, String)> {
    let mut params: Vec<_> = params.iter().filter(|(k, _)| k != name).cloned().collect();
    if let Some(value) = value {
        params.push((name.to_string(), value.to_string()));
    }
    params
}
