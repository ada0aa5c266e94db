//! The application from its settings: the authorization server's routes,
//! the Make.com client and the MCP endpoint over it. What `serve`, tests
//! and benchmarks share, so all three run the same stack.

use axum::Router;
use url::Url;

use super::app::app;
use crate::config::Settings;
use crate::make::{MakeClient, MakeError};
use crate::mcp::{MakeTools, McpEndpoint};
use crate::oauth::AuthorizationServer;

/// The router, and the MCP endpoint inside it for its session counts.
pub struct Assembled {
    /// The whole application with its middleware.
    pub router: Router,
    /// The MCP endpoint mounted at `/mcp`.
    pub mcp: McpEndpoint,
    /// The Make.com client the tools call.
    pub make: MakeClient,
}

/// Builds the application for `oauth`, whose issuer is `public_url`.
pub fn assemble(
    oauth: AuthorizationServer,
    settings: &Settings,
    public_url: &str,
) -> Result<Assembled, MakeError> {
    let make = MakeClient::new(settings.make.client_config()?)?;
    let tools = MakeTools::new(make.clone());

    let mcp = McpEndpoint::new(tools, &settings.mcp, &public_hosts(public_url));
    let router = app(oauth, &settings.server, mcp.router());
    Ok(Assembled { router, mcp, make })
}

/// The `Host` values the public URL implies, for rmcp's DNS rebinding
/// check (which already admits loopback).
fn public_hosts(public_url: &str) -> Vec<String> {
    let Ok(url) = Url::parse(public_url) else {
        return Vec::new();
    };
    let Some(host) = url.host_str() else {
        return Vec::new();
    };

    let mut hosts = vec![host.to_owned()];
    if let Some(port) = url.port() {
        hosts.push(format!("{host}:{port}"));
    }
    hosts
}
