//! Where codes, refresh token families and registered clients live in Redis.
//!
//! Codes and families hold the user's Make.com credential, so they are
//! sealed with the [`KeyRing`] (bound to their Redis key) like sessions are;
//! client records hold nothing secret and are plain JSON. Every key is a
//! token hash or a random id, never a token.
//!
//! Key layout under the store's prefix `P`:
//!
//! | key | value | lifetime |
//! | --- | --- | --- |
//! | `P oc:<code hash>` | sealed [`CodeGrant`] | the code TTL |
//! | `P ou:<code hash>` | id of the family the code started | 10 min |
//! | `P of:<family>` | hash: `g` sealed [`FamilyGrant`], `cur` current refresh hash | the family |
//! | `P oa:<family>` | set of access token hashes issued in the family | the family |
//! | `P or:<refresh hash>` | family id, kept after rotation to catch replay | the family |
//! | `P og:<refresh hash>` | sealed pair the token was rotated into | the grace window |
//! | `P ox:<family>` | tombstone of a revoked family | 10 min |
//! | `P cl:<client id>` | JSON [`crate::oauth::Client`] | none |
//!
//! The refresh scripts build the family key inside Lua, so they do not run
//! on Redis Cluster yet: that needs the family id in a hash tag of every key.

use std::sync::Arc;

use redis::{FromRedisValue, RedisResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::crypto::KeyRing;
use crate::session::{RedisConnection, RedisPool, RedisSessionStore, StoreError, TokenHash};

/// Sealed and plain records of the authorization server, in Redis.
#[derive(Clone)]
pub struct GrantStore {
    pool: RedisPool,
    keys: Arc<KeyRing>,
    prefix: Arc<str>,
}

/// Which record a key names; the letters of the table in the module docs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Record {
    Code,
    UsedCode,
    Family,
    FamilyAccess,
    Refresh,
    Grace,
    Tombstone,
    Client,
}

impl Record {
    fn tag(self) -> &'static str {
        match self {
            Self::Code => "oc:",
            Self::UsedCode => "ou:",
            Self::Family => "of:",
            Self::FamilyAccess => "oa:",
            Self::Refresh => "or:",
            Self::Grace => "og:",
            Self::Tombstone => "ox:",
            Self::Client => "cl:",
        }
    }
}

impl GrantStore {
    /// Shares the session store's connections, key ring and prefix.
    pub fn new(sessions: &RedisSessionStore, keys: Arc<KeyRing>, prefix: &str) -> Self {
        Self {
            pool: sessions.pool().clone(),
            keys,
            prefix: prefix.into(),
        }
    }

    /// The key prefix, for scripts that build keys themselves.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The Redis key of a record named by a token hash.
    pub(crate) fn hashed_key(&self, record: Record, hash: &TokenHash) -> String {
        self.key(record, &hash.to_hex())
    }

    /// The Redis key of a record named by an id.
    pub(crate) fn key(&self, record: Record, id: &str) -> String {
        format!("{}{}{}", self.prefix, record.tag(), id)
    }

    /// Serializes and seals a record bound to its key.
    pub(crate) fn seal<T: Serialize>(&self, key: &str, record: &T) -> Result<Vec<u8>, StoreError> {
        let plaintext = postcard::to_allocvec(record).map_err(|_| undecodable(key))?;
        Ok(self.keys.seal(key.as_bytes(), &plaintext))
    }

    /// Opens and deserializes a record sealed for `key`.
    pub(crate) fn open<T: DeserializeOwned>(
        &self,
        key: &str,
        blob: &[u8],
    ) -> Result<T, StoreError> {
        let plaintext =
            self.keys
                .open(key.as_bytes(), blob)
                .map_err(|source| StoreError::Unsealable {
                    key: key.to_string(),
                    source,
                })?;
        postcard::from_bytes(&plaintext).map_err(|_| undecodable(key))
    }

    /// Runs one request on a pooled connection within the pool's timeout.
    pub(crate) async fn query<T, F>(
        &self,
        operation: &'static str,
        request: impl FnOnce(RedisConnection) -> F,
    ) -> Result<T, StoreError>
    where
        T: FromRedisValue,
        F: Future<Output = RedisResult<T>>,
    {
        self.pool.query(operation, request).await
    }
}

/// Records are written by this build, so a failure to decode one means
/// corruption or a foreign writer; the session codec error names the format.
fn undecodable(key: &str) -> StoreError {
    StoreError::Undecodable {
        key: key.to_string(),
        source: crate::session::CodecError::Deserialize(crate::session::Format::Postcard),
    }
}
