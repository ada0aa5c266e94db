//! Session <-> plaintext bytes: serialization, then compression when large.
//!
//! The first byte of every plaintext names the format and compression that
//! wrote it, so a store whose settings changed still reads older sessions.
//! The defaults were chosen by measurement (`cargo bench --bench crypto --
//! codec`); the figures are in `docs/session-codec.md`.

use serde::{Deserialize, Serialize};

use super::model::Session;

/// Serialization formats a session can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// serde_json: readable, largest, slowest.
    Json,
    /// postcard: compact varint binary.
    Postcard,
    /// MessagePack via rmp-serde, with field names.
    MessagePack,
}

/// Compression codecs for sessions above the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Never compress.
    None,
    /// lz4 block format with the length prepended (lz4_flex).
    Lz4,
    /// zstd at level 1.
    Zstd,
}

/// Why plaintext bytes did not decode into a session.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum CodecError {
    /// Empty plaintext: not even a tag byte.
    #[error("session plaintext is empty")]
    Empty,
    /// A tag byte this build does not know.
    #[error("session plaintext has unknown codec tag {0:#04x}")]
    UnknownTag(u8),
    /// The compressed body did not decompress.
    #[error("session body did not decompress ({0:?})")]
    Decompress(Compression),
    /// The body did not deserialize into a session.
    #[error("session body did not deserialize ({0:?})")]
    Deserialize(Format),
    /// The session did not serialize; only reachable with a broken format.
    #[error("session did not serialize ({0:?})")]
    Serialize(Format),
}

/// Decompressed sessions larger than this are refused: a hostile blob must
/// not make the server allocate without bound.
const MAX_DECOMPRESSED: usize = 1 << 20;

/// Turns sessions into plaintext bytes and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionCodec {
    /// Format for new writes.
    pub format: Format,
    /// Compression for new writes above the threshold.
    pub compression: Compression,
    /// Serialized sizes above this many bytes are compressed.
    pub threshold: usize,
}

impl Default for SessionCodec {
    fn default() -> Self {
        Self {
            format: Format::Postcard,
            compression: Compression::Lz4,
            threshold: 1024,
        }
    }
}

impl SessionCodec {
    /// Serializes, and compresses when the result passes the threshold.
    pub fn encode(&self, session: &Session) -> Result<Vec<u8>, CodecError> {
        let body = serialize(self.format, session)?;
        let compression = if body.len() > self.threshold {
            self.compression
        } else {
            Compression::None
        };

        let mut plaintext = vec![tag(self.format, compression)];
        match compression {
            Compression::None => plaintext.extend_from_slice(&body),
            Compression::Lz4 => {
                plaintext.extend_from_slice(&lz4_flex::compress_prepend_size(&body))
            }
            Compression::Zstd => plaintext.extend_from_slice(
                &zstd::bulk::compress(&body, 1).map_err(|_| CodecError::Serialize(self.format))?,
            ),
        }
        Ok(plaintext)
    }

    /// Decodes bytes written by any format and compression this build knows.
    pub fn decode(&self, plaintext: &[u8]) -> Result<Session, CodecError> {
        let (&tag, body) = plaintext.split_first().ok_or(CodecError::Empty)?;
        let (format, compression) = untag(tag)?;

        match compression {
            Compression::None => deserialize(format, body),
            Compression::Lz4 => deserialize(format, &decompress_lz4(body)?),
            Compression::Zstd => deserialize(format, &decompress_zstd(body)?),
        }
    }
}

fn serialize(format: Format, session: &Session) -> Result<Vec<u8>, CodecError> {
    let result = match format {
        Format::Json => serde_json::to_vec(session).ok(),
        Format::Postcard => postcard::to_allocvec(session).ok(),
        Format::MessagePack => rmp_serde::to_vec_named(session).ok(),
    };
    result.ok_or(CodecError::Serialize(format))
}

fn deserialize(format: Format, body: &[u8]) -> Result<Session, CodecError> {
    let result = match format {
        Format::Json => serde_json::from_slice(body).ok(),
        Format::Postcard => postcard::from_bytes(body).ok(),
        Format::MessagePack => rmp_serde::from_slice(body).ok(),
    };
    result.ok_or(CodecError::Deserialize(format))
}

fn decompress_lz4(body: &[u8]) -> Result<Vec<u8>, CodecError> {
    let error = CodecError::Decompress(Compression::Lz4);
    let declared = body.get(..4).ok_or(error)?;
    let declared = u32::from_le_bytes(declared.try_into().map_err(|_| error)?) as usize;
    if declared > MAX_DECOMPRESSED {
        return Err(error);
    }
    lz4_flex::decompress_size_prepended(body).map_err(|_| error)
}

fn decompress_zstd(body: &[u8]) -> Result<Vec<u8>, CodecError> {
    zstd::bulk::decompress(body, MAX_DECOMPRESSED)
        .map_err(|_| CodecError::Decompress(Compression::Zstd))
}

/// High nibble: format; low nibble: compression.
fn tag(format: Format, compression: Compression) -> u8 {
    let format = match format {
        Format::Json => 1,
        Format::Postcard => 2,
        Format::MessagePack => 3,
    };
    let compression = match compression {
        Compression::None => 0,
        Compression::Lz4 => 1,
        Compression::Zstd => 2,
    };
    format << 4 | compression
}

fn untag(tag: u8) -> Result<(Format, Compression), CodecError> {
    let format = match tag >> 4 {
        1 => Format::Json,
        2 => Format::Postcard,
        3 => Format::MessagePack,
        _ => return Err(CodecError::UnknownTag(tag)),
    };
    let compression = match tag & 0x0f {
        0 => Compression::None,
        1 => Compression::Lz4,
        2 => Compression::Zstd,
        _ => return Err(CodecError::UnknownTag(tag)),
    };
    Ok((format, compression))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::fixtures::session_of_size;

    const FORMATS: [Format; 3] = [Format::Json, Format::Postcard, Format::MessagePack];
    const COMPRESSIONS: [Compression; 3] = [Compression::None, Compression::Lz4, Compression::Zstd];

    #[test]
    fn every_pair_round_trips_small_and_large_sessions() {
        for format in FORMATS {
            for compression in COMPRESSIONS {
                let codec = SessionCodec {
                    format,
                    compression,
                    threshold: 1024,
                };
                for size in [200, 4096] {
                    let session = session_of_size(size);
                    let bytes = codec.encode(&session).unwrap();
                    assert_eq!(
                        codec.decode(&bytes).unwrap(),
                        session,
                        "{codec:?} at {size}"
                    );
                }
            }
        }
    }

    #[test]
    fn compresses_only_above_the_threshold() {
        let codec = SessionCodec::default();

        let small = codec.encode(&session_of_size(200)).unwrap();
        let large = codec.encode(&session_of_size(8192)).unwrap();

        assert_eq!(small[0] & 0x0f, 0);
        assert_eq!(large[0] & 0x0f, 1);
        assert!(large.len() < 8192 / 2, "{} bytes", large.len());
    }

    #[test]
    fn reads_sessions_written_with_other_settings() {
        let session = session_of_size(4096);
        let old = SessionCodec {
            format: Format::Json,
            compression: Compression::Zstd,
            threshold: 0,
        };

        let bytes = old.encode(&session).unwrap();
        assert_eq!(SessionCodec::default().decode(&bytes).unwrap(), session);
    }

    #[test]
    fn garbage_is_a_typed_error() {
        let codec = SessionCodec::default();

        assert_eq!(codec.decode(&[]), Err(CodecError::Empty));
        assert_eq!(
            codec.decode(&[0xff, 1, 2]),
            Err(CodecError::UnknownTag(0xff))
        );
        assert_eq!(
            codec.decode(&[0x20, 0xff]),
            Err(CodecError::Deserialize(Format::Postcard))
        );
        assert_eq!(
            codec.decode(&[0x21, 1]),
            Err(CodecError::Decompress(Compression::Lz4))
        );
        assert_eq!(
            codec.decode(&[0x22, 1, 2]),
            Err(CodecError::Decompress(Compression::Zstd))
        );
    }

    #[test]
    fn refuses_a_decompression_bomb_declaration() {
        let mut bytes = vec![0x21];
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(&[0; 8]);

        assert_eq!(
            SessionCodec::default().decode(&bytes),
            Err(CodecError::Decompress(Compression::Lz4))
        );
    }
}
