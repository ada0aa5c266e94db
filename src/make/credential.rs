//! The credential a session holds for Make.com: which zone, which kind of
//! token, and the token itself, kept so that it never shows in a log.

use std::fmt;

use reqwest::header::HeaderValue;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use super::error::MakeError;
use super::zone::Zone;

/// How Make.com should read the secret: the scheme of the `Authorization`
/// header differs by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialKind {
    /// A personal API token, sent as `Authorization: Token <t>`.
    ApiToken,
    /// An OAuth access token from Make.com, sent as `Authorization: Bearer <t>`.
    OAuth,
}

impl CredentialKind {
    /// The `Authorization` scheme for this kind.
    pub fn scheme(self) -> &'static str {
        match self {
            CredentialKind::ApiToken => "Token",
            CredentialKind::OAuth => "Bearer",
        }
    }
}

/// A secret string that is wiped from memory when dropped and never printed.
///
/// Serialization writes the plain text on purpose: the session store encrypts
/// the whole session before it leaves the process.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let secret = Zeroizing::new(String::deserialize(deserializer)?);

        Ok(Self(secret))
    }
}

/// Everything the client needs to call Make.com on a user's behalf.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MakeCredential {
    /// The zone the token was issued in; it picks the base URL.
    pub zone: Zone,
    /// How the token is presented.
    pub kind: CredentialKind,
    /// The token.
    pub secret: SecretString,
}

impl MakeCredential {
    /// A credential for a personal API token.
    pub fn api_token(zone: Zone, token: impl Into<String>) -> Self {
        Self {
            zone,
            kind: CredentialKind::ApiToken,
            secret: SecretString::new(token),
        }
    }

    /// A credential for a Make.com OAuth access token.
    pub fn oauth(zone: Zone, token: impl Into<String>) -> Self {
        Self {
            zone,
            kind: CredentialKind::OAuth,
            secret: SecretString::new(token),
        }
    }

    /// The `Authorization` header value, marked sensitive so that `http`'s
    /// own Debug output hides it too.
    ///
    /// The header bytes themselves are not wiped on drop: `http` gives no
    /// way to do so.
    pub fn authorization(&self) -> Result<HeaderValue, MakeError> {
        let text = Zeroizing::new(format!("{} {}", self.kind.scheme(), self.secret.expose()));

        let mut value = HeaderValue::from_str(&text).map_err(|_| MakeError::InvalidCredential {
            zone: self.zone,
            reason: "the token holds characters a header cannot carry",
        })?;
        value.set_sensitive(true);

        Ok(value)
    }
}

impl fmt::Debug for MakeCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MakeCredential")
            .field("zone", &self.zone)
            .field("kind", &self.kind)
            .field("secret", &self.secret)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let credential = MakeCredential::api_token(Zone::Eu1, "s3cr3t-token");

        let shown = format!("{credential:?} {:?}", credential.authorization().unwrap());

        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn scheme_follows_the_kind() {
        let api = MakeCredential::api_token(Zone::Eu1, "a");
        let oauth = MakeCredential::oauth(Zone::Eu1, "b");

        assert_eq!(api.authorization().unwrap(), "Token a");
        assert_eq!(oauth.authorization().unwrap(), "Bearer b");
    }

    #[test]
    fn round_trips_through_serde() {
        let credential = MakeCredential::oauth(Zone::CelonisUs1, "tok");

        let json = serde_json::to_string(&credential).unwrap();
        let back: MakeCredential = serde_json::from_str(&json).unwrap();

        assert_eq!(back, credential);
        assert!(json.contains("\"celonis-us1\""), "{json}");
    }

    #[test]
    fn a_token_with_a_newline_is_a_typed_error() {
        let credential = MakeCredential::api_token(Zone::Eu1, "bad\ntoken");

        let err = credential.authorization().unwrap_err();

        assert!(!err.to_string().contains("bad"), "{err}");
    }
}
