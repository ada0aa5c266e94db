//! The client's knobs. Defaults follow the design's Make.com client row; tests
//! set millisecond values so that faults play out quickly.

use std::time::Duration;

use url::Url;

use super::error::MakeError;

/// How the client talks to Make.com.
#[derive(Clone, Debug)]
pub struct MakeClientConfig {
    /// One base URL (ending in `/api/v2` or wherever the API lives) used for
    /// every zone instead of the zone's own host: tests and `--make-base-url`.
    pub base_url_override: Option<Url>,
    /// Connections kept in the pool and, since HTTP/1.1 sends one request per
    /// connection, the most requests in flight across all organizations.
    pub pool_size: usize,
    /// How long an idle pooled connection is kept.
    pub pool_idle_timeout: Duration,
    /// TCP keep-alive probe interval.
    pub tcp_keepalive: Duration,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, body included. Above 40 s by default
    /// because a responsive run may keep Make.com busy that long.
    pub attempt_timeout: Duration,
    /// The per-organization request limit.
    pub rate_limit: RateLimit,
    /// Most requests in flight to one organization.
    pub max_in_flight_per_org: usize,
    /// Retries and their backoff.
    pub retry: RetryConfig,
    /// The per-zone circuit breaker.
    pub breaker: BreakerConfig,
    /// The `User-Agent` sent.
    pub user_agent: String,
}

/// A request limit: at most `requests` in any window of `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window until the organization's own
    /// `license.apiLimit` is known.
    pub requests: u32,
    /// The sliding window; Make.com counts per minute.
    pub window: Duration,
}

/// Retries of failed attempts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryConfig {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// The longest backoff, and the longest `Retry-After` honoured.
    pub max_delay: Duration,
    /// The share of the backoff added at random (0 = none, 1 = up to double).
    pub jitter: f64,
}

/// When the per-zone breaker opens and when it probes again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive zone failures that open the breaker.
    pub failure_threshold: u32,
    /// How long the breaker stays open before one probe is let through.
    pub cool_down: Duration,
}

impl Default for MakeClientConfig {
    fn default() -> Self {
        Self {
            base_url_override: None,
            pool_size: 20,
            pool_idle_timeout: Duration::from_secs(90),
            tcp_keepalive: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(45),
            rate_limit: RateLimit::default(),
            max_in_flight_per_org: 10,
            retry: RetryConfig::default(),
            breaker: BreakerConfig::default(),
            user_agent: concat!("mcp-perf/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            requests: 600,
            window: Duration::from_secs(60),
        }
    }
}

impl Default for RetryConfig {
    /// Make's own SDK: three retries, `1 s * 2^attempt` plus jitter, capped
    /// at 30 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            jitter: 1.0,
        }
    }
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            cool_down: Duration::from_secs(30),
        }
    }
}

impl MakeClientConfig {
    /// Rejects values that would make the client stall or panic.
    pub fn validate(&self) -> Result<(), MakeError> {
        let problem = if self.pool_size == 0 {
            Some("pool_size must be at least 1")
        } else if self.max_in_flight_per_org == 0 {
            Some("max_in_flight_per_org must be at least 1")
        } else if self.rate_limit.requests == 0 || self.rate_limit.window.is_zero() {
            Some("rate_limit needs at least 1 request in a non-zero window")
        } else if self.retry.max_delay.is_zero() || self.retry.base_delay > self.retry.max_delay {
            Some("retry needs 0 < base_delay <= max_delay")
        } else if !(self.retry.jitter >= 0.0 && self.retry.jitter.is_finite()) {
            Some("retry jitter must be a finite number >= 0")
        } else if self.breaker.failure_threshold == 0 {
            Some("breaker failure_threshold must be at least 1")
        } else {
            None
        };

        match problem {
            Some(problem) => Err(MakeError::Config(problem.to_owned())),
            None => Ok(()),
        }
    }
}
