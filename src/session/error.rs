//! What can go wrong between a token and its session.

use std::time::Duration;

use super::codec::CodecError;
use super::pool::PoolError;
use crate::crypto::EnvelopeError;

/// A store operation failed. Messages name the Redis address or the token
/// hash prefix, never a token or a session's contents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No connection could be had.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// Redis answered with an error, or the connection broke mid-command.
    #[error("redis at {addr}: {operation} failed: {source}")]
    Redis {
        /// Host and port.
        addr: String,
        /// Which store operation.
        operation: &'static str,
        /// What the driver said.
        #[source]
        source: redis::RedisError,
    },
    /// Redis did not answer within the timeout.
    #[error("redis at {addr}: {operation} got no answer within {after:?}")]
    Timeout {
        /// Host and port.
        addr: String,
        /// Which store operation.
        operation: &'static str,
        /// The timeout.
        after: Duration,
    },
    /// The blob under a key did not open: tampered, truncated, foreign key
    /// or unknown version. The blob is left in place for inspection.
    #[error("session {key} is unreadable: {source}")]
    Unsealable {
        /// The Redis key (it holds a token hash, not a token).
        key: String,
        /// Why it did not open.
        #[source]
        source: EnvelopeError,
    },
    /// The blob opened but its contents did not decode.
    #[error("session {key} is undecodable: {source}")]
    Undecodable {
        /// The Redis key.
        key: String,
        /// Why it did not decode.
        #[source]
        source: CodecError,
    },
    /// A session whose expiry has passed cannot be saved.
    #[error("session for user {user_id} has already expired")]
    AlreadyExpired {
        /// The session's user.
        user_id: String,
    },
}

impl StoreError {
    /// Whether the stored data, rather than Redis, is at fault.
    pub fn is_corrupt(&self) -> bool {
        matches!(self, Self::Unsealable { .. } | Self::Undecodable { .. })
    }
}
