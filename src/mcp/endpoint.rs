//! `/mcp`: rmcp's Streamable HTTP service over [`MakeTools`], stateful
//! (bounded sessions) or stateless, as an axum router to mount behind the
//! bearer check.
//!
//! An MCP session id is not bound to the OAuth user who opened it: another
//! valid token may send requests on it. That exposes nothing, since every
//! call runs with the credential of the token that carried it
//! ([`super::caller`]), but binding the two would stop a stolen session id
//! from being used to close someone else's session; it needs the session's
//! owner recorded at `initialize` and checked in a layer before rmcp.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use super::sessions::{BoundedSessionManager, SessionLimits};
use super::settings::McpSettings;
use super::tools::MakeTools;

/// The path the MCP endpoint is mounted at; the OAuth protected resource.
pub const MCP_PATH: &str = "/mcp";

/// The header naming an MCP session.
const SESSION_HEADER: &str = "mcp-session-id";

/// The MCP endpoint, ready to merge into the protected routes.
pub struct McpEndpoint {
    router: Router,
    sessions: Option<Arc<BoundedSessionManager>>,
    cancel: Box<dyn Fn() + Send + Sync>,
}

impl McpEndpoint {
    /// Builds the endpoint. `allowed_hosts` are the `Host` values accepted
    /// besides loopback (rmcp refuses others against DNS rebinding); pass
    /// the public host when serving beyond this machine.
    pub fn new(tools: MakeTools, settings: &McpSettings, allowed_hosts: &[String]) -> Self {
        let mut config = StreamableHttpServerConfig::default();
        config.allowed_hosts.extend(allowed_hosts.iter().cloned());
        let token = config.cancellation_token.clone();
        let cancel = Box::new(move || token.cancel());

        if !settings.stateful {
            let config = config
                .with_legacy_session_mode(false)
                .with_json_response(settings.json_response);
            let service = StreamableHttpService::new(
                move || Ok(tools.clone()),
                Arc::new(NeverSessionManager::default()),
                config,
            );
            let router = Router::new().nest_service(MCP_PATH, service);
            return Self {
                router,
                sessions: None,
                cancel,
            };
        }

        let sessions = BoundedSessionManager::start(SessionLimits {
            max_sessions: settings.max_sessions,
            idle_timeout: settings.session_idle_timeout,
        });
        let service =
            StreamableHttpService::new(move || Ok(tools.clone()), Arc::clone(&sessions), config);
        let router = Router::new()
            .nest_service(MCP_PATH, service)
            .layer(from_fn_with_state(Arc::clone(&sessions), refuse_when_full));
        Self {
            router,
            sessions: Some(sessions),
            cancel,
        }
    }

    /// Ends every MCP session and open SSE stream, so a graceful shutdown
    /// does not wait for clients that hold a stream open.
    pub fn shutdown(&self) {
        (self.cancel)();
    }

    /// The MCP sessions, when stateful: their count and limits.
    pub fn sessions(&self) -> Option<&Arc<BoundedSessionManager>> {
        self.sessions.as_ref()
    }

    /// The routes, to merge under the bearer check.
    pub fn router(&self) -> Router {
        self.router.clone()
    }
}

/// Answers a new session's `initialize` with 503 while the cap is reached;
/// rmcp itself would turn the refusal into a bare 500.
async fn refuse_when_full(
    State(sessions): State<Arc<BoundedSessionManager>>,
    request: Request,
    next: Next,
) -> Response {
    let opens_session =
        request.method() == Method::POST && !request.headers().contains_key(SESSION_HEADER);
    if !opens_session || !sessions.is_full() {
        return next.run(request).await;
    }

    tracing::warn!(
        max_sessions = sessions.limits().max_sessions,
        "mcp session refused: the cap is reached"
    );
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        "too many mcp sessions are open; retry later",
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}
