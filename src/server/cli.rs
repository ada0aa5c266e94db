//! `mcp-perf serve`: the server standalone.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;

use super::assemble::assemble;
use super::listener::serve;
use super::signal::shutdown_signal;
use crate::config::Settings;
use crate::crypto::KeyRing;
use crate::harness::make_mock::{MOCK_API_TOKEN, MakeMock, MakeMockConfig};
use crate::harness::redis::RedisInstance;
use crate::oauth::AuthorizationServer;
use crate::session::RedisSessionStore;

/// Arguments of `mcp-perf serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Redis to use as is. Without it, Redis is found or started the way
    /// the test harness does (MCP_PERF_REDIS_URL, Docker, redis-server).
    #[arg(long)]
    pub redis_url: Option<String>,
    /// A TOML settings file.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Send every zone's Make.com calls to this API base URL
    /// (e.g. `http://127.0.0.1:9000/api/v2`) instead of the zone's host.
    #[arg(long, conflicts_with = "make_mock")]
    pub make_base_url: Option<String>,
    /// Start a mock Make.com in-process (fixture data, no network) and send
    /// every call there; it accepts the API token `mock-api-token-0123456789`.
    #[arg(long)]
    pub make_mock: bool,
    /// Serve MCP without sessions: each POST stands alone.
    #[arg(long)]
    pub mcp_stateless: bool,
}

/// Runs the server until SIGINT or SIGTERM. The first line on stdout is
/// the address it listens on; everything else goes to stderr.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .try_init();

    tokio::runtime::Runtime::new()
        .context("serve: could not start the tokio runtime")?
        .block_on(run_async(args))
}

async fn run_async(args: ServeArgs) -> anyhow::Result<()> {
    let mut settings = Settings::load(args.config.as_deref()).context("serve: settings")?;
    let keys = Arc::new(key_ring(&settings)?);
    if args.mcp_stateless {
        settings.mcp.stateful = false;
    }
    if let Some(url) = &args.make_base_url {
        settings.make.base_url = Some(url.clone());
    }
    // Keep the mock alive as long as the server runs.
    let _make_mock = match args.make_mock {
        true => Some(start_make_mock(&mut settings).await?),
        false => None,
    };

    // Keep a harness Redis alive as long as the server runs.
    let (_redis, redis_url) = match args.redis_url {
        Some(url) => (None, url),
        None => {
            let redis = RedisInstance::start().await.context("serve: no redis")?;
            let url = redis.url().to_string();
            (Some(redis), url)
        }
    };

    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("serve: could not listen on {}", args.addr))?;
    let addr = listener.local_addr().context("serve: listener address")?;
    let public_url = settings
        .server
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));

    let sessions = RedisSessionStore::connect(&redis_url, keys.clone(), &settings.store)
        .await
        .context("serve: session store")?;
    let oauth = AuthorizationServer::new(
        sessions,
        keys,
        &settings.store.key_prefix,
        settings.oauth.clone(),
        &public_url,
    );

    let assembled = assemble(oauth, &settings, &public_url).context("serve: make.com client")?;

    println!("{addr}");
    tracing::info!(%addr, issuer = %public_url, mcp = %format!("{public_url}/mcp"), "listening");
    let mcp = assembled.mcp;
    let signal = async {
        shutdown_signal().await;
        mcp.shutdown();
    };
    serve(listener, assembled.router, &settings.server, signal).await;
    tracing::info!("stopped");
    Ok(())
}

/// Starts the wiremock Make.com and points the settings at it.
async fn start_make_mock(settings: &mut Settings) -> anyhow::Result<MakeMock> {
    let mock = MakeMock::start_with(MakeMockConfig::for_load())
        .await
        .context("serve: could not start the make.com mock")?;
    let base_url = mock.base_url().to_string();

    tracing::info!(
        %base_url,
        api_token = MOCK_API_TOKEN,
        "make.com mock started; give this api token on the consent page"
    );
    settings.make.base_url = Some(base_url);
    Ok(mock)
}

/// The configured key ring, or a random one that lives as long as the
/// process (tokens then die with it), with a warning saying so.
fn key_ring(settings: &Settings) -> anyhow::Result<KeyRing> {
    if settings.keys.master_keys.is_empty() {
        tracing::warn!(
            "no master key configured (MCP_PERF_SESSION_KEYS): using a random one; \
             tokens will not survive a restart"
        );
        return Ok(KeyRing::ephemeral());
    }
    settings.keys.key_ring().context("serve: key ring")
}
