//! The `[make]` section: where the server sends Make.com calls.

use serde::{Deserialize, Serialize};
use url::Url;

use super::config::MakeClientConfig;
use super::error::MakeError;

/// Make.com as the server sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MakeSettings {
    /// One API base URL for every zone (`http://127.0.0.1:9000/api/v2`):
    /// a mock, a proxy or a test Make.com. Unset, each session's own zone
    /// decides (`https://eu1.make.com/api/v2`, ...).
    pub base_url: Option<String>,
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

        Ok(MakeClientConfig {
            base_url_override,
            ..MakeClientConfig::default()
        })
    }
}
