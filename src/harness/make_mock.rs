//! A Make.com API v2 on a loopback port, for tests, benchmarks and
//! `mcp-perf serve --make-mock`: wiremock serves the fixtures of
//! `fixtures/make/` in Make's documented shapes, checks the `Authorization`
//! header, paginates with `pg[limit]`/`pg[offset]`, injects faults, and counts
//! arrivals per organization so a limiter test can count at the server.
//!
//! Faults below HTTP (dropped connections, slow bodies) need a TCP proxy in
//! front of wiremock, since wiremock always answers whole responses: see
//! [`fault_proxy`]. Use [`MakeMock::proxied_base_url`] to go through it.

pub mod arrivals;
pub mod fault_proxy;
pub mod faults;
pub mod fixtures;
mod responder;

use std::io;
use std::sync::Arc;

use url::Url;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::make::{MakeCredential, Zone};

pub use arrivals::{Arrival, ArrivalLog};
pub use fault_proxy::{FaultProxy, SlowBody};
pub use faults::{Faults, Latency};
pub use fixtures::Fixtures;
pub use responder::AcceptedTokens;

use responder::MakeResponder;

/// The API token the mock accepts by default.
pub const MOCK_API_TOKEN: &str = "mock-api-token-0123456789";
/// The OAuth access token the mock accepts by default.
pub const MOCK_OAUTH_TOKEN: &str = "mock-oauth-token-0123456789";

/// How to start the mock.
#[derive(Clone, Debug)]
pub struct MakeMockConfig {
    /// The tokens the mock accepts.
    pub tokens: AcceptedTokens,
    /// Keep every request for inspection (wiremock's recording); off by
    /// default because it grows without bound under load.
    pub record_requests: bool,
    /// Log arrival times per organization for limiter tests; off for load.
    pub count_arrivals: bool,
    /// Start the TCP fault proxy in front.
    pub fault_proxy: bool,
}

impl Default for MakeMockConfig {
    fn default() -> Self {
        Self {
            tokens: AcceptedTokens {
                api_tokens: vec![MOCK_API_TOKEN.to_owned()],
                oauth_tokens: vec![MOCK_OAUTH_TOKEN.to_owned()],
            },
            record_requests: false,
            count_arrivals: true,
            fault_proxy: true,
        }
    }
}

impl MakeMockConfig {
    /// The set-up for serving load: no recording, no counting, no proxy.
    pub fn for_load() -> Self {
        Self {
            count_arrivals: false,
            fault_proxy: false,
            ..Self::default()
        }
    }
}

/// A running mock Make.com; it stops when dropped.
#[derive(Debug)]
pub struct MakeMock {
    server: MockServer,
    proxy: Option<FaultProxy>,
    faults: Arc<Faults>,
    arrivals: Arc<ArrivalLog>,
    fixtures: Arc<Fixtures>,
}

/// The path the API lives under, as on Make.com.
const API_PREFIX: [&str; 2] = ["api", "v2"];

impl MakeMock {
    /// Starts the mock with the default configuration.
    pub async fn start() -> io::Result<Self> {
        Self::start_with(MakeMockConfig::default()).await
    }

    /// Starts the mock.
    pub async fn start_with(config: MakeMockConfig) -> io::Result<Self> {
        let mut builder = MockServer::builder();
        if !config.record_requests {
            builder = builder.disable_request_recording();
        }
        let server = builder.start().await;

        let faults = Arc::new(Faults::default());
        let arrivals = Arc::new(ArrivalLog::new(config.count_arrivals));
        let fixtures = Arc::new(Fixtures::bundled());
        let responder = MakeResponder {
            fixtures: Arc::clone(&fixtures),
            faults: Arc::clone(&faults),
            arrivals: Arc::clone(&arrivals),
            tokens: config.tokens,
            api_prefix: API_PREFIX.map(str::to_owned).to_vec(),
        };
        Mock::given(any())
            .respond_with(responder)
            .mount(&server)
            .await;

        let proxy = match config.fault_proxy {
            true => Some(FaultProxy::start(*server.address()).await?),
            false => None,
        };

        Ok(Self {
            server,
            proxy,
            faults,
            arrivals,
            fixtures,
        })
    }

    /// The API base URL served by wiremock directly, `http://127.0.0.1:<port>/api/v2`.
    pub fn base_url(&self) -> Url {
        api_url(&self.server.uri())
    }

    /// The API base URL through the fault proxy, if it was started.
    pub fn proxied_base_url(&self) -> Option<Url> {
        let proxy = self.proxy.as_ref()?;

        Some(api_url(&format!("http://{}", proxy.address())))
    }

    /// The faults to switch on and off.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The fault proxy, if it was started.
    pub fn proxy(&self) -> Option<&FaultProxy> {
        self.proxy.as_ref()
    }

    /// Arrivals counted so far.
    pub fn arrivals(&self) -> &ArrivalLog {
        &self.arrivals
    }

    /// The data served.
    pub fn fixtures(&self) -> &Fixtures {
        &self.fixtures
    }

    /// A credential the mock accepts, with the default API token.
    pub fn credential(zone: Zone) -> MakeCredential {
        MakeCredential::api_token(zone, MOCK_API_TOKEN)
    }

    /// A Make.com OAuth credential the mock accepts, with the default token.
    pub fn oauth_credential(zone: Zone) -> MakeCredential {
        MakeCredential::oauth(zone, MOCK_OAUTH_TOKEN)
    }
}

fn api_url(origin: &str) -> Url {
    let text = format!("{}/{}", origin.trim_end_matches('/'), API_PREFIX.join("/"));

    // The origin comes from a socket address we bound, so it always parses.
    Url::parse(&text).expect("loopback origin is a valid url")
}
