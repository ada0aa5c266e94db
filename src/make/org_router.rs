//! Routes each request to the stack of its organization, so that the rate
//! limit and the in-flight limit are kept per organization while the
//! connection pool beneath is shared by all.
//!
//! ```text
//! per organization:  ConcurrencyLimit(max_in_flight) -> SlidingWindow(limit)
//! shared by all:     ConcurrencyLimit(pool_size) -> Timeout(attempt) -> HttpTransport
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tower::limit::ConcurrencyLimitLayer;
use tower::timeout::TimeoutLayer;
use tower::timeout::error::Elapsed;
use tower::util::BoxCloneSyncService;
use tower::{BoxError, Service, ServiceBuilder, ServiceExt};

use super::config::MakeClientConfig;
use super::error::MakeError;
use super::request::{ApiRequest, ApiResponse, RateKey};
use super::transport::{BoxFuture, HttpTransport};
use super::window::{SlidingWindow, SlidingWindowLayer};

/// The type-erased service every stage of the stack is boxed into.
pub type MakeService = BoxCloneSyncService<ApiRequest, ApiResponse, MakeError>;

/// Dispatches to per-organization stacks, creating them on first use.
#[derive(Clone, Debug)]
pub struct OrgRouter {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    default_limit: u32,
    window: Duration,
    max_in_flight: usize,
    lower: MakeService,
    stacks: Mutex<HashMap<RateKey, OrgStack>>,
}

#[derive(Clone, Debug)]
struct OrgStack {
    window: Arc<SlidingWindow>,
    service: MakeService,
}

impl OrgRouter {
    /// A router over the shared pool-limited, timed transport.
    pub fn new(config: &MakeClientConfig, transport: HttpTransport) -> Self {
        let timeout = config.attempt_timeout;
        let lower = ServiceBuilder::new()
            .concurrency_limit(config.pool_size)
            .map_err(move |err: BoxError| from_layer_error(err, timeout))
            .layer(TimeoutLayer::new(timeout))
            .service(transport);

        Self {
            shared: Arc::new(Shared {
                default_limit: config.rate_limit.requests,
                window: config.rate_limit.window,
                max_in_flight: config.max_in_flight_per_org,
                lower: BoxCloneSyncService::new(lower),
                stacks: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The limit now applied to a bucket, if the bucket has been used.
    pub fn limit(&self, key: RateKey) -> Option<u32> {
        self.lock().get(&key).map(|stack| stack.window.limit())
    }

    /// Sets a bucket's limit (from `license.apiLimit`), creating the bucket
    /// if needed.
    pub fn set_limit(&self, key: RateKey, limit: u32) {
        self.stack(key).window.set_limit(limit);
    }

    fn stack(&self, key: RateKey) -> OrgStack {
        let mut stacks = self.lock();

        stacks
            .entry(key)
            .or_insert_with(|| self.shared.build_stack())
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<RateKey, OrgStack>> {
        self.shared
            .stacks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Shared {
    fn build_stack(&self) -> OrgStack {
        let window = SlidingWindow::new(self.default_limit, self.window);
        let service = ServiceBuilder::new()
            .layer(ConcurrencyLimitLayer::new(self.max_in_flight))
            .layer(SlidingWindowLayer::new(Arc::clone(&window)))
            .service(self.lower.clone());

        OrgStack {
            window,
            service: BoxCloneSyncService::new(service),
        }
    }
}

impl Service<ApiRequest> for OrgRouter {
    type Response = ApiResponse;
    type Error = MakeError;
    type Future = BoxFuture<Result<ApiResponse, MakeError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let service = self.stack(request.rate_key).service;

        Box::pin(service.oneshot(request))
    }
}

/// Tower's timeout and limit layers speak `BoxError`; bring it back to ours.
fn from_layer_error(err: BoxError, timeout: Duration) -> MakeError {
    if err.is::<Elapsed>() {
        return MakeError::Timeout(timeout);
    }

    match err.downcast::<MakeError>() {
        Ok(make) => *make,
        Err(other) => MakeError::Layer(other.to_string()),
    }
}
