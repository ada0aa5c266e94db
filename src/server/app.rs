//! The router and its middleware stack.
//!
//! Outermost first: tracing (with the route template, never the URI, whose
//! query may carry a code or state), CORS, response compression, the body limit
//! (413), the RateLimit headers, the per-IP rate limit (429), and the
//! request timeout (408).
//! Limits on the request head (size, read timeout) and idle keep-alive live
//! in the connection code, [`super::listener`], because hyper enforces them
//! before a request exists.

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{HeaderName, Method, Request, StatusCode, header};
use axum::middleware::{from_fn_with_state, map_response_with_state};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_governor::GovernorLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::rate_limit::{limiter, standard_headers, too_many_requests};
use super::settings::ServerSettings;
use super::whoami::whoami;
use crate::oauth::{AuthorizationServer, BearerPolicy, check_bearer, routes};

/// The scope every `/mcp` request needs.
pub const MCP_SCOPE: &str = "scenarios:read";

/// The whole application: OAuth endpoints, `/healthz`, and the protected
/// `/mcp` routes (`mcp`, the MCP endpoint, and `/mcp/whoami`), behind the
/// middleware stack.
pub fn app(server: AuthorizationServer, settings: &ServerSettings, mcp: Router) -> Router {
    let protected = Router::new()
        .route("/mcp/whoami", get(whoami))
        .merge(mcp)
        .route_layer(from_fn_with_state(
            BearerPolicy::new(server.clone(), &[MCP_SCOPE]),
            check_bearer,
        ));

    let routes = Router::new()
        .route("/healthz", get(healthz))
        .merge(routes(server))
        .merge(protected);
    with_middleware(routes, settings)
}

/// Wraps routes in the stack described in the module docs.
pub fn with_middleware(routes: Router, settings: &ServerSettings) -> Router {
    let (limits, quota) = limiter(settings.rate_limit_per_minute);
    let governor = GovernorLayer::new(limits).error_handler(too_many_requests);
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span)
        .on_response(DefaultOnResponse::new().level(Level::DEBUG));

    routes.layer(
        ServiceBuilder::new()
            .layer(trace)
            .layer(cors())
            .layer(CompressionLayer::new())
            .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
            .layer(DefaultBodyLimit::disable())
            .layer(map_response_with_state(quota, standard_headers))
            .layer(governor)
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                settings.request_timeout,
            )),
    )
}

/// Browser-based MCP clients (the MCP Inspector, web apps) call discovery,
/// registration, the token endpoint and `/mcp` from another origin. Any
/// origin may, without cookies: every credential here travels in a header
/// or a form field the caller must already hold, so CORS protects nothing
/// and only gets in the way. `WWW-Authenticate` is exposed so a browser
/// client can find the resource metadata after a 401.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("mcp-protocol-version"),
            HeaderName::from_static("mcp-session-id"),
        ])
        .expose_headers([
            header::WWW_AUTHENTICATE,
            header::RETRY_AFTER,
            HeaderName::from_static("mcp-session-id"),
        ])
}

/// One span per request: method and route template, nothing secret.
fn request_span(request: &Request<Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!("request", method = %request.method(), route)
}

/// `GET /healthz`: the process answers; Redis is not consulted, so this is
/// the floor the benchmarks compare every endpoint with.
async fn healthz() -> &'static str {
    "ok"
}
