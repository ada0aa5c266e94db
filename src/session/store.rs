//! `RedisSessionStore`: sealed sessions in Redis behind the L1 cache.
//!
//! Layout in Redis (`P` is the configured prefix, `mcp:` by default):
//! - `P s:<sha256 hex of token>`: the sealed session, TTL = its lifetime;
//! - `P u:<user id>`: a set of that user's token hashes, so revoking a user
//!   touches only their keys. No path uses `KEYS` or `SCAN`.
//!
//! Redis Cluster is not supported yet: a session key and its user index
//! hash to different slots, so the save transaction and the revoke script
//! would need hash tags (`{user}`) in both keys first.
//!
//! `delete` removes the session key but not its user-index entry (the index
//! would need the user id, which only the sealed blob holds). Stale entries
//! are harmless: revoke deletes missing keys as a no-op, and the index
//! expires with the user's longest-lived session.

use std::sync::Arc;
use std::time::Duration;

use redis::{FromRedisValue, RedisResult};
use serde::{Deserialize, Serialize};

use super::cache::{CacheSettings, SessionCache};
use super::codec::SessionCodec;
use super::error::StoreError;
use super::model::{Session, unix_now};
use super::pool::{PoolSettings, RedisConnection, RedisPool};
use super::stats::{StoreCounters, StoreStats};
use super::token::TokenHash;
use crate::crypto::KeyRing;

/// Everything a store can be tuned by; each optimisation can be switched off
/// (`pool.kind = "unpooled"`, `cache.enabled = false`,
/// `codec.compression = "none"`) so benchmarks can show before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoreSettings {
    /// Redis connections.
    pub pool: PoolSettings,
    /// The in-process cache.
    pub cache: CacheSettings,
    /// Serialization and compression.
    pub codec: SessionCodec,
    /// Prefix of every key this store writes.
    pub key_prefix: String,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            pool: PoolSettings::default(),
            cache: CacheSettings::default(),
            codec: SessionCodec::default(),
            key_prefix: "mcp:".into(),
        }
    }
}

/// Deletes every session in a user's index, and the index, atomically, and
/// returns the hashes it held so the caller can clear its L1 entries.
const REVOKE_USER: &str = r"
local members = redis.call('SMEMBERS', KEYS[1])
for _, member in ipairs(members) do
  redis.call('DEL', ARGV[1] .. member)
end
redis.call('DEL', KEYS[1])
return members
";

/// Encrypted sessions in Redis, with an L1 cache in this process.
#[derive(Clone)]
pub struct RedisSessionStore {
    pool: RedisPool,
    keys: Arc<KeyRing>,
    cache: SessionCache,
    codec: SessionCodec,
    prefix: Arc<str>,
    counters: Arc<StoreCounters>,
}

impl RedisSessionStore {
    /// Connects to Redis at `url`; fails within the acquire timeout.
    pub async fn connect(
        url: &str,
        keys: Arc<KeyRing>,
        settings: &StoreSettings,
    ) -> Result<Self, StoreError> {
        let pool = RedisPool::connect(url, &settings.pool).await?;
        Ok(Self {
            pool,
            keys,
            cache: SessionCache::new(&settings.cache),
            codec: settings.codec,
            prefix: settings.key_prefix.as_str().into(),
            counters: Arc::default(),
        })
    }

    /// The session for a token hash, if one is stored and unexpired.
    pub async fn load(&self, hash: &TokenHash) -> Result<Option<Arc<Session>>, StoreError> {
        if let Some(session) = self.cache.get(hash).await {
            StoreCounters::bump(&self.counters.l1_hits);
            return Ok(Some(session));
        }
        StoreCounters::bump(&self.counters.l1_misses);

        let key = self.session_key(hash);
        let get = redis::Cmd::get(&key);
        let blob: Option<Vec<u8>> = self
            .query("load", |mut c| async move { get.query_async(&mut c).await })
            .await?;
        let Some(blob) = blob else { return Ok(None) };

        let session = self.unseal(key, &blob)?;
        if session.is_expired_at(unix_now()) {
            return Ok(None);
        }
        let session = Arc::new(session);
        self.cache.insert(*hash, session.clone()).await;
        Ok(Some(session))
    }

    /// Stores a session under a token hash until the session expires, and
    /// indexes it under its user.
    pub async fn save(&self, hash: &TokenHash, session: &Session) -> Result<(), StoreError> {
        let now = unix_now();
        if session.is_expired_at(now) {
            return Err(StoreError::AlreadyExpired {
                user_id: session.user_id.clone(),
            });
        }

        let ttl = session.expires_at - now;
        let key = self.session_key(hash);
        let index = self.user_key(&session.user_id);
        let blob = self.seal(&key, session)?;

        let mut pipe = redis::pipe();
        pipe.atomic()
            .set_ex(&key, blob, ttl)
            .sadd(&index, hash.to_hex())
            .cmd("EXPIRE")
            .arg(&index)
            .arg(ttl)
            .arg("NX")
            .cmd("EXPIRE")
            .arg(&index)
            .arg(ttl)
            .arg("GT")
            .ignore();
        self.query("save", |mut c| async move {
            pipe.query_async::<()>(&mut c).await
        })
        .await?;

        self.cache.insert(*hash, Arc::new(session.clone())).await;
        Ok(())
    }

    /// Removes one session; returns whether it existed.
    pub async fn delete(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        self.cache.invalidate(hash).await;

        let del = redis::Cmd::del(self.session_key(hash));
        let removed: u64 = self
            .query(
                "delete",
                |mut c| async move { del.query_async(&mut c).await },
            )
            .await?;
        Ok(removed > 0)
    }

    /// Marks a session used now and pushes its expiry to at least
    /// `now + extend_by`; returns the updated session, or `None` when absent.
    ///
    /// Read-modify-write without a lock: two concurrent touches of one
    /// session both succeed and the later write wins, which only matters for
    /// `last_activity`.
    pub async fn touch(
        &self,
        hash: &TokenHash,
        extend_by: Duration,
    ) -> Result<Option<Arc<Session>>, StoreError> {
        let Some(current) = self.load(hash).await? else {
            return Ok(None);
        };

        let now = unix_now();
        let mut session = Session::clone(&current);
        session.last_activity = now;
        session.expires_at = session.expires_at.max(now + extend_by.as_secs());
        self.save(hash, &session).await?;
        Ok(Some(Arc::new(session)))
    }

    /// Deletes every session of a user; returns how many keys it named.
    pub async fn revoke_user(&self, user_id: &str) -> Result<usize, StoreError> {
        let mut script = redis::cmd("EVAL");
        script
            .arg(REVOKE_USER)
            .arg(1)
            .arg(self.user_key(user_id))
            .arg(format!("{}s:", self.prefix));
        let members: Vec<String> = self
            .query(
                "revoke",
                |mut c| async move { script.query_async(&mut c).await },
            )
            .await?;

        for hash in members.iter().filter_map(|hex| TokenHash::from_hex(hex)) {
            self.cache.invalidate(&hash).await;
        }
        Ok(members.len())
    }

    /// Counters since the store was built.
    pub fn stats(&self) -> StoreStats {
        self.counters.snapshot()
    }

    /// The connection pool, for benchmarks that measure the raw-GET floor
    /// through the very same connections.
    pub fn pool(&self) -> &RedisPool {
        &self.pool
    }

    /// The Redis key a token hash is stored under.
    pub fn session_key(&self, hash: &TokenHash) -> String {
        format!("{}s:{}", self.prefix, hash.to_hex())
    }

    fn user_key(&self, user_id: &str) -> String {
        format!("{}u:{}", self.prefix, user_id)
    }

    fn seal(&self, key: &str, session: &Session) -> Result<Vec<u8>, StoreError> {
        let plaintext = self
            .codec
            .encode(session)
            .map_err(|source| StoreError::Undecodable {
                key: key.to_string(),
                source,
            })?;
        Ok(self.keys.seal(key.as_bytes(), &plaintext))
    }

    fn unseal(&self, key: String, blob: &[u8]) -> Result<Session, StoreError> {
        let opened =
            self.keys
                .open(key.as_bytes(), blob)
                .map_err(|source| StoreError::Unsealable {
                    key: key.clone(),
                    source,
                });
        let decoded = opened.and_then(|plaintext| {
            self.codec
                .decode(&plaintext)
                .map_err(|source| StoreError::Undecodable { key, source })
        });
        if let Err(error) = &decoded {
            StoreCounters::bump(&self.counters.corrupt_blobs);
            tracing::warn!(%error, "unreadable session blob");
        }
        decoded
    }

    /// Runs one Redis request with a connection from the pool, bounded by
    /// the pool's timeout, and maps failures to [`StoreError`].
    async fn query<T, F>(
        &self,
        operation: &'static str,
        request: impl FnOnce(RedisConnection) -> F,
    ) -> Result<T, StoreError>
    where
        T: FromRedisValue,
        F: Future<Output = RedisResult<T>>,
    {
        let result = self.pool.query(operation, request).await;
        if result.is_err() {
            StoreCounters::bump(&self.counters.redis_errors);
        }
        result
    }
}
