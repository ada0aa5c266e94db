//! The caller of a tool: the OAuth session the bearer middleware found for
//! the HTTP request that carried the call.
//!
//! rmcp hands each request's HTTP head ([`Parts`]) to the handler in the
//! request context; the bearer middleware put the session in its
//! extensions. Reading it per call, not per MCP session, means a call is
//! always made with the credential of the token that came with it, even if
//! the token was refreshed during the MCP session.

use std::sync::Arc;

use axum::http::request::Parts;
use rmcp::ErrorData;
use rmcp::handler::server::common::{AsRequestContext, FromContextPart};

use crate::oauth::Authenticated;
use crate::session::Session;

/// The session of the request that carried a tool call.
#[derive(Debug, Clone)]
pub struct Caller(pub Arc<Session>);

impl<C: AsRequestContext> FromContextPart<C> for Caller {
    fn from_context_part(context: &mut C) -> Result<Self, ErrorData> {
        let session = context
            .as_request_context()
            .extensions
            .get::<Parts>()
            .and_then(|parts| parts.extensions.get::<Authenticated>())
            .map(|Authenticated(session)| Arc::clone(session));

        match session {
            Some(session) => Ok(Self(session)),
            None => {
                tracing::error!("a tool was called on a route without the bearer check");
                Err(ErrorData::internal_error(
                    "no authenticated session for this request",
                    None,
                ))
            }
        }
    }
}
