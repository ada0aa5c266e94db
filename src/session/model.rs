//! The session: who the bearer is, what it may do, and until when.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::make::MakeCredential;

/// Seconds since the Unix epoch. Whole seconds are enough for expiry and
/// keep the serialized session small.
pub type UnixSeconds = u64;

/// An authenticated user's session, stored encrypted under its token hash.
///
/// `Debug` is safe to log: the Make.com secret inside prints as a mask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The user the token was issued to.
    pub user_id: String,
    /// The OAuth client that obtained the token.
    pub client_id: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The RFC 8707 resource the token is valid for.
    pub audience: String,
    /// The user's Make.com credential, used by the tools.
    pub credential: MakeCredential,
    /// When the session was issued.
    pub created_at: UnixSeconds,
    /// When the session stops being valid.
    pub expires_at: UnixSeconds,
    /// When the session was last used or extended.
    pub last_activity: UnixSeconds,
    /// Small client-supplied facts (user agent, consent note); the reason a
    /// session can outgrow the compression threshold.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

impl Session {
    /// Whether the session has expired at `now`.
    pub fn is_expired_at(&self, now: UnixSeconds) -> bool {
        now >= self.expires_at
    }

    /// Time left at `now`, zero once expired.
    pub fn remaining_at(&self, now: UnixSeconds) -> Duration {
        Duration::from_secs(self.expires_at.saturating_sub(now))
    }

    /// Whether every scope in `required` was granted.
    pub fn has_scopes<'a>(&self, required: impl IntoIterator<Item = &'a str>) -> bool {
        required
            .into_iter()
            .all(|scope| self.scopes.iter().any(|granted| granted == scope))
    }
}

/// The current time in [`UnixSeconds`].
pub fn unix_now() -> UnixSeconds {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make::Zone;

    fn session(expires_at: UnixSeconds) -> Session {
        Session {
            user_id: "u1".into(),
            client_id: "c1".into(),
            scopes: vec!["scenarios:read".into(), "scenarios:run".into()],
            audience: "http://127.0.0.1/mcp".into(),
            credential: MakeCredential::api_token(Zone::Eu1, "secret-value"),
            created_at: 100,
            expires_at,
            last_activity: 100,
            metadata: BTreeMap::new(),
        }
    }

    #[test]
    fn expires_at_its_deadline() {
        let session = session(200);

        assert!(!session.is_expired_at(199));
        assert!(session.is_expired_at(200));
        assert_eq!(session.remaining_at(150), Duration::from_secs(50));
        assert_eq!(session.remaining_at(500), Duration::ZERO);
    }

    #[test]
    fn checks_every_required_scope() {
        let session = session(200);

        assert!(session.has_scopes(["scenarios:read"]));
        assert!(session.has_scopes(["scenarios:read", "scenarios:run"]));
        assert!(!session.has_scopes(["scenarios:read", "admin"]));
    }

    #[test]
    fn debug_never_shows_the_make_secret() {
        assert!(!format!("{:?}", session(1)).contains("secret-value"));
    }
}
