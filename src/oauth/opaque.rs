//! Opaque bearer strings: access tokens, refresh tokens, codes, family ids.
//!
//! 256 random bits, base64url without padding (43 characters). They carry
//! no meaning, so nothing can be learned from one or forged; the server
//! keeps only their SHA-256 ([`crate::session::TokenHash`]).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use crate::session::TokenHash;

/// A freshly minted secret string; `Debug` prints a mask.
#[derive(Clone, PartialEq, Eq)]
pub struct OpaqueToken(Zeroizing<String>);

impl OpaqueToken {
    /// 256 bits from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::fill(&mut bytes[..]);
        Self(Zeroizing::new(URL_SAFE_NO_PAD.encode(&bytes[..])))
    }

    /// Wraps a token received from a client.
    pub fn from_wire(token: &str) -> Self {
        Self(Zeroizing::new(token.to_string()))
    }

    /// The token text, for the response that hands it out.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Its SHA-256, the only form the server stores.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

impl fmt::Debug for OpaqueToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OpaqueToken(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_43_base64url_characters_and_unique() {
        let (a, b) = (OpaqueToken::generate(), OpaqueToken::generate());

        assert_eq!(a.expose().len(), 43);
        assert!(URL_SAFE_NO_PAD.decode(a.expose()).is_ok());
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "OpaqueToken(***)");
    }
}
