//! Authorization codes: sealed in Redis, consumed once, atomically.
//!
//! Consuming a code and leaving a "used" marker that names the token family
//! it starts happen in one script, so a second redemption, even a concurrent
//! one, learns which family to revoke.

use std::sync::LazyLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::grant_store::{GrantStore, Record};
use super::opaque::OpaqueToken;
use super::pkce::CodeChallenge;
use super::settings::MAX_CODE_TTL;
use crate::make::MakeCredential;
use crate::session::{StoreError, UnixSeconds};

/// What a code was issued for; every field is checked at redemption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeGrant {
    /// The client that asked.
    pub client_id: String,
    /// The exact redirect URI of the request.
    pub redirect_uri: String,
    /// The PKCE challenge the verifier must match.
    pub challenge: CodeChallenge,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// The RFC 8707 resource tokens will be valid for.
    pub resource: String,
    /// The consenting user.
    pub user_id: String,
    /// The Make.com credential the user gave.
    pub credential: MakeCredential,
    /// When the code stops being redeemable.
    pub expires_at: UnixSeconds,
}

/// What redeeming a code found.
#[derive(Debug)]
pub enum Redemption {
    /// The code was live; it is gone now, and `family` is reserved for the
    /// tokens it yields.
    Fresh(CodeGrant),
    /// The code was redeemed before, starting this family.
    Reused {
        /// The family to revoke.
        family: String,
    },
    /// No such code, or it expired.
    Unknown,
}

/// GETDEL the code; on success mark it used with the reserved family id,
/// otherwise report the family a previous redemption reserved.
static CONSUME: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local grant = redis.call('GETDEL', KEYS[1])
if grant then
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
  return {1, grant}
end
return {0, redis.call('GET', KEYS[2])}
",
    )
});

impl GrantStore {
    /// Stores a grant under a new code, for `ttl`; returns the code.
    pub async fn issue_code(
        &self,
        grant: &CodeGrant,
        ttl: Duration,
    ) -> Result<OpaqueToken, StoreError> {
        let code = OpaqueToken::generate();
        let key = self.hashed_key(Record::Code, &code.hash());
        let blob = self.seal(&key, grant)?;

        let set = redis::Cmd::set_ex(&key, blob, ttl.as_secs().max(1));
        self.query("issue code", |mut c| async move {
            set.query_async::<()>(&mut c).await
        })
        .await?;
        Ok(code)
    }

    /// Consumes a code, reserving `family` for what it yields.
    pub async fn redeem_code(
        &self,
        code: &OpaqueToken,
        family: &str,
    ) -> Result<Redemption, StoreError> {
        let hash = code.hash();
        let key = self.hashed_key(Record::Code, &hash);
        let mut invocation = CONSUME.key(&key);
        invocation
            .key(self.hashed_key(Record::UsedCode, &hash))
            .arg(family)
            .arg(MAX_CODE_TTL.as_secs());

        let (found, value): (i64, Option<Vec<u8>>) = self
            .query("redeem code", |mut c| async move {
                invocation.invoke_async(&mut c).await
            })
            .await?;

        match (found, value) {
            (1, Some(blob)) => Ok(Redemption::Fresh(self.open(&key, &blob)?)),
            (_, Some(family)) => Ok(Redemption::Reused {
                family: String::from_utf8_lossy(&family).into_owned(),
            }),
            _ => Ok(Redemption::Unknown),
        }
    }
}
