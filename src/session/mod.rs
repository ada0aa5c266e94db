//! Sessions and where they live.
//!
//! A session at rest: [`Session`] -> [`SessionCodec`] (serialize, compress
//! above 1 KiB) -> [`crate::crypto::KeyRing`] (AES-256-GCM, bound to the
//! Redis key) -> Redis with a TTL. [`RedisSessionStore`] does the round
//! trip, with [`SessionCache`] in front and [`RedisPool`] behind.

mod cache;
mod codec;
mod error;
pub mod fixtures;
mod model;
mod pool;
mod stats;
mod store;
mod token;

pub use cache::{CacheSettings, SessionCache};
pub use codec::{CodecError, Compression, Format, SessionCodec};
pub use error::StoreError;
pub use model::{Session, UnixSeconds, unix_now};
pub use pool::{PoolError, PoolKind, PoolSettings, RedisConnection, RedisPool};
pub use stats::StoreStats;
pub use store::{RedisSessionStore, StoreSettings};
pub use token::TokenHash;
