//! The Make.com client: one per process, shared by every session. Each call
//! takes the caller's credential, so the pool, the per-organization limits
//! and the per-zone breakers are shared by all the users of one server.
//!
//! ```text
//! Retry(policy) -> Breaker(zone) -> OrgRouter -> [per org: InFlight -> Window]
//!               -> [shared: Pool -> Timeout -> HttpTransport]
//! ```
//!
//! Retry sits outside the limits so that a backoff holds no slot, and every
//! attempt takes its own rate-limit slot because Make.com counts each one.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tower::retry::Retry;
use tower::{Layer, ServiceExt};
use url::Url;

use super::breaker::{BreakerLayer, BreakerService, BreakerState, ZoneBreakers};
use super::config::MakeClientConfig;
use super::credential::MakeCredential;
use super::directory::Directory;
use super::error::MakeError;
use super::models::PageRequest;
use super::org_router::OrgRouter;
use super::request::{ApiRequest, RateKey};
use super::retry::MakeRetryPolicy;
use super::transport::HttpTransport;
use super::zone::Zone;

/// A rate-limited, retrying, circuit-breaking Make.com API client.
///
/// Cloning is cheap and shares everything.
#[derive(Clone, Debug)]
pub struct MakeClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: MakeClientConfig,
    transport: HttpTransport,
    router: OrgRouter,
    breakers: Arc<ZoneBreakers>,
    retry: MakeRetryPolicy,
    pub(super) directory: Directory,
}

/// The client's health, zone by zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientStatus {
    /// Each zone's breaker.
    pub breakers: Vec<(Zone, BreakerState)>,
}

/// One call, before it goes through the stack.
pub(super) struct Call<'a> {
    pub method: Method,
    pub path: &'a [&'a str],
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Bytes>,
    pub rate_key: RateKey,
    pub idempotent: bool,
}

impl MakeClient {
    /// Builds the client and its connection pool.
    pub fn new(config: MakeClientConfig) -> Result<Self, MakeError> {
        config.validate()?;
        let transport = HttpTransport::new(&config)?;

        let inner = Inner {
            router: OrgRouter::new(&config, transport.clone()),
            breakers: ZoneBreakers::new(config.breaker),
            retry: MakeRetryPolicy::new(&config.retry)?,
            directory: Directory::default(),
            transport,
            config,
        };

        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &MakeClientConfig {
        &self.inner.config
    }

    /// The reqwest client underneath, for floor measurements that bypass
    /// every layer.
    pub fn reqwest_client(&self) -> &reqwest::Client {
        self.inner.transport.reqwest_client()
    }

    /// The API base URL used for a zone: the override if set, else the
    /// zone's own.
    pub fn base_url(&self, zone: Zone) -> Url {
        match &self.inner.config.base_url_override {
            Some(url) => url.clone(),
            None => zone.base_url(),
        }
    }

    /// One zone's breaker state.
    pub fn breaker_state(&self, zone: Zone) -> BreakerState {
        self.inner.breakers.state(zone)
    }

    /// Every zone's breaker state.
    pub fn status(&self) -> ClientStatus {
        let breakers = Zone::ALL
            .into_iter()
            .map(|zone| (zone, self.breaker_state(zone)))
            .collect();

        ClientStatus { breakers }
    }

    /// The request limit per window applied to an organization, once the
    /// client has sent it anything.
    pub fn org_limit(&self, zone: Zone, organization: u64) -> Option<u32> {
        self.inner
            .router
            .limit(RateKey::Organization(zone, organization))
    }

    /// Sets an organization's limit per window; the client does this itself
    /// when it reads the organization's `license.apiLimit`.
    pub fn set_org_limit(&self, zone: Zone, organization: u64, limit: u32) {
        let key = RateKey::Organization(zone, organization);

        self.inner.router.set_limit(key, limit);
    }

    pub(super) fn directory(&self) -> &Directory {
        &self.inner.directory
    }

    /// Sends a call through the whole stack and decodes a 2xx body.
    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(zone = %credential.zone, path = %call.path.join("/"))
    )]
    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        credential: &MakeCredential,
        call: Call<'_>,
    ) -> Result<T, MakeError> {
        let request = ApiRequest {
            method: call.method,
            url: self.url(credential.zone, call.path, &call.query)?,
            authorization: credential.authorization()?,
            body: call.body,
            zone: credential.zone,
            rate_key: call.rate_key,
            idempotent: call.idempotent,
        };

        let response = self.stack().oneshot(request).await?;

        serde_json::from_slice(&response.body).map_err(|source| MakeError::Decode {
            endpoint: call.path.join("/"),
            source,
        })
    }

    /// The outer layers are rebuilt per call from shared parts: each is a
    /// few reference counts, and it keeps the client `Sync`.
    fn stack(&self) -> Retry<MakeRetryPolicy, BreakerService<OrgRouter>> {
        let breaker = BreakerLayer::new(Arc::clone(&self.inner.breakers));

        Retry::new(
            self.inner.retry.clone(),
            breaker.layer(self.inner.router.clone()),
        )
    }

    fn url(
        &self,
        zone: Zone,
        path: &[&str],
        query: &[(&'static str, String)],
    ) -> Result<Url, MakeError> {
        let mut url = self.base_url(zone);
        if url.cannot_be_a_base() {
            return Err(MakeError::Config(format!(
                "base url {url} cannot take a path"
            )));
        }

        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(path);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }

        Ok(url)
    }
}

/// The `pg[...]` query pairs of a page request.
pub(super) fn page_query(page: &PageRequest) -> Vec<(&'static str, String)> {
    let mut query = Vec::new();

    if let Some(limit) = page.limit {
        query.push(("pg[limit]", limit.to_string()));
    }
    if let Some(offset) = page.offset {
        query.push(("pg[offset]", offset.to_string()));
    }
    if let Some(sort_by) = &page.sort_by {
        query.push(("pg[sortBy]", sort_by.clone()));
    }
    if let Some(sort_dir) = page.sort_dir {
        query.push(("pg[sortDir]", sort_dir.as_str().to_owned()));
    }

    query
}
