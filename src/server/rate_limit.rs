//! Per-client-IP rate limiting: tower_governor counts, this module speaks
//! the IETF RateLimit header fields.
//!
//! tower_governor answers 429 with `Retry-After`, but names its state in
//! `x-ratelimit-*` headers. [`standard_headers`] rewrites them into
//! `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers,
//! structured field form) so clients need not know the crate.
//!
//! The key is the peer address: behind a reverse proxy every client shares
//! the proxy's IP. Such deployments need a key from `Forwarded`, trusted
//! only when it comes from the proxy (tower_governor's `SmartIpKeyExtractor`
//! trusts any sender, so it is not used).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use governor::middleware::StateInformationMiddleware;
use tower_governor::GovernorError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::PeerIpKeyExtractor;

/// The limiter's configuration, shared by every route.
pub type LimiterConfig = GovernorConfig<PeerIpKeyExtractor, StateInformationMiddleware>;

/// How often idle client entries are dropped from the limiter.
const FORGET_EVERY: Duration = Duration::from_secs(60);

/// The quota as the headers state it.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    /// Requests per window.
    pub limit: u32,
    /// The window.
    pub window: Duration,
}

/// A GCRA limiter of `per_minute` requests per minute per IP, bursting to
/// the whole minute's quota.
pub fn limiter(per_minute: u32) -> (Arc<LimiterConfig>, Quota) {
    let per_minute = per_minute.max(1);
    let period = Duration::from_nanos(60_000_000_000 / u64::from(per_minute));
    let config = GovernorConfigBuilder::default()
        .period(period.max(Duration::from_nanos(1)))
        .burst_size(per_minute)
        .use_headers()
        .finish()
        .expect("a non-zero period and burst form a valid quota");

    let config = Arc::new(config);
    forget_idle_clients(&config);
    let quota = Quota {
        limit: per_minute,
        window: Duration::from_secs(60),
    };
    (config, quota)
}

/// Drops the state of clients that have been quiet long enough to be back
/// at a full quota, so the map does not grow with every IP ever seen. The
/// task ends with the limiter.
fn forget_idle_clients(config: &Arc<LimiterConfig>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let config = Arc::downgrade(config);
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(FORGET_EVERY).await;
            let Some(config) = config.upgrade() else {
                break;
            };
            config.limiter().retain_recent();
            config.limiter().shrink_to_fit();
        }
    });
}

/// The 429 body: JSON like every other error of this server.
pub fn too_many_requests(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, headers } => {
            let body = axum::Json(serde_json::json!({
                "error": "rate_limited",
                "error_description": format!("too many requests; retry after {wait_time} s"),
            }));
            let mut response = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
            if let Some(headers) = headers {
                response.headers_mut().extend(headers);
            }
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait_time.max(1)));
            response
        }
        other => other.into(),
    }
}

/// Response middleware: `x-ratelimit-*` in, `RateLimit` and
/// `RateLimit-Policy` out.
pub async fn standard_headers(
    State(quota): State<Quota>,
    mut response: Response<Body>,
) -> Response<Body> {
    let headers = response.headers_mut();
    let remaining = take_number(headers, "x-ratelimit-remaining");
    let after = take_number(headers, "x-ratelimit-after");
    headers.remove("x-ratelimit-limit");
    headers.remove("x-ratelimit-whitelisted");

    let window = quota.window.as_secs();
    let remaining = remaining.unwrap_or(0).min(u64::from(quota.limit));
    let reset = match after {
        Some(after) => after.max(1),
        None => (u64::from(quota.limit) - remaining) * window / u64::from(quota.limit),
    };

    let policy = format!("\"per-ip\";q={};w={window}", quota.limit);
    let state = format!("\"per-ip\";r={remaining};t={reset}");
    for (name, value) in [("ratelimit-policy", policy), ("ratelimit", state)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

fn take_number(headers: &mut HeaderMap, name: &str) -> Option<u64> {
    headers
        .remove(name)
        .and_then(|value| value.to_str().ok()?.parse().ok())
}
