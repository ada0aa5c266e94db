//! Refresh token rotation: replay revokes the family, concurrent refreshes
//! within the grace window share one new pair.

mod common;

use std::time::Duration;

use common::Harness;
use mcp_perf::config::Settings;
use reqwest::StatusCode;

fn short_grace() -> Settings {
    let mut settings = Settings::default();
    settings.oauth.refresh_grace = Duration::from_secs(1);
    settings
}

#[tokio::test]
async fn every_refresh_rotates_the_refresh_token() {
    let h = Harness::start().await;
    let (client_id, mut tokens) = h.login("scenarios:read").await;

    for _ in 0..3 {
        let (status, body) = h.refresh(&client_id, &tokens.refresh).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let next = common::tokens(&body);
        assert_ne!(next.refresh, tokens.refresh);
        assert_ne!(next.access, tokens.access);
        h.assert_valid(&next.access).await;
        tokens = next;
    }
}

#[tokio::test]
async fn replayed_refresh_token_revokes_the_family() {
    let h = Harness::start_with(short_grace()).await;
    let (_, bystander) = h.login("scenarios:read").await;
    let (client_id, first) = h.login("scenarios:read").await;
    let (_, body) = h.refresh(&client_id, &first.refresh).await;
    let second = common::tokens(&body);

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = h.refresh(&client_id, &first.refresh).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    h.assert_revoked(&second.access).await;
    h.assert_revoked(&first.access).await;
    let (status, _) = h.refresh(&client_id, &second.refresh).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the whole family is revoked"
    );
    h.assert_valid(&bystander.access).await;
}

#[tokio::test]
async fn concurrent_refreshes_within_the_grace_window_share_one_pair() {
    let h = Harness::start().await;
    let (client_id, tokens) = h.login("scenarios:read").await;

    let attempts = (0..8).map(|_| h.refresh(&client_id, &tokens.refresh));
    let results = futures::future::join_all(attempts).await;

    let pairs: Vec<_> = results
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::OK, "{body}");
            common::tokens(body)
        })
        .collect();
    for pair in &pairs {
        assert_eq!(pair.refresh, pairs[0].refresh);
        assert_eq!(pair.access, pairs[0].access);
    }
    h.assert_valid(&pairs[0].access).await;
    let (status, body) = h.refresh(&client_id, &pairs[0].refresh).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "no false alarm revoked the family: {body}"
    );
}

#[tokio::test]
async fn a_refresh_cannot_widen_scopes_or_cross_clients() {
    let h = Harness::start().await;
    let (client_id, tokens) = h.login("scenarios:read").await;
    let other = h.register().await;

    let (status, body) = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &tokens.refresh),
            ("client_id", &client_id),
            ("scope", "scenarios:read scenarios:write"),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );

    let (status, body) = h.refresh(&other, &tokens.refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    let (status, _) = h.refresh(&client_id, &tokens.refresh).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "refused attempts leave the family intact"
    );
}
