//! Every bad input of the authorization and token endpoints and of the
//! bearer check gets its status and error body, and a bystander's valid
//! session survives all of them.

mod common;

use std::time::Duration;

use common::{Harness, REDIRECT_URI, VERIFIER, query_value, redirect_query, with_param};
use mcp_perf::config::Settings;
use reqwest::StatusCode;
use serde_json::Value;

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn missing_verifier_is_invalid_request_and_keeps_the_code() {
    let h = Harness::start().await;
    let (_, bystander) = h.login("scenarios:read").await;
    let client_id = h.register().await;
    let code = h.authorize(&client_id, "scenarios:read").await;

    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", &client_id),
        ])
        .await;
    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );

    let (status, _) = h.exchange(&client_id, &code).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a malformed request must not burn the code"
    );
    h.assert_valid(&bystander.access).await;
}

#[tokio::test]
async fn wrong_verifier_is_invalid_grant() {
    let h = Harness::start().await;
    let (_, bystander) = h.login("scenarios:read").await;
    let client_id = h.register().await;
    let code = h.authorize(&client_id, "scenarios:read").await;
    let wrong = format!("{}x", &VERIFIER[..42]);

    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", &client_id),
            ("code_verifier", &wrong),
        ])
        .await;

    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("verifier")
    );
    h.assert_valid(&bystander.access).await;
}

#[tokio::test]
async fn plain_and_missing_challenges_redirect_with_invalid_request() {
    let h = Harness::start().await;
    let client_id = h.register().await;
    let params = h.authorize_params(&client_id, "scenarios:read");

    for bad in [
        with_param(&params, "code_challenge_method", Some("plain")),
        with_param(&params, "code_challenge_method", None),
        with_param(&params, "code_challenge", None),
    ] {
        let response = h
            .http
            .get(h.url("/authorize"))
            .query(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let query = redirect_query(&common::location(&response));
        assert_eq!(
            query_value(&query, "error").as_deref(),
            Some("invalid_request")
        );
        assert_eq!(query_value(&query, "state").as_deref(), Some("xyz"));
        assert_eq!(query_value(&query, "iss").as_deref(), Some(h.server.url()));
    }
}

#[tokio::test]
async fn other_authorize_errors_redirect_with_their_codes() {
    let h = Harness::start().await;
    let client_id = h.register().await;
    let params = h.authorize_params(&client_id, "scenarios:read");

    for (bad, error) in [
        (
            with_param(&params, "response_type", Some("token")),
            "unsupported_response_type",
        ),
        (with_param(&params, "scope", Some("admin")), "invalid_scope"),
        (
            with_param(&params, "resource", Some("https://elsewhere.example/mcp")),
            "invalid_target",
        ),
    ] {
        let response = h
            .http
            .get(h.url("/authorize"))
            .query(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let query = redirect_query(&common::location(&response));
        assert_eq!(query_value(&query, "error").as_deref(), Some(error));
    }

    let mut denied = params.clone();
    denied.push(("decision".into(), "deny".into()));
    let response = h
        .http
        .post(h.url("/authorize"))
        .form(&denied)
        .send()
        .await
        .unwrap();
    let query = redirect_query(&common::location(&response));
    assert_eq!(
        query_value(&query, "error").as_deref(),
        Some("access_denied")
    );
}

#[tokio::test]
async fn unknown_client_and_redirect_mismatch_show_a_page_not_a_redirect() {
    let h = Harness::start().await;
    let client_id = h.register().await;
    let params = h.authorize_params(&client_id, "scenarios:read");

    for bad in [
        with_param(&params, "client_id", Some("nobody")),
        with_param(&params, "client_id", None),
        with_param(&params, "redirect_uri", Some("https://attacker.example/cb")),
        with_param(
            &params,
            "redirect_uri",
            Some("http://127.0.0.1:9/callback/"),
        ),
        with_param(&params, "redirect_uri", None),
    ] {
        let response = h
            .http
            .get(h.url("/authorize"))
            .query(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.headers().get("location").is_none());
        let page = response.text().await.unwrap();
        assert!(page.contains("Authorization error"), "{page}");
    }

    let response = h
        .http
        .get(h.url("/authorize"))
        .query(&[("client_id", "a"), ("client_id", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn token_endpoint_checks_client_and_redirect_binding() {
    let h = Harness::start().await;
    let (_, bystander) = h.login("scenarios:read").await;
    let client_id = h.register().await;
    let other_client = h.register().await;

    let (status, body) = h.exchange("nobody", "whatever").await;
    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );

    let code = h.authorize(&client_id, "scenarios:read").await;
    let (status, body) = h.exchange(&other_client, &code).await;
    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );

    let code = h.authorize(&client_id, "scenarios:read").await;
    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/other"),
            ("client_id", &client_id),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );

    let (status, body) = h.exchange(&client_id, "not-a-code").await;
    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    h.assert_valid(&bystander.access).await;
}

#[tokio::test]
async fn expired_code_is_invalid_grant() {
    let mut settings = Settings::default();
    settings.oauth.code_ttl = Duration::from_secs(1);
    let h = Harness::start_with(settings).await;
    let client_id = h.register().await;
    let code = h.authorize(&client_id, "scenarios:read").await;

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = h.exchange(&client_id, &code).await;

    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
}

#[tokio::test]
async fn reused_code_revokes_the_tokens_issued_from_it() {
    let h = Harness::start().await;
    let (_, bystander) = h.login("scenarios:read").await;
    let client_id = h.register().await;
    let code = h.authorize(&client_id, "scenarios:read").await;
    let (status, body) = h.exchange(&client_id, &code).await;
    assert_eq!(status, StatusCode::OK);
    let first = common::tokens(&body);

    let (status, body) = h.exchange(&client_id, &code).await;

    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    h.assert_revoked(&first.access).await;
    let (status, _) = h.refresh(&client_id, &first.refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    h.assert_valid(&bystander.access).await;
}

#[tokio::test]
async fn wrong_audience_is_401_and_missing_scope_is_403() {
    let h = Harness::start().await;
    let (_, tokens) = h.login("scenarios:read").await;
    let (_, narrow) = h.login("teams:read").await;

    let mut elsewhere = Settings::default();
    elsewhere.server.public_url = Some("http://other.example".into());
    let other = h.sibling(&elsewhere).await;
    let response = h
        .http
        .get(format!("http://{}/mcp/whoami", other.addr()))
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(
        challenge.contains(
            "resource_metadata=\"http://other.example/.well-known/oauth-protected-resource\""
        ),
        "{challenge}"
    );

    let response = h.whoami(&narrow.access).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"scenarios:read\""),
        "{challenge}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_of(&body), "insufficient_scope");

    h.assert_valid(&tokens.access).await;
}

#[tokio::test]
async fn missing_and_unknown_tokens_get_a_401_challenge() {
    let h = Harness::start().await;
    let metadata = h.url("/.well-known/oauth-protected-resource");

    let response = h.http.get(h.url("/mcp/whoami")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        format!("Bearer resource_metadata=\"{metadata}\"").as_str()
    );

    for token in ["unknown-token", "bad token!"] {
        let response = h.whoami(token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token}");
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert!(challenge.contains("invalid_token"), "{challenge}");
    }
}
