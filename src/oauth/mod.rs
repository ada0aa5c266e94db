//! The OAuth 2.1 authorization server and the resource server's bearer
//! check, for public clients with PKCE (the MCP authorization profile).
//!
//! The flow: `GET /authorize` checks the request and shows a consent page
//! where the user gives a Make.com zone and API token; `POST /authorize`
//! seals them into a single-use code; `POST /token` redeems the code into
//! an access token (a [`crate::session::Session`]) and a refresh token (a
//! member of a rotating family); [`bearer::check_bearer`] turns a bearer
//! token back into its session on every protected request.
//!
//! Parts:
//! - [`AuthorizationServer`]: shared state and the flows without HTTP.
//! - [`pkce`], [`opaque`], [`params`], [`error`]: the small pieces.
//! - [`client`], [`code`], [`family`], [`grant_store`]: what lives in Redis.
//! - [`authorize`], [`token_endpoint`], [`register`], [`metadata`],
//!   [`consent_page`], [`routes`]: HTTP.

pub mod authorization_server;
pub mod authorize;
pub mod authorize_request;
pub mod bearer;
pub mod client;
pub mod code;
pub mod consent_page;
pub mod error;
pub mod family;
pub mod grant_store;
pub mod grants;
pub mod metadata;
pub mod opaque;
pub mod params;
pub mod pkce;
pub mod register;
pub mod routes;
pub mod settings;
pub mod token_endpoint;

pub use authorization_server::AuthorizationServer;
pub use bearer::{Authenticated, BearerError, BearerPolicy, check_bearer};
pub use client::Client;
pub use error::{ErrorCode, OAuthError};
pub use grants::TokenResponse;
pub use opaque::OpaqueToken;
pub use params::Params;
pub use pkce::{CodeChallenge, PkceError};
pub use routes::routes;
pub use settings::{ClientSettings, OAuthSettings};
