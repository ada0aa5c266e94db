//! OAuth clients: public clients only, from the settings or registered
//! through RFC 7591, each with exact redirect URIs.
//!
//! A client record never changes after registration, so this process keeps
//! the ones it has read in a small in-memory cache.
//!
//! Registered clients never expire yet: an open registration endpoint lets
//! anyone grow the client keys without bound. A TTL refreshed on use, or a
//! registration rate limit tighter than the global one, would close that.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use moka::future::Cache;
use serde::{Deserialize, Serialize};
use url::Url;

use super::grant_store::{GrantStore, Record};
use super::settings::ClientSettings;
use crate::session::StoreError;

/// A public client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    /// Its id.
    pub client_id: String,
    /// The redirect URIs it registered; a request must name one exactly.
    pub redirect_uris: Vec<String>,
    /// A name to show on the consent page.
    pub client_name: Option<String>,
}

impl Client {
    /// Whether `uri` is one of the registered redirect URIs, byte for byte.
    pub fn allows_redirect(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|allowed| allowed == uri)
    }
}

impl From<&ClientSettings> for Client {
    fn from(settings: &ClientSettings) -> Self {
        Self {
            client_id: settings.client_id.clone(),
            redirect_uris: settings.redirect_uris.clone(),
            client_name: settings.client_name.clone(),
        }
    }
}

/// Why a redirect URI cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectUriError {
    /// Not an absolute URL.
    #[error("redirect uri is not an absolute url")]
    NotAUrl,
    /// Fragments are forbidden (RFC 6749 3.1.2).
    #[error("redirect uri must not have a fragment")]
    Fragment,
    /// Plain http anywhere but on a loopback address.
    #[error("redirect uri must use https, or http on a loopback address")]
    Insecure,
}

/// Accepts `https://...`, and `http://` on `localhost` or a loopback IP
/// (RFC 8252 7.3); private-use schemes of native apps are refused for now.
pub fn check_redirect_uri(uri: &str) -> Result<(), RedirectUriError> {
    let url = Url::parse(uri).map_err(|_| RedirectUriError::NotAUrl)?;
    if url.fragment().is_some() {
        return Err(RedirectUriError::Fragment);
    }

    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        _ => Err(RedirectUriError::Insecure),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Every client this server knows: configured ones first, then registered.
#[derive(Clone)]
pub struct ClientRegistry {
    configured: Arc<HashMap<String, Arc<Client>>>,
    registered: Cache<String, Arc<Client>>,
    grants: GrantStore,
}

impl ClientRegistry {
    /// A registry over the configured clients and the Redis records.
    pub fn new(configured: &[ClientSettings], grants: GrantStore) -> Self {
        let configured = configured
            .iter()
            .map(|settings| (settings.client_id.clone(), Arc::new(Client::from(settings))))
            .collect();
        Self {
            configured: Arc::new(configured),
            registered: Cache::new(10_000),
            grants,
        }
    }

    /// The client with this id, if any.
    pub async fn get(&self, client_id: &str) -> Result<Option<Arc<Client>>, StoreError> {
        if let Some(client) = self.configured.get(client_id) {
            return Ok(Some(client.clone()));
        }
        if let Some(client) = self.registered.get(client_id).await {
            return Ok(Some(client));
        }

        let get = redis::Cmd::get(self.grants.key(Record::Client, client_id));
        let json: Option<Vec<u8>> = self
            .grants
            .query("get client", |mut c| async move {
                get.query_async(&mut c).await
            })
            .await?;
        let Some(client) = json.and_then(|json| serde_json::from_slice::<Client>(&json).ok())
        else {
            return Ok(None);
        };

        let client = Arc::new(client);
        self.registered
            .insert(client_id.to_string(), client.clone())
            .await;
        Ok(Some(client))
    }

    /// Stores a newly registered client under a fresh id.
    pub async fn register(
        &self,
        redirect_uris: Vec<String>,
        client_name: Option<String>,
    ) -> Result<Arc<Client>, StoreError> {
        let client = Client {
            client_id: new_client_id(),
            redirect_uris,
            client_name,
        };
        let json = serde_json::to_vec(&client).unwrap_or_default();

        let key = self.grants.key(Record::Client, &client.client_id);
        let set = redis::Cmd::set(key, json);
        self.grants
            .query("register client", |mut c| async move {
                set.query_async::<()>(&mut c).await
            })
            .await?;
        Ok(Arc::new(client))
    }
}

/// 128 random bits: ids are public, they only need to be unguessable enough
/// not to collide.
fn new_client_id() -> String {
    use base64::Engine as _;

    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    format!(
        "mcp-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        for uri in [
            "https://app.example.com/callback",
            "http://127.0.0.1:6274/callback",
            "http://localhost/cb",
            "http://[::1]:8080/cb",
        ] {
            assert_eq!(check_redirect_uri(uri), Ok(()), "{uri}");
        }
    }

    #[test]
    fn refuses_insecure_and_malformed_uris() {
        assert_eq!(
            check_redirect_uri("http://example.com/cb"),
            Err(RedirectUriError::Insecure)
        );
        assert_eq!(
            check_redirect_uri("javascript:alert(1)"),
            Err(RedirectUriError::Insecure)
        );
        assert_eq!(check_redirect_uri("/cb"), Err(RedirectUriError::NotAUrl));
        assert_eq!(
            check_redirect_uri("https://a.example/cb#x"),
            Err(RedirectUriError::Fragment)
        );
    }

    #[test]
    fn redirects_must_match_exactly() {
        let client = Client {
            client_id: "c".into(),
            redirect_uris: vec!["https://a.example/cb".into()],
            client_name: None,
        };

        assert!(client.allows_redirect("https://a.example/cb"));
        assert!(!client.allows_redirect("https://a.example/cb/"));
        assert!(!client.allows_redirect("https://a.example/cb?x=1"));
    }
}
