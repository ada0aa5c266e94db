//! The retry policy for tower's `Retry` layer: which failures earn another
//! attempt, and how long to wait first.
//!
//! The backoff itself is tower's jittered exponential backoff; this file adds
//! only what tower cannot know: Make's `Retry-After`, the attempt budget, and
//! that a scenario run must not be sent twice.

use std::time::Duration;

use tower::retry::Policy;
use tower::retry::backoff::{Backoff, ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use tower::util::rng::HasherRng;

use super::config::RetryConfig;
use super::error::MakeError;
use super::request::{ApiRequest, ApiResponse};
use super::transport::BoxFuture;

/// Retries transient failures up to `max_retries` times.
///
/// Tower clones the policy for each request, so the attempt count and the
/// backoff's growth are per request.
#[derive(Clone, Debug)]
pub struct MakeRetryPolicy {
    retries_left: u32,
    backoff: ExponentialBackoff,
    max_delay: Duration,
}

impl MakeRetryPolicy {
    /// A policy from the configuration.
    pub fn new(config: &RetryConfig) -> Result<Self, MakeError> {
        let maker = ExponentialBackoffMaker::new(
            config.base_delay,
            config.max_delay,
            config.jitter,
            HasherRng::default(),
        )
        .map_err(|err| MakeError::Config(format!("retry backoff: {err}")))?;

        Ok(Self {
            retries_left: config.max_retries,
            backoff: maker.clone().make_backoff(),
            max_delay: config.max_delay,
        })
    }
}

impl Policy<ApiRequest, ApiResponse, MakeError> for MakeRetryPolicy {
    type Future = BoxFuture<()>;

    fn retry(
        &mut self,
        request: &mut ApiRequest,
        result: &mut Result<ApiResponse, MakeError>,
    ) -> Option<Self::Future> {
        let error = result.as_ref().err()?;
        if self.retries_left == 0 || !error.is_retryable(request.idempotent) {
            return None;
        }
        self.retries_left -= 1;

        // Wait for whichever is longer: our backoff or Make's Retry-After.
        let backoff = self.backoff.next_backoff();
        let asked = error.retry_after().unwrap_or_default().min(self.max_delay);
        tracing::debug!(error = %error, retries_left = self.retries_left, "retrying make.com call");

        Some(Box::pin(async move {
            tokio::join!(backoff, tokio::time::sleep(asked));
        }))
    }

    fn clone_request(&mut self, request: &ApiRequest) -> Option<ApiRequest> {
        Some(request.clone())
    }
}
