//! Data keys per rotation epoch: the current one seals, retained ones open.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aes_gcm::aead::{AeadInOut, KeyInit, Nonce};
use aes_gcm::{Aes256Gcm, Key, Tag};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::envelope::{self, ENVELOPE_OVERHEAD, Envelope, EnvelopeError, KeyId};
use super::master_key::MasterKey;

/// How often the data key changes, and how many past keys still open blobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotationPolicy {
    /// Length of one epoch; the report's default is a day.
    pub period: Duration,
    /// Past epochs whose keys still open blobs. Keep this at least as long
    /// as the longest session, or live sessions stop opening.
    pub retained_epochs: u32,
}

impl Default for RotationPolicy {
    fn default() -> Self {
        Self {
            period: Duration::from_secs(24 * 60 * 60),
            retained_epochs: 31,
        }
    }
}

/// Why a key ring could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyRingError {
    /// No master key was given.
    #[error("key ring: no master key configured (set MCP_PERF_SESSION_KEYS to ID:BASE64)")]
    NoMasterKey,
    /// Two master keys share an id, so envelopes could not name one.
    #[error("key ring: master key id {0} appears twice")]
    DuplicateId(u8),
    /// A zero-length period cannot number epochs.
    #[error("key ring: rotation period must be at least one second")]
    ZeroPeriod,
}

/// Seals and opens envelopes with AES-256-GCM.
///
/// Cheap to share: clone the `Arc` it usually lives in. Sealing takes a read
/// lock on the current key set; [`KeyRing::rotate`] swaps the set under the
/// write lock, so readers never see a half-built ring.
pub struct KeyRing {
    masters: Vec<MasterKey>,
    policy: RotationPolicy,
    keys: RwLock<Arc<DataKeys>>,
}

/// The derived ciphers of one moment: current plus retained epochs.
struct DataKeys {
    current: KeyId,
    ciphers: HashMap<KeyId, Aes256Gcm>,
}

impl KeyRing {
    /// Builds a ring whose first master key seals, with keys for `now`.
    pub fn new(masters: Vec<MasterKey>, policy: RotationPolicy) -> Result<Self, KeyRingError> {
        if masters.is_empty() {
            return Err(KeyRingError::NoMasterKey);
        }
        if policy.period.as_secs() == 0 {
            return Err(KeyRingError::ZeroPeriod);
        }
        for (i, key) in masters.iter().enumerate() {
            if masters[..i].iter().any(|earlier| earlier.id() == key.id()) {
                return Err(KeyRingError::DuplicateId(key.id()));
            }
        }

        let keys = derive_keys(&masters, policy, epoch_at(SystemTime::now(), policy));
        Ok(Self {
            masters,
            policy,
            keys: RwLock::new(Arc::new(keys)),
        })
    }

    /// A ring with one fresh random master key, for tests and benches.
    pub fn ephemeral() -> Self {
        Self::new(vec![MasterKey::generate(1)], RotationPolicy::default())
            .expect("one master key and a non-zero period form a valid ring")
    }

    /// The key that seals now.
    pub fn current_key(&self) -> KeyId {
        self.snapshot().current
    }

    /// Moves to the epoch of `now` when it differs from the current one.
    ///
    /// Every process derives the same key for an epoch, so calling this on
    /// a timer (or before sealing) is all rotation needs. Returns whether
    /// the current key changed.
    pub fn rotate(&self, now: SystemTime) -> bool {
        let epoch = epoch_at(now, self.policy);
        if self.current_key().epoch == epoch {
            return false;
        }

        let keys = Arc::new(derive_keys(&self.masters, self.policy, epoch));
        *self
            .keys
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = keys;
        true
    }

    /// Encrypts `plaintext` bound to `context` (for sessions, the Redis key).
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let keys = self.snapshot();
        let cipher = &keys.ciphers[&keys.current];

        let mut nonce = Nonce::<Aes256Gcm>::default();
        rand::fill(&mut nonce[..]);

        let mut blob = Vec::with_capacity(plaintext.len() + ENVELOPE_OVERHEAD);
        blob.extend_from_slice(&envelope::header(keys.current));
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(plaintext);

        let (head, body) = blob.split_at_mut(envelope::HEADER_LEN + envelope::NONCE_LEN);
        let aad = associated_data(&head[..envelope::HEADER_LEN], context);
        let tag = cipher
            .encrypt_inout_detached(&nonce, &aad, body.into())
            .expect("a session blob is far below AES-GCM's 64 GiB message limit");
        blob.extend_from_slice(&tag);
        blob
    }

    /// Verifies and decrypts a blob sealed for `context`.
    pub fn open(&self, context: &[u8], blob: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
        let envelope = Envelope::parse(blob)?;
        let keys = self.snapshot();
        let cipher = keys
            .ciphers
            .get(&envelope.key_id)
            .ok_or(EnvelopeError::UnknownKey(envelope.key_id))?;

        let nonce =
            Nonce::<Aes256Gcm>::try_from(envelope.nonce).map_err(|_| EnvelopeError::Forged)?;
        let tag = Tag::try_from(envelope.tag).map_err(|_| EnvelopeError::Forged)?;
        let aad = associated_data(envelope.header, context);

        let mut plaintext = envelope.ciphertext.to_vec();
        cipher
            .decrypt_inout_detached(&nonce, &aad, plaintext.as_mut_slice().into(), &tag)
            .map_err(|_| EnvelopeError::Forged)?;
        Ok(plaintext)
    }

    fn snapshot(&self) -> Arc<DataKeys> {
        self.keys
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("masters", &self.masters)
            .field("policy", &self.policy)
            .field("current", &self.current_key())
            .finish()
    }
}

/// The header and the caller's context, authenticated but not encrypted.
fn associated_data(header: &[u8], context: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + context.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(context);
    aad
}

fn epoch_at(now: SystemTime, policy: RotationPolicy) -> u32 {
    let seconds = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    u32::try_from(seconds / policy.period.as_secs()).unwrap_or(u32::MAX)
}

fn derive_keys(masters: &[MasterKey], policy: RotationPolicy, epoch: u32) -> DataKeys {
    let oldest = epoch.saturating_sub(policy.retained_epochs);
    let ciphers = masters
        .iter()
        .flat_map(|master| (oldest..=epoch).map(move |epoch| (master, epoch)))
        .map(|(master, epoch)| {
            let id = KeyId {
                master: master.id(),
                epoch,
            };
            (id, Aes256Gcm::new(&derive_key(master, epoch)))
        })
        .collect();

    DataKeys {
        current: KeyId {
            master: masters[0].id(),
            epoch,
        },
        ciphers,
    }
}

/// HKDF-SHA256 with the epoch in `info`: one independent key per epoch.
fn derive_key(master: &MasterKey, epoch: u32) -> Key<Aes256Gcm> {
    let mut info = *b"mcp-perf session key v1 epoch \0\0\0\0";
    info[30..].copy_from_slice(&epoch.to_be_bytes());

    let mut okm = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, master.bytes())
        .expand(&info, &mut okm[..])
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    Key::<Aes256Gcm>::from(*okm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(masters: Vec<MasterKey>) -> KeyRing {
        KeyRing::new(masters, RotationPolicy::default()).unwrap()
    }

    #[test]
    fn opens_what_it_sealed() {
        let ring = KeyRing::ephemeral();
        let blob = ring.seal(b"ctx", b"hello");

        assert_eq!(blob.len(), 5 + ENVELOPE_OVERHEAD);
        assert_eq!(ring.open(b"ctx", &blob).unwrap(), b"hello");
    }

    #[test]
    fn nonces_differ_between_seals() {
        let ring = KeyRing::ephemeral();
        assert_ne!(ring.seal(b"ctx", b"same"), ring.seal(b"ctx", b"same"));
    }

    #[test]
    fn another_context_fails() {
        let ring = KeyRing::ephemeral();
        let blob = ring.seal(b"session:a", b"hello");

        assert_eq!(ring.open(b"session:b", &blob), Err(EnvelopeError::Forged));
    }

    #[test]
    fn every_flipped_bit_fails() {
        let ring = KeyRing::ephemeral();
        let blob = ring.seal(b"ctx", b"payload");

        for byte in 0..blob.len() {
            let mut tampered = blob.clone();
            tampered[byte] ^= 0x01;
            assert!(
                ring.open(b"ctx", &tampered).is_err(),
                "flip at byte {byte} opened"
            );
        }
    }

    #[test]
    fn a_key_with_the_same_id_but_other_bytes_fails() {
        let blob = ring(vec![MasterKey::generate(1)]).seal(b"ctx", b"x");
        let other = ring(vec![MasterKey::generate(1)]);

        assert_eq!(other.open(b"ctx", &blob), Err(EnvelopeError::Forged));
    }

    #[test]
    fn an_unknown_master_is_named() {
        let blob = ring(vec![MasterKey::generate(9)]).seal(b"ctx", b"x");
        let other = ring(vec![MasterKey::generate(1)]);

        assert!(matches!(
            other.open(b"ctx", &blob),
            Err(EnvelopeError::UnknownKey(KeyId { master: 9, .. }))
        ));
    }

    #[test]
    fn older_masters_still_open_after_replacement() {
        let (old, new) = (MasterKey::generate(1), MasterKey::generate(2));
        let blob = ring(vec![old.clone()]).seal(b"ctx", b"kept");
        let replaced = ring(vec![new, old]);

        assert_eq!(replaced.open(b"ctx", &blob).unwrap(), b"kept");
        assert_eq!(replaced.current_key().master, 2);
    }

    #[test]
    fn rotation_seals_with_a_new_key_and_opens_retained_ones() {
        let master = MasterKey::generate(1);
        let policy = RotationPolicy {
            period: Duration::from_secs(60),
            retained_epochs: 2,
        };
        let ring = KeyRing::new(vec![master], policy).unwrap();
        let start = ring.current_key();
        let before = ring.seal(b"ctx", b"old");

        assert!(ring.rotate(SystemTime::now() + Duration::from_secs(60)));
        assert_eq!(ring.current_key().epoch, start.epoch + 1);
        assert_eq!(ring.open(b"ctx", &before).unwrap(), b"old");

        assert!(ring.rotate(SystemTime::now() + Duration::from_secs(180)));
        assert_eq!(
            ring.open(b"ctx", &before),
            Err(EnvelopeError::UnknownKey(start))
        );
    }

    #[test]
    fn two_processes_derive_the_same_epoch_key() {
        let master = MasterKey::generate(4);
        let blob = ring(vec![master.clone()]).seal(b"ctx", b"shared");

        assert_eq!(ring(vec![master]).open(b"ctx", &blob).unwrap(), b"shared");
    }

    #[test]
    fn refuses_empty_and_duplicate_rings() {
        let policy = RotationPolicy::default();
        assert_eq!(
            KeyRing::new(vec![], policy).unwrap_err(),
            KeyRingError::NoMasterKey
        );

        let twins = vec![MasterKey::generate(3), MasterKey::generate(3)];
        assert_eq!(
            KeyRing::new(twins, policy).unwrap_err(),
            KeyRingError::DuplicateId(3)
        );
    }
}
