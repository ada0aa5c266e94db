//! What a session holds to call Make.com on its user's behalf.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A Make.com data-centre zone; API tokens are valid in one zone only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Zone {
    /// `eu1.make.com`
    Eu1,
    /// `eu2.make.com`
    Eu2,
    /// `us1.make.com`
    Us1,
    /// `us2.make.com`
    Us2,
}

/// How the secret is presented: `Token` for API tokens, `Bearer` for OAuth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// A personal API token: `Authorization: Token <secret>`.
    ApiToken,
    /// An OAuth access token: `Authorization: Bearer <secret>`.
    OAuthToken,
}

/// A secret string: zeroed on drop, `Debug` and `Display` print a mask.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A user's Make.com credential, as the consent page collected it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MakeCredential {
    /// The zone the secret belongs to.
    pub zone: Zone,
    /// How the secret is presented.
    pub kind: CredentialKind,
    /// The API or OAuth token.
    pub secret: Secret,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_the_secret() {
        let credential = MakeCredential {
            zone: Zone::Eu1,
            kind: CredentialKind::ApiToken,
            secret: Secret::new("tok-123456"),
        };

        let printed = format!("{credential:?}");
        assert!(!printed.contains("tok-123456"), "{printed}");
        assert!(printed.contains("Eu1"));
    }
}
