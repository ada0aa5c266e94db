//! The happy paths over real sockets and real Redis: discovery,
//! registration, authorization with PKCE, token exchange, the protected
//! resource, refresh and revocation.

mod common;

use common::{Harness, VERIFIER};
use mcp_perf::oauth::CodeChallenge;
use reqwest::StatusCode;
use serde_json::Value;

#[test]
fn rfc7636_appendix_b_vector() {
    assert_eq!(
        CodeChallenge::of_verifier(VERIFIER).as_str(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[tokio::test]
async fn full_flow_from_discovery_to_revocation() {
    let h = Harness::start().await;

    let metadata: Value = h
        .http
        .get(h.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(metadata["issuer"], h.server.url());
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(metadata["token_endpoint"], h.url("/token"));

    let (client_id, tokens) = h.login("scenarios:read teams:read").await;
    assert_eq!(tokens.scope, "scenarios:read teams:read");
    assert_eq!(tokens.access.len(), 43);

    let me: Value = h.whoami(&tokens.access).await.json().await.unwrap();
    assert_eq!(me["client_id"], client_id.as_str());
    assert_eq!(me["audience"], h.url("/mcp"));
    assert_eq!(me["zone"], "eu1");
    assert!(me["user_id"].as_str().unwrap().starts_with("make-"));
    assert!(!me.to_string().contains("make-api-token-123"));

    let (status, refreshed) = h.refresh(&client_id, &tokens.refresh).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let next = common::tokens(&refreshed);
    assert_ne!(next.refresh, tokens.refresh);
    h.assert_valid(&next.access).await;

    let revoked = h
        .http
        .post(h.url("/revoke"))
        .form(&[("token", next.refresh.as_str()), ("client_id", &client_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    h.assert_revoked(&next.access).await;
    h.assert_revoked(&tokens.access).await;
    let (status, body) = h.refresh(&client_id, &next.refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn revoking_an_access_token_leaves_the_refresh_token() {
    let h = Harness::start().await;
    let (client_id, tokens) = h.login("scenarios:read").await;

    let revoked = h
        .http
        .post(h.url("/revoke"))
        .form(&[("token", tokens.access.as_str()), ("client_id", &client_id)])
        .send()
        .await
        .unwrap();

    assert_eq!(revoked.status(), StatusCode::OK);
    h.assert_revoked(&tokens.access).await;
    let (status, _) = h.refresh(&client_id, &tokens.refresh).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn metadata_is_cacheable_and_revalidates_with_304() {
    let h = Harness::start().await;

    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ] {
        let first = h.http.get(h.url(path)).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()["cache-control"], "public, max-age=300");
        let etag = first.headers()["etag"].clone();

        let again = h
            .http
            .get(h.url(path))
            .header("if-none-match", etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.headers()["etag"], etag);
        assert!(again.bytes().await.unwrap().is_empty());
    }

    let resource: Value = h
        .http
        .get(h.url("/.well-known/oauth-protected-resource"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resource["resource"], h.url("/mcp"));
    assert_eq!(resource["authorization_servers"][0], h.server.url());
}

#[tokio::test]
async fn configured_clients_need_no_registration() {
    let mut settings = mcp_perf::config::Settings::default();
    settings
        .oauth
        .clients
        .push(mcp_perf::oauth::ClientSettings {
            client_id: "configured".into(),
            redirect_uris: vec![common::REDIRECT_URI.into()],
            client_name: Some("Configured".into()),
        });
    let h = Harness::start_with(settings).await;

    let code = h.authorize("configured", "scenarios:read").await;
    let (status, body) = h.exchange("configured", &code).await;

    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn registration_refuses_insecure_redirects_and_secrets() {
    let h = Harness::start().await;

    for (metadata, error) in [
        (
            serde_json::json!({"redirect_uris": ["http://example.com/cb"]}),
            "invalid_redirect_uri",
        ),
        (
            serde_json::json!({"redirect_uris": []}),
            "invalid_redirect_uri",
        ),
        (
            serde_json::json!({"redirect_uris": ["https://a.example/cb"],
                               "token_endpoint_auth_method": "client_secret_basic"}),
            "invalid_client_metadata",
        ),
        (
            serde_json::json!({"client_name": "x"}),
            "invalid_client_metadata",
        ),
    ] {
        let response = h
            .http
            .post(h.url("/register"))
            .json(&metadata)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{metadata}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], error, "{metadata}");
    }
}

#[tokio::test]
async fn healthz_answers_without_a_token() {
    let h = Harness::start().await;

    let response = h.http.get(h.url("/healthz")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["ratelimit-policy"],
        "\"per-ip\";q=1000;w=60"
    );
    assert_eq!(response.text().await.unwrap(), "ok");
}
