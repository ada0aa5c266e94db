//! Refresh token families: one per authorization, rotated on every use.
//!
//! A family remembers its current refresh token hash in clear (a hash is
//! no secret) so that Redis itself can compare-and-swap it: rotation is one
//! script, without a lock. The script that wins also caches the new pair,
//! sealed, under the old token's hash for the grace window; a concurrent
//! refresh that loses the swap reads that pair and returns it, so both
//! callers get the same tokens and neither looks like a replay. A rotated
//! token presented after the grace window is a replay: the whole family is
//! revoked (RFC 9700 section 4.14.2).
//!
//! The grace pair is the one place where tokens themselves, not their
//! hashes, are kept: sealed with the key ring, for the grace window only.
//! The set of a family's access token hashes only grows (expired ones are
//! removed when the family is), about one entry per refresh.

use std::sync::LazyLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::grant_store::{GrantStore, Record};
use super::settings::MAX_CODE_TTL;
use crate::make::MakeCredential;
use crate::session::{StoreError, TokenHash, UnixSeconds};

/// What every token of a family is issued for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyGrant {
    /// The client the family belongs to.
    pub client_id: String,
    /// The user who consented.
    pub user_id: String,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// The RFC 8707 resource.
    pub resource: String,
    /// The Make.com credential.
    pub credential: MakeCredential,
    /// When the family, and every refresh token in it, ends.
    pub expires_at: UnixSeconds,
}

/// A token pair as handed to the client: kept sealed for the grace window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPair {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
    /// When the access token expires.
    pub access_expires_at: UnixSeconds,
    /// Scopes granted, space separated.
    pub scope: String,
    /// The client it was issued to.
    pub client_id: String,
}

/// What a refresh token names.
#[derive(Debug)]
pub enum RefreshLookup {
    /// Unknown, expired, or its family was revoked.
    Unknown,
    /// Rotated moments ago: the pair it was rotated into.
    InGrace(IssuedPair),
    /// The family's current token.
    Current {
        /// The family id.
        family: String,
        /// The family's grant.
        grant: FamilyGrant,
    },
    /// An older token of a live family: a replay.
    Replayed {
        /// The family to revoke.
        family: String,
    },
}

/// Outcome of a compare-and-swap rotation.
#[derive(Debug)]
pub enum Rotation {
    /// This call rotated the family.
    Rotated,
    /// Another call rotated it first; here is the pair it issued.
    LostTo(IssuedPair),
    /// The family changed otherwise (revoked, or rotated long ago).
    Gone,
}

static CREATE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'g', ARGV[1], 'cur', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[4])
return 1
",
    )
});

static LOOKUP: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local family = redis.call('GET', KEYS[1])
if not family then return {false, false, false, false} end
local grace = redis.call('GET', KEYS[2])
local fields = redis.call('HMGET', ARGV[1] .. family, 'g', 'cur')
return {family, grace, fields[1], fields[2]}
",
    )
});

static ROTATE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
if redis.call('HGET', KEYS[1], 'cur') ~= ARGV[1] then
  return {0, redis.call('GET', KEYS[2])}
end
redis.call('HSET', KEYS[1], 'cur', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[6])
redis.call('SADD', KEYS[4], ARGV[7])
return {1, false}
",
    )
});

static REVOKE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local members = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], 1, 'EX', ARGV[1])
return members
",
    )
});

/// Four optional replies of the lookup script.
type LookupReply = (
    Option<String>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<String>,
);

impl GrantStore {
    /// Starts a family with its first refresh and access token hashes.
    /// Returns `false` when the family was revoked before it was created
    /// (its code was redeemed twice in a race).
    pub async fn create_family(
        &self,
        family: &str,
        grant: &FamilyGrant,
        refresh: &TokenHash,
        access: &TokenHash,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let key = self.key(Record::Family, family);
        let blob = self.seal(&key, grant)?;
        let mut invocation = CREATE.key(&key);
        invocation
            .key(self.key(Record::FamilyAccess, family))
            .key(self.hashed_key(Record::Refresh, refresh))
            .key(self.key(Record::Tombstone, family))
            .arg(blob)
            .arg(refresh.to_hex())
            .arg(access.to_hex())
            .arg(ttl.as_secs().max(1))
            .arg(family);

        let created: i64 = self
            .query("create family", |mut c| async move {
                invocation.invoke_async(&mut c).await
            })
            .await?;
        Ok(created == 1)
    }

    /// Finds what a refresh token names, in one round trip.
    pub async fn lookup_refresh(&self, refresh: &TokenHash) -> Result<RefreshLookup, StoreError> {
        let grace_key = self.hashed_key(Record::Grace, refresh);
        let mut invocation = LOOKUP.key(self.hashed_key(Record::Refresh, refresh));
        invocation
            .key(&grace_key)
            .arg(format!("{}{}", self.prefix(), "of:"));

        let (family, grace, grant, current): LookupReply = self
            .query("lookup refresh", |mut c| async move {
                invocation.invoke_async(&mut c).await
            })
            .await?;

        let Some(family) = family else {
            return Ok(RefreshLookup::Unknown);
        };
        let (Some(grant), Some(current)) = (grant, current) else {
            return Ok(RefreshLookup::Unknown);
        };
        if let Some(grace) = grace {
            return Ok(RefreshLookup::InGrace(self.open(&grace_key, &grace)?));
        }
        if current != refresh.to_hex() {
            return Ok(RefreshLookup::Replayed { family });
        }
        let grant = self.open(&self.key(Record::Family, &family), &grant)?;
        Ok(RefreshLookup::Current { family, grant })
    }

    /// Swaps the family's current refresh token from `old` to the new pair,
    /// unless another call did first.
    pub async fn rotate(
        &self,
        family: &str,
        old: &TokenHash,
        pair: &IssuedPair,
        grace: Duration,
        family_ttl: Duration,
    ) -> Result<Rotation, StoreError> {
        let grace_key = self.hashed_key(Record::Grace, old);
        let new = TokenHash::of(&pair.refresh_token);
        let access = TokenHash::of(&pair.access_token);
        let blob = self.seal(&grace_key, pair)?;

        let mut invocation = ROTATE.key(self.key(Record::Family, family));
        invocation
            .key(&grace_key)
            .key(self.hashed_key(Record::Refresh, &new))
            .key(self.key(Record::FamilyAccess, family))
            .arg(old.to_hex())
            .arg(new.to_hex())
            .arg(blob)
            .arg(grace.as_secs().max(1))
            .arg(family)
            .arg(family_ttl.as_secs().max(1))
            .arg(access.to_hex());

        let (rotated, winner): (i64, Option<Vec<u8>>) = self
            .query("rotate refresh", |mut c| async move {
                invocation.invoke_async(&mut c).await
            })
            .await?;

        match (rotated, winner) {
            (1, _) => Ok(Rotation::Rotated),
            (_, Some(blob)) => Ok(Rotation::LostTo(self.open(&grace_key, &blob)?)),
            _ => Ok(Rotation::Gone),
        }
    }

    /// Ends a family: no refresh token of it works again. Returns the
    /// access token hashes it issued, for the caller to delete.
    pub async fn revoke_family(&self, family: &str) -> Result<Vec<TokenHash>, StoreError> {
        let mut invocation = REVOKE.key(self.key(Record::Family, family));
        invocation
            .key(self.key(Record::FamilyAccess, family))
            .key(self.key(Record::Tombstone, family))
            .arg(MAX_CODE_TTL.as_secs());

        let members: Vec<String> = self
            .query("revoke family", |mut c| async move {
                invocation.invoke_async(&mut c).await
            })
            .await?;
        Ok(members
            .iter()
            .filter_map(|hex| TokenHash::from_hex(hex))
            .collect())
    }

    /// The client a refresh token's family belongs to, for revocation.
    pub async fn refresh_owner(
        &self,
        refresh: &TokenHash,
    ) -> Result<Option<(String, String)>, StoreError> {
        match self.lookup_refresh(refresh).await? {
            RefreshLookup::Current { family, grant } => Ok(Some((family, grant.client_id))),
            _ => Ok(None),
        }
    }
}
