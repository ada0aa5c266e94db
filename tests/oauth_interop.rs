//! A third-party OAuth client, the `oauth2` crate, completes the
//! authorization code grant with PKCE and a refresh against the server.

mod common;

use common::{Harness, REDIRECT_URI, query_value, redirect_query};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope,
    TokenResponse, TokenUrl,
};
use reqwest::StatusCode;

#[tokio::test]
async fn oauth2_crate_completes_code_with_pkce_and_refresh() {
    let h = Harness::start().await;
    let client_id = h.register().await;
    let client = BasicClient::new(ClientId::new(client_id.clone()))
        .set_auth_uri(AuthUrl::new(h.url("/authorize")).unwrap())
        .set_token_uri(TokenUrl::new(h.url("/token")).unwrap())
        .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap());
    let http = oauth2::reqwest::ClientBuilder::new()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("scenarios:read".into()))
        .add_extra_param("resource", h.url("/mcp"))
        .set_pkce_challenge(challenge)
        .url();

    let page = h.http.get(auth_url.as_str()).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let params: Vec<(String, String)> = auth_url.query_pairs().into_owned().collect();
    let query = redirect_query(&h.consent(params).await);
    assert_eq!(
        query_value(&query, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = query_value(&query, "code").unwrap();

    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .add_extra_param("resource", h.url("/mcp"))
        .request_async(&http)
        .await
        .expect("code exchange");
    h.assert_valid(token.access_token().secret()).await;
    assert_eq!(
        token.scopes().map(|s| s[0].to_string()),
        Some("scenarios:read".to_string())
    );

    let refreshed = client
        .exchange_refresh_token(token.refresh_token().unwrap())
        .request_async(&http)
        .await
        .expect("refresh");
    assert_ne!(
        refreshed.refresh_token().unwrap().secret(),
        token.refresh_token().unwrap().secret()
    );
    h.assert_valid(refreshed.access_token().secret()).await;
}
