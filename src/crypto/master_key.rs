//! The long-lived secret that data keys are derived from.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

/// A 256-bit master key with a one-byte id.
///
/// The id travels in every envelope, so a ring can hold several masters while
/// an operator replaces a compromised one. `Debug` shows the id only.
#[derive(Clone)]
pub struct MasterKey {
    id: u8,
    bytes: Zeroizing<[u8; 32]>,
}

/// Why a master key could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MasterKeyError {
    /// The text is not `ID:BASE64`.
    #[error("master key: expected ID:BASE64 (id 0-255), got {0}")]
    Shape(&'static str),
    /// The base64 part does not decode.
    #[error("master key {id}: not valid base64")]
    Base64 {
        /// Id of the key that failed.
        id: u8,
    },
    /// The key decodes to the wrong length.
    #[error("master key {id}: expected 32 bytes, got {len}")]
    Length {
        /// Id of the key that failed.
        id: u8,
        /// Decoded length.
        len: usize,
    },
}

impl MasterKey {
    /// Wraps raw key bytes.
    pub fn new(id: u8, bytes: [u8; 32]) -> Self {
        Self {
            id,
            bytes: Zeroizing::new(bytes),
        }
    }

    /// A fresh random key, for tests, benches and first-run set-up.
    pub fn generate(id: u8) -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::fill(&mut bytes[..]);
        Self { id, bytes }
    }

    /// Parses `ID:BASE64` (standard alphabet, padded), as configuration and
    /// `MCP_PERF_SESSION_KEYS` hold it.
    ///
    /// Errors never echo the key material.
    pub fn parse(text: &str) -> Result<Self, MasterKeyError> {
        let (id, encoded) = text
            .trim()
            .split_once(':')
            .ok_or(MasterKeyError::Shape("no ':'"))?;
        let id: u8 = id
            .parse()
            .map_err(|_| MasterKeyError::Shape("an id that is not 0-255"))?;

        let decoded = Zeroizing::new(
            STANDARD
                .decode(encoded.trim())
                .map_err(|_| MasterKeyError::Base64 { id })?,
        );
        let bytes: [u8; 32] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| MasterKeyError::Length {
                    id,
                    len: decoded.len(),
                })?;
        Ok(Self::new(id, bytes))
    }

    /// Parses a comma-separated list of `ID:BASE64` keys; the first is current.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, MasterKeyError> {
        text.split(',')
            .filter(|part| !part.trim().is_empty())
            .map(Self::parse)
            .collect()
    }

    /// Encodes as `ID:BASE64`; used only to print a freshly generated key.
    pub fn to_config_string(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}:{}", self.id, STANDARD.encode(*self.bytes)))
    }

    /// The key's id.
    pub fn id(&self) -> u8 {
        self.id
    }

    pub(super) fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_config_string() {
        let key = MasterKey::generate(7);
        let parsed = MasterKey::parse(&key.to_config_string()).unwrap();

        assert_eq!(parsed.id(), 7);
        assert_eq!(parsed.bytes(), key.bytes());
    }

    #[test]
    fn debug_hides_the_key_bytes() {
        let key = MasterKey::new(1, [0xAB; 32]);
        let printed = format!("{key:?}");

        assert!(!printed.to_lowercase().contains("ab, "), "{printed}");
        assert!(!printed.contains("171"), "{printed}");
        assert!(printed.contains("id: 1"));
    }

    #[test]
    fn rejects_bad_shapes_without_echoing_them() {
        assert!(matches!(
            MasterKey::parse("nokey"),
            Err(MasterKeyError::Shape(_))
        ));
        assert!(matches!(
            MasterKey::parse("300:AAAA"),
            Err(MasterKeyError::Shape(_))
        ));
        assert_eq!(
            MasterKey::parse("1:!!!").unwrap_err(),
            MasterKeyError::Base64 { id: 1 }
        );
        assert_eq!(
            MasterKey::parse("1:AAAA").unwrap_err(),
            MasterKeyError::Length { id: 1, len: 3 }
        );

        let error = MasterKey::parse("1:c2VjcmV0").unwrap_err().to_string();
        assert!(!error.contains("c2VjcmV0"), "{error}");
    }

    #[test]
    fn parses_a_list_with_the_current_key_first() {
        let (a, b) = (MasterKey::generate(2), MasterKey::generate(1));
        let text = format!("{},{}", *a.to_config_string(), *b.to_config_string());
        let keys = MasterKey::parse_list(&text).unwrap();

        assert_eq!(keys.iter().map(MasterKey::id).collect::<Vec<_>>(), [2, 1]);
    }
}
