//! AES-256-GCM envelopes and the key ring that seals sessions at rest.
//!
//! Parts:
//! - [`MasterKey`]: the secret from configuration; never printed.
//! - [`KeyRing`]: derives one data key per rotation epoch from the master
//!   keys, seals with the current one and opens with any retained one.
//! - [`Envelope`]: the byte layout of a sealed blob.
//!
//! Rotation needs no coordination between processes: every process derives
//! the same data key for an epoch (HKDF-SHA256 of the master key and the epoch
//! number), so a server started tomorrow reads what another sealed today.

mod envelope;
mod key_ring;
mod master_key;

pub use envelope::{ENVELOPE_OVERHEAD, Envelope, EnvelopeError, KeyId};
pub use key_ring::{KeyRing, KeyRingError, RotationPolicy};
pub use master_key::{MasterKey, MasterKeyError};
