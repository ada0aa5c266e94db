//! The HTTP stack's limits: malformed and oversized bodies and headers,
//! and the per-IP rate limit.

mod common;

use common::Harness;
use mcp_perf::config::Settings;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn malformed_token_requests_are_invalid_request() {
    let h = Harness::start().await;
    let (_, bystander) = h.login("scenarios:read").await;

    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "application/json",
            br#"{"grant_type":"refresh_token"}"#.to_vec(),
            "invalid_request",
        ),
        (
            "application/x-www-form-urlencoded",
            b"grant_type=a&grant_type=b".to_vec(),
            "invalid_request",
        ),
        (
            "application/x-www-form-urlencoded",
            vec![b'a', b'=', 0xff, 0xfe],
            "invalid_request",
        ),
        (
            "application/x-www-form-urlencoded",
            b"client_id=x".to_vec(),
            "invalid_request",
        ),
        (
            "application/x-www-form-urlencoded",
            b"grant_type=password".to_vec(),
            "unsupported_grant_type",
        ),
    ];
    for (content_type, body, error) in cases {
        let response = h
            .http
            .post(h.url("/token"))
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
        let json: Value = response.json().await.unwrap();
        assert_eq!(json["error"], error, "{body:?}");
    }

    let response = h
        .http
        .post(h.url("/register"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    h.assert_valid(&bystander.access).await;
}

#[tokio::test]
async fn oversized_body_is_413_and_oversized_headers_are_431() {
    let h = Harness::start().await;
    let (_, bystander) = h.login("scenarios:read").await;

    let response = h
        .http
        .post(h.url("/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let response = h
        .http
        .get(h.url("/healthz"))
        .header("x-padding", "a".repeat(20 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );

    let response = h
        .http
        .get(h.url("/healthz"))
        .header("x-padding", "a".repeat(8 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "headers under the limit pass"
    );
    h.assert_valid(&bystander.access).await;
}

#[tokio::test]
async fn rate_limit_answers_429_with_standard_headers() {
    let mut settings = Settings::default();
    settings.server.rate_limit_per_minute = 5;
    let h = Harness::start_with(settings).await;

    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = h.http.get(h.url("/healthz")).send().await.unwrap();
        statuses.push(response.status());
        assert!(response.headers().get("x-ratelimit-remaining").is_none());
    }
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );

    let response = h.http.get(h.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let headers = response.headers();
    let retry_after: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1);
    assert_eq!(headers["ratelimit-policy"], "\"per-ip\";q=5;w=60");
    let state = headers["ratelimit"].to_str().unwrap();
    assert!(state.starts_with("\"per-ip\";r=0;t="), "{state}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let h = Harness::start().await;

    let response = h
        .http
        .get(h.url("/.well-known/oauth-authorization-server"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn browser_clients_may_call_from_another_origin() {
    let h = Harness::start().await;

    let preflight = h
        .http
        .request(reqwest::Method::OPTIONS, h.url("/token"))
        .header("origin", "http://localhost:6274")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");

    let unauthorized = h
        .http
        .get(h.url("/mcp/whoami"))
        .header("origin", "http://localhost:6274")
        .send()
        .await
        .unwrap();
    let exposed = unauthorized.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("www-authenticate"), "{exposed}");
}
