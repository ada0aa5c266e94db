//! The byte layout of a sealed blob, and nothing about how it is sealed.
//!
//! ```text
//! offset  size  field
//! 0       1     format version (1)
//! 1       1     master key id
//! 2       4     rotation epoch, big-endian
//! 6       12    random nonce
//! 18      n     ciphertext
//! 18+n    16    GCM tag
//! ```
//!
//! The first six bytes (the header) are authenticated as associated data
//! together with the caller's context (the Redis key), so changing the
//! version or key id, or moving the blob under another key, fails to open.

use std::fmt;

/// The only format this build writes and reads.
pub(super) const VERSION: u8 = 1;
pub(super) const HEADER_LEN: usize = 6;
pub(super) const NONCE_LEN: usize = 12;
pub(super) const TAG_LEN: usize = 16;

/// Bytes an envelope adds to its plaintext.
pub const ENVELOPE_OVERHEAD: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

/// Names one data key: the master it derives from and its rotation epoch.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId {
    /// Id of the master key.
    pub master: u8,
    /// Rotation epoch: whole rotation periods since the Unix epoch.
    pub epoch: u32,
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.master, self.epoch)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Why a blob could not be opened. None of these carries blob bytes.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum EnvelopeError {
    /// Shorter than the smallest possible envelope.
    #[error("sealed blob is truncated: {len} bytes, at least {ENVELOPE_OVERHEAD} expected")]
    Truncated {
        /// Length found.
        len: usize,
    },
    /// Written by a format this build does not know.
    #[error("sealed blob has unknown format version {0}")]
    UnknownVersion(u8),
    /// Sealed with a key this ring does not hold (retired, or foreign).
    #[error("sealed blob names key {0}, which this key ring does not hold")]
    UnknownKey(KeyId),
    /// The tag does not verify: tampered, moved to another key, or sealed
    /// with a different key of the same id.
    #[error("sealed blob failed authentication")]
    Forged,
}

/// A parsed, not yet verified, envelope borrowing the blob's bytes.
#[derive(Debug)]
pub struct Envelope<'a> {
    /// The key that sealed it.
    pub key_id: KeyId,
    pub(super) header: &'a [u8],
    pub(super) nonce: &'a [u8],
    pub(super) ciphertext: &'a [u8],
    pub(super) tag: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Splits a blob into its fields, checking length and version only.
    pub fn parse(blob: &'a [u8]) -> Result<Self, EnvelopeError> {
        if blob.len() < ENVELOPE_OVERHEAD {
            return Err(EnvelopeError::Truncated { len: blob.len() });
        }
        if blob[0] != VERSION {
            return Err(EnvelopeError::UnknownVersion(blob[0]));
        }

        let (header, rest) = blob.split_at(HEADER_LEN);
        let (nonce, rest) = rest.split_at(NONCE_LEN);
        let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
        let epoch = u32::from_be_bytes([header[2], header[3], header[4], header[5]]);

        Ok(Self {
            key_id: KeyId {
                master: header[1],
                epoch,
            },
            header,
            nonce,
            ciphertext,
            tag,
        })
    }
}

/// Writes the header for `key_id` into the front of a new blob buffer.
pub(super) fn header(key_id: KeyId) -> [u8; HEADER_LEN] {
    let epoch = key_id.epoch.to_be_bytes();
    [
        VERSION,
        key_id.master,
        epoch[0],
        epoch[1],
        epoch[2],
        epoch[3],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_at_their_offsets() {
        let mut blob = header(KeyId {
            master: 3,
            epoch: 0x0102_0304,
        })
        .to_vec();
        blob.extend_from_slice(&[9; NONCE_LEN]);
        blob.extend_from_slice(b"abc");
        blob.extend_from_slice(&[7; TAG_LEN]);

        let envelope = Envelope::parse(&blob).unwrap();

        assert_eq!(
            envelope.key_id,
            KeyId {
                master: 3,
                epoch: 0x0102_0304
            }
        );
        assert_eq!(envelope.nonce, &[9; NONCE_LEN]);
        assert_eq!(envelope.ciphertext, b"abc");
        assert_eq!(envelope.tag, &[7; TAG_LEN]);
    }

    #[test]
    fn rejects_short_and_unknown_versions() {
        assert_eq!(
            Envelope::parse(&[1; 10]).unwrap_err(),
            EnvelopeError::Truncated { len: 10 }
        );
        assert_eq!(
            Envelope::parse(&[]).unwrap_err(),
            EnvelopeError::Truncated { len: 0 }
        );

        let blob = [2u8; ENVELOPE_OVERHEAD];
        assert_eq!(
            Envelope::parse(&blob).unwrap_err(),
            EnvelopeError::UnknownVersion(2)
        );
    }
}
