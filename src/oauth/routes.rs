//! The OAuth endpoints as one router.

use axum::Router;
use axum::routing::{get, post};

use super::authorization_server::AuthorizationServer;
use super::{authorize, metadata, register, token_endpoint};

/// Discovery, registration, authorization, token and revocation endpoints.
pub fn routes(server: AuthorizationServer) -> Router {
    Router::new()
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::authorization_server),
        )
        .route(
            "/.well-known/oauth-protected-resource",
            get(metadata::protected_resource),
        )
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            get(metadata::protected_resource),
        )
        .route("/register", post(register::register))
        .route(
            "/authorize",
            get(authorize::show_consent).post(authorize::submit_consent),
        )
        .route("/token", post(token_endpoint::token))
        .route("/revoke", post(token_endpoint::revoke))
        .with_state(server)
}
