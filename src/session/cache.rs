//! The in-process L1 cache in front of Redis.
//!
//! An entry lives for the configured TTL (300 s by default) and never past
//! its session's own expiry. The cache is bounded by entry count and by
//! weight at once: each entry weighs at least `max_bytes / max_entries`, so
//! neither bound can be passed.
//!
//! Staleness across processes: this process invalidates its own entries on
//! save, delete and revoke, but another server's L1 may keep serving a
//! revoked session for up to the TTL. Closing that window takes RESP3
//! client-side caching (`CLIENT TRACKING`, the redis crate's `cache-aio`) or
//! a pub/sub invalidation channel; neither is built yet, so deployments that
//! need prompt revocation across processes should lower the TTL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use serde::{Deserialize, Serialize};

use super::model::{Session, unix_now};
use super::token::TokenHash;

/// L1 bounds and TTL; `enabled = false` turns the cache off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CacheSettings {
    /// Whether loads consult the L1 cache at all.
    pub enabled: bool,
    /// Longest time an entry is served without asking Redis.
    #[serde(with = "crate::config::seconds")]
    pub ttl: Duration,
    /// Most entries held.
    pub max_entries: u64,
    /// Most bytes held, by the sessions' approximate in-memory size.
    pub max_bytes: u64,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl: Duration::from_secs(300),
            max_entries: 100_000,
            max_bytes: 256 << 20,
        }
    }
}

/// Decoded sessions by token hash.
#[derive(Clone)]
pub struct SessionCache {
    entries: Option<Cache<TokenHash, Arc<Session>>>,
}

impl SessionCache {
    /// Builds the cache, or a no-op one when disabled.
    pub fn new(settings: &CacheSettings) -> Self {
        if !settings.enabled {
            return Self { entries: None };
        }

        let floor = (settings.max_bytes / settings.max_entries.max(1)).max(1);
        let floor = u32::try_from(floor).unwrap_or(u32::MAX);
        let entries = Cache::builder()
            .max_capacity(settings.max_bytes)
            .weigher(move |_, session: &Arc<Session>| approximate_size(session).max(floor))
            .expire_after(SessionExpiry { ttl: settings.ttl })
            .build();
        Self {
            entries: Some(entries),
        }
    }

    /// The cached session, if present and not expired.
    pub async fn get(&self, hash: &TokenHash) -> Option<Arc<Session>> {
        let session = self.entries.as_ref()?.get(hash).await?;
        (!session.is_expired_at(unix_now())).then_some(session)
    }

    /// Caches a session just read from or written to Redis.
    pub async fn insert(&self, hash: TokenHash, session: Arc<Session>) {
        if let Some(entries) = &self.entries {
            entries.insert(hash, session).await;
        }
    }

    /// Forgets one session in this process.
    pub async fn invalidate(&self, hash: &TokenHash) {
        if let Some(entries) = &self.entries {
            entries.invalidate(hash).await;
        }
    }

    /// Entries held now (approximate: moka counts lazily).
    pub fn len(&self) -> u64 {
        self.entries.as_ref().map_or(0, Cache::entry_count)
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Per-entry expiry: the shorter of the TTL and the session's time left.
struct SessionExpiry {
    ttl: Duration,
}

impl Expiry<TokenHash, Arc<Session>> for SessionExpiry {
    fn expire_after_create(
        &self,
        _: &TokenHash,
        session: &Arc<Session>,
        _: Instant,
    ) -> Option<Duration> {
        Some(self.ttl.min(session.remaining_at(unix_now())))
    }

    fn expire_after_update(
        &self,
        key: &TokenHash,
        session: &Arc<Session>,
        now: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        self.expire_after_create(key, session, now)
    }
}

/// Heap bytes a session holds, roughly: strings plus fixed overhead.
fn approximate_size(session: &Session) -> u32 {
    let strings = session.user_id.len()
        + session.client_id.len()
        + session.audience.len()
        + session.credential.secret.expose().len()
        + session.scopes.iter().map(String::len).sum::<usize>()
        + session
            .metadata
            .iter()
            .map(|(k, v)| k.len() + v.len() + 48)
            .sum::<usize>();
    u32::try_from(strings + std::mem::size_of::<Session>() + 64).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::fixtures::session_of_size;

    #[tokio::test]
    async fn serves_what_was_inserted_until_invalidated() {
        let cache = SessionCache::new(&CacheSettings::default());
        let hash = TokenHash::of("t");
        cache.insert(hash, Arc::new(session_of_size(100))).await;

        assert!(cache.get(&hash).await.is_some());
        cache.invalidate(&hash).await;
        assert!(cache.get(&hash).await.is_none());
    }

    #[tokio::test]
    async fn never_serves_an_expired_session() {
        let cache = SessionCache::new(&CacheSettings::default());
        let mut session = session_of_size(100);
        session.expires_at = unix_now() - 1;
        cache.insert(TokenHash::of("t"), Arc::new(session)).await;

        assert!(cache.get(&TokenHash::of("t")).await.is_none());
    }

    #[tokio::test]
    async fn disabled_cache_holds_nothing() {
        let cache = SessionCache::new(&CacheSettings {
            enabled: false,
            ..CacheSettings::default()
        });
        cache
            .insert(TokenHash::of("t"), Arc::new(session_of_size(100)))
            .await;

        assert!(cache.get(&TokenHash::of("t")).await.is_none());
    }

    #[tokio::test]
    async fn entry_count_bound_holds_for_small_sessions() {
        let settings = CacheSettings {
            max_entries: 10,
            ..CacheSettings::default()
        };
        let cache = SessionCache::new(&settings);
        for i in 0..200 {
            cache
                .insert(
                    TokenHash::of(&i.to_string()),
                    Arc::new(session_of_size(100)),
                )
                .await;
        }
        cache.entries.as_ref().unwrap().run_pending_tasks().await;

        assert!(cache.len() <= 10, "{} entries", cache.len());
    }
}
