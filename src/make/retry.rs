//! The retry policy for tower's `Retry` layer: which failures earn another
//! attempt, and how long to wait first.
//!
//! The backoff itself is tower's jittered exponential backoff; this file adds
//! only what tower cannot know: Make's `Retry-After`, the attempt budget, and
//! that a scenario run must not be sent twice.

use std::time::Duration;

use tower::retry::Policy;
use tower::retry::backoff::{Backoff, ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use tower::util::rng::Rng;

use super::config::RetryConfig;
use super::error::MakeError;
use super::request::{ApiRequest, ApiResponse};
use super::transport::BoxFuture;

/// Retries transient failures up to `max_retries` times.
///
/// Tower clones the policy for each request, so the attempt count and the
/// backoff's growth are per request; the jitter is drawn afresh each time.
#[derive(Clone, Debug)]
pub struct MakeRetryPolicy {
    retries_left: u32,
    backoff: ExponentialBackoff<ThreadRandom>,
    max_delay: Duration,
}

/// Jitter from the thread's random generator.
///
/// Tower's own `HasherRng` keeps its state in the value, and tower clones the
/// policy for each request: every request would then draw the same "random"
/// jitter, and clients that failed together would retry together. This one
/// holds no state, so each draw is fresh.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadRandom;

impl Rng for ThreadRandom {
    fn next_u64(&mut self) -> u64 {
        // Tower expects a jitter factor above zero; keep the top 53 bits,
        // which it reads, from being all zero.
        rand::random::<u64>().max(1 << 11)
    }
}

impl MakeRetryPolicy {
    /// A policy from the configuration.
    pub fn new(config: &RetryConfig) -> Result<Self, MakeError> {
        let mut maker = ExponentialBackoffMaker::new(
            config.base_delay,
            config.max_delay,
            config.jitter,
            ThreadRandom,
        )
        .map_err(|err| MakeError::Config(format!("retry backoff: {err}")))?;

        Ok(Self {
            retries_left: config.max_retries,
            backoff: maker.make_backoff(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_draw_different_jitter() {
        let mut first = ThreadRandom;
        let mut second = first;

        let draws: Vec<u64> = (0..4).map(|_| first.next_u64()).collect();
        let again: Vec<u64> = (0..4).map(|_| second.next_u64()).collect();

        assert_ne!(draws, again);
    }
}
