//! The `[make]` section: where the server sends Make.com calls.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use super::config::MakeClientConfig;
use super::error::MakeError;

/// Make.com as the server sees it; the rest of the client's knobs keep
/// the defaults of [`MakeClientConfig`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MakeSettings {
    /// One API base URL for every zone (`http://127.0.0.1:9000/api/v2`):
    /// a mock, a proxy or a test Make.com. Unset, each session's own zone
    /// decides (`https://eu1.make.com/api/v2`, ...).
    pub base_url: Option<String>,
    /// Requests per minute per organization until its own
    /// `license.apiLimit` is known.
    pub rate_limit_per_minute: u32,
    /// Most requests in flight to one organization.
    pub max_in_flight_per_org: usize,
    /// Pooled connections, and so the most requests in flight overall.
    pub pool_size: usize,
    /// Retries after a failed attempt.
    pub max_retries: u32,
    /// The first retry's backoff; each retry doubles it.
    #[serde(with = "crate::config::seconds")]
    pub retry_base_delay: Duration,
    /// How long a zone's open circuit waits before one probe.
    #[serde(with = "crate::config::seconds")]
    pub breaker_cool_down: Duration,
}

impl Default for MakeSettings {
    fn default() -> Self {
        let client = MakeClientConfig::default();
        Self {
            base_url: None,
            rate_limit_per_minute: client.rate_limit.requests,
            max_in_flight_per_org: client.max_in_flight_per_org,
            pool_size: client.pool_size,
            max_retries: client.retry.max_retries,
            retry_base_delay: client.retry.base_delay,
            breaker_cool_down: client.breaker.cool_down,
        }
    }
}

impl MakeSettings {
    /// The client configuration: the defaults, with the base URL applied.
    pub fn client_config(&self) -> Result<MakeClientConfig, MakeError> {
        let base_url_override = match &self.base_url {
            None => None,
            Some(text) => Some(Url::parse(text).map_err(|error| {
                MakeError::Config(format!("make base_url {text:?} is not a url: {error}"))
            })?),
        };

        let mut config = MakeClientConfig {
            base_url_override,
            max_in_flight_per_org: self.max_in_flight_per_org,
            pool_size: self.pool_size,
            ..MakeClientConfig::default()
        };
        config.rate_limit.requests = self.rate_limit_per_minute;
        config.retry.max_retries = self.max_retries;
        config.retry.base_delay = self.retry_base_delay;
        config.retry.max_delay = config.retry.max_delay.max(self.retry_base_delay);
        config.breaker.cool_down = self.breaker_cool_down;
        Ok(config)
    }
}
