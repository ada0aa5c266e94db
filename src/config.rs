//! Settings: one struct, read from TOML, with environment overrides.
//!
//! Precedence, lowest first: built-in defaults (the performance report's
//! figures), the TOML file, then environment variables. Secrets come only
//! from the environment or the file and are never printed.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::crypto::{KeyRing, KeyRingError, MasterKey, MasterKeyError, RotationPolicy};
use crate::make::MakeSettings;
use crate::mcp::McpSettings;
use crate::oauth::OAuthSettings;
use crate::server::ServerSettings;
use crate::session::StoreSettings;

/// Environment variable holding master keys as `ID:BASE64[,ID:BASE64...]`.
pub const SESSION_KEYS_ENV: &str = "MCP_PERF_SESSION_KEYS";

/// Everything the server reads at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The session store.
    pub store: StoreSettings,
    /// Session encryption keys and their rotation.
    pub keys: KeySettings,
    /// The HTTP server's limits and public URL.
    pub server: ServerSettings,
    /// The authorization server.
    pub oauth: OAuthSettings,
    /// The MCP transport: sessions and their bounds.
    pub mcp: McpSettings,
    /// Where Make.com calls go.
    pub make: MakeSettings,
}

/// Where encryption keys come from and how often data keys rotate.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeySettings {
    /// Master keys as `ID:BASE64`, current first. Overridden by
    /// `MCP_PERF_SESSION_KEYS`.
    pub master_keys: Vec<String>,
    /// Rotation period in seconds (default one day).
    pub rotation_period_secs: Option<u64>,
    /// Past epochs whose keys still decrypt (default 31).
    pub retained_epochs: Option<u32>,
}

impl std::fmt::Debug for KeySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySettings")
            .field(
                "master_keys",
                &format_args!("[{} hidden]", self.master_keys.len()),
            )
            .field("rotation_period_secs", &self.rotation_period_secs)
            .field("retained_epochs", &self.retained_epochs)
            .finish()
    }
}

/// Why settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be read.
    #[error("settings file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML for these settings.
    #[error("settings file {path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A master key did not parse.
    #[error(transparent)]
    MasterKey(#[from] MasterKeyError),
    /// The key ring could not be built.
    #[error(transparent)]
    KeyRing(#[from] KeyRingError),
}

impl Settings {
    /// Reads a TOML file, then applies environment overrides.
    pub fn load(path: Option<&Path>) -> Result<Self, SettingsError> {
        let mut settings = match path {
            Some(path) => Self::from_file(path)?,
            None => Self::default(),
        };
        if let Ok(keys) = std::env::var(SESSION_KEYS_ENV) {
            settings.keys.master_keys = keys.split(',').map(str::to_string).collect();
        }
        Ok(settings)
    }

    fn from_file(path: &Path) -> Result<Self, SettingsError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: display.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| SettingsError::Parse {
            path: display,
            source: Box::new(source),
        })
    }
}

impl KeySettings {
    /// Builds the key ring these settings describe.
    pub fn key_ring(&self) -> Result<KeyRing, SettingsError> {
        let masters = self
            .master_keys
            .iter()
            .map(|text| MasterKey::parse(text))
            .collect::<Result<Vec<_>, _>>()?;
        let defaults = RotationPolicy::default();
        let policy = RotationPolicy {
            period: self
                .rotation_period_secs
                .map_or(defaults.period, Duration::from_secs),
            retained_epochs: self.retained_epochs.unwrap_or(defaults.retained_epochs),
        };
        Ok(KeyRing::new(masters, policy)?)
    }
}

/// Serde for durations written as whole seconds in TOML.
pub mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes whole seconds.
    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(duration.as_secs_f64())
    }

    /// Reads seconds, fractions allowed.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let seconds = f64::deserialize(deserializer)?;
        Duration::try_from_secs_f64(seconds).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::PoolKind;

    #[test]
    fn reads_overrides_from_toml_and_keeps_defaults() {
        let text = r#"
            [store.pool]
            kind = "bb8"
            acquire_timeout = 0.5

            [store.cache]
            enabled = false
        "#;
        let settings: Settings = toml::from_str(text).unwrap();

        assert_eq!(settings.store.pool.kind, PoolKind::Bb8);
        assert_eq!(
            settings.store.pool.acquire_timeout,
            Duration::from_millis(500)
        );
        assert_eq!(settings.store.pool.max_size, 50);
        assert!(!settings.store.cache.enabled);
        assert_eq!(settings.store.codec.threshold, 1024);
    }

    #[test]
    fn debug_hides_master_keys() {
        let key = MasterKey::generate(1).to_config_string();
        let settings = KeySettings {
            master_keys: vec![key.to_string()],
            ..KeySettings::default()
        };

        let printed = format!("{settings:?}");
        assert!(!printed.contains(&key[2..]), "{printed}");
        assert!(printed.contains("1 hidden"));
    }

    #[test]
    fn builds_a_ring_from_configured_keys() {
        let key = MasterKey::generate(5).to_config_string();
        let settings = KeySettings {
            master_keys: vec![key.to_string()],
            ..KeySettings::default()
        };

        assert_eq!(settings.key_ring().unwrap().current_key().master, 5);
        assert!(KeySettings::default().key_ring().is_err());
    }
}
