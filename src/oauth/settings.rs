//! Lifetimes, scopes and pre-registered clients of the authorization server.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Codes never live longer than this, whatever the settings say (OAuth 2.1
/// recommends at most ten minutes).
pub const MAX_CODE_TTL: Duration = Duration::from_secs(600);

/// The `[oauth]` section of the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthSettings {
    /// Lifetime of an authorization code (default 60 s, capped at 10 min).
    #[serde(with = "crate::config::seconds")]
    pub code_ttl: Duration,
    /// Lifetime of an access token.
    #[serde(with = "crate::config::seconds")]
    pub access_ttl: Duration,
    /// Lifetime of a refresh token family, counted from the first grant.
    #[serde(with = "crate::config::seconds")]
    pub refresh_ttl: Duration,
    /// How long a rotated refresh token still returns the pair it was
    /// rotated into, so two concurrent refreshes are not taken for replay.
    #[serde(with = "crate::config::seconds")]
    pub refresh_grace: Duration,
    /// Scopes a client may ask for.
    pub scopes_supported: Vec<String>,
    /// Scopes granted when the request names none.
    pub default_scopes: Vec<String>,
    /// Whether `POST /register` accepts new clients (RFC 7591).
    pub registration_enabled: bool,
    /// Clients known without registration.
    pub clients: Vec<ClientSettings>,
}

impl Default for OAuthSettings {
    fn default() -> Self {
        Self {
            code_ttl: Duration::from_secs(60),
            access_ttl: Duration::from_secs(3600),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            refresh_grace: Duration::from_secs(10),
            scopes_supported: [
                "scenarios:read",
                "scenarios:write",
                "scenarios:run",
                "teams:read",
            ]
            .map(String::from)
            .to_vec(),
            default_scopes: vec!["scenarios:read".into()],
            registration_enabled: true,
            clients: Vec::new(),
        }
    }
}

impl OAuthSettings {
    /// The code lifetime, never above [`MAX_CODE_TTL`].
    pub fn effective_code_ttl(&self) -> Duration {
        self.code_ttl.min(MAX_CODE_TTL).max(Duration::from_secs(1))
    }
}

/// A public client configured in the settings rather than registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSettings {
    /// The client id it presents.
    pub client_id: String,
    /// Its exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// A name shown on the consent page.
    #[serde(default)]
    pub client_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_ttl_is_capped_at_ten_minutes() {
        let settings = OAuthSettings {
            code_ttl: Duration::from_secs(3600),
            ..OAuthSettings::default()
        };

        assert_eq!(settings.effective_code_ttl(), MAX_CODE_TTL);
        assert_eq!(
            OAuthSettings::default().effective_code_ttl(),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn reads_clients_from_toml() {
        let settings: OAuthSettings = toml::from_str(
            r#"
            code_ttl = 30
            [[clients]]
            client_id = "inspector"
            redirect_uris = ["http://127.0.0.1:6274/callback"]
            "#,
        )
        .unwrap();

        assert_eq!(settings.code_ttl, Duration::from_secs(30));
        assert_eq!(settings.clients[0].client_id, "inspector");
        assert!(settings.registration_enabled);
    }
}
