//! The authorization server and resource server as one value that handlers
//! share: stores, clients, settings, and the URLs that name this server.

use std::sync::Arc;

use super::client::ClientRegistry;
use super::grant_store::GrantStore;
use super::metadata::{MetadataDocument, authorization_server_metadata, resource_metadata};
use super::settings::OAuthSettings;
use crate::crypto::KeyRing;
use crate::session::{RedisSessionStore, StoreError, TokenHash};

/// Everything the OAuth endpoints and the bearer check need.
///
/// Cheap to clone: one `Arc`. It holds no HTTP types, so benchmarks can
/// drive the flows without a socket and see what HTTP adds.
#[derive(Clone)]
pub struct AuthorizationServer {
    inner: Arc<Inner>,
}

struct Inner {
    sessions: RedisSessionStore,
    grants: GrantStore,
    clients: ClientRegistry,
    settings: OAuthSettings,
    issuer: String,
    resource: String,
    as_metadata: MetadataDocument,
    resource_metadata: MetadataDocument,
}

impl AuthorizationServer {
    /// Builds the server for `public_url` (scheme, host, port; no slash at
    /// the end): the issuer is that URL and the protected resource is
    /// `public_url/mcp`.
    pub fn new(
        sessions: RedisSessionStore,
        keys: Arc<KeyRing>,
        key_prefix: &str,
        settings: OAuthSettings,
        public_url: &str,
    ) -> Self {
        let issuer = public_url.trim_end_matches('/').to_string();
        let resource = format!("{issuer}/mcp");
        let grants = GrantStore::new(&sessions, keys, key_prefix);
        let clients = ClientRegistry::new(&settings.clients, grants.clone());
        let as_metadata = authorization_server_metadata(&issuer, &settings);
        let resource_metadata = resource_metadata(&issuer, &resource, &settings);

        Self {
            inner: Arc::new(Inner {
                sessions,
                grants,
                clients,
                settings,
                issuer,
                resource,
                as_metadata,
                resource_metadata,
            }),
        }
    }

    /// The session store that holds access tokens.
    pub fn sessions(&self) -> &RedisSessionStore {
        &self.inner.sessions
    }

    /// Codes, families and client records.
    pub fn grants(&self) -> &GrantStore {
        &self.inner.grants
    }

    /// Known clients.
    pub fn clients(&self) -> &ClientRegistry {
        &self.inner.clients
    }

    /// The `[oauth]` settings.
    pub fn settings(&self) -> &OAuthSettings {
        &self.inner.settings
    }

    /// The issuer identifier (RFC 8414), also the server's base URL.
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// The protected resource's identifier (RFC 8707 audience).
    pub fn resource(&self) -> &str {
        &self.inner.resource
    }

    /// The URL of the protected resource metadata (RFC 9728).
    pub fn resource_metadata_url(&self) -> String {
        format!("{}/.well-known/oauth-protected-resource", self.inner.issuer)
    }

    /// The RFC 8414 document.
    pub fn as_metadata(&self) -> &MetadataDocument {
        &self.inner.as_metadata
    }

    /// The RFC 9728 document.
    pub fn resource_metadata(&self) -> &MetadataDocument {
        &self.inner.resource_metadata
    }

    /// Revokes a token family and deletes the access tokens it issued,
    /// from Redis and from this process's L1 cache.
    pub async fn revoke_family(&self, family: &str) -> Result<(), StoreError> {
        let access_tokens = self.grants().revoke_family(family).await?;
        for hash in &access_tokens {
            self.sessions().delete(hash).await?;
        }
        tracing::info!(access_tokens = access_tokens.len(), "token family revoked");
        Ok(())
    }

    /// Deletes one access token's session.
    pub async fn delete_access(&self, hash: &TokenHash) -> Result<(), StoreError> {
        self.sessions().delete(hash).await.map(|_| ())
    }
}
