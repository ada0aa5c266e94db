//! PKCE (RFC 7636), S256 only: the client proves at the token endpoint that
//! it is the one that started the authorization.
//!
//! `plain` is refused outright: it protects nothing once the authorization
//! request leaks, and OAuth 2.1 lets servers drop it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Why a challenge or verifier was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    /// A method other than `S256` was asked for.
    #[error("pkce: only the S256 challenge method is supported")]
    UnsupportedMethod,
    /// The challenge is not 43 base64url characters (a SHA-256 digest).
    #[error("pkce: code_challenge must be 43 base64url characters")]
    MalformedChallenge,
    /// The verifier is not 43-128 characters of the unreserved set.
    #[error("pkce: code_verifier must be 43-128 characters of [A-Za-z0-9-._~]")]
    MalformedVerifier,
    /// The verifier does not hash to the challenge.
    #[error("pkce: code_verifier does not match the code_challenge")]
    Mismatch,
}

/// An S256 code challenge: BASE64URL-NOPAD(SHA-256(verifier)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// Parses the `code_challenge` and `code_challenge_method` parameters.
    ///
    /// The method defaults to `plain` in RFC 7636 when absent, so an absent
    /// method is refused like `plain` itself.
    pub fn parse(challenge: &str, method: Option<&str>) -> Result<Self, PkceError> {
        if method != Some("S256") {
            return Err(PkceError::UnsupportedMethod);
        }

        let well_formed = challenge.len() == 43
            && URL_SAFE_NO_PAD
                .decode(challenge)
                .is_ok_and(|digest| digest.len() == 32);
        if !well_formed {
            return Err(PkceError::MalformedChallenge);
        }
        Ok(Self(challenge.to_string()))
    }

    /// The challenge of a verifier, as a client computes it.
    pub fn of_verifier(verifier: &str) -> Self {
        Self(URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())))
    }

    /// Checks a verifier against this challenge in constant time.
    pub fn verify(&self, verifier: &str) -> Result<(), PkceError> {
        check_verifier_shape(verifier)?;

        let computed = Self::of_verifier(verifier);
        if bool::from(computed.0.as_bytes().ct_eq(self.0.as_bytes())) {
            Ok(())
        } else {
            Err(PkceError::Mismatch)
        }
    }

    /// The challenge text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_verifier_shape(verifier: &str) -> Result<(), PkceError> {
    let unreserved = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if (43..=128).contains(&verifier.len()) && verifier.as_bytes().iter().all(unreserved) {
        Ok(())
    } else {
        Err(PkceError::MalformedVerifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b_vector() {
        assert_eq!(CodeChallenge::of_verifier(VERIFIER).as_str(), CHALLENGE);

        let challenge = CodeChallenge::parse(CHALLENGE, Some("S256")).unwrap();
        assert_eq!(challenge.verify(VERIFIER), Ok(()));
    }

    #[test]
    fn refuses_plain_and_absent_methods() {
        assert_eq!(
            CodeChallenge::parse(CHALLENGE, Some("plain")),
            Err(PkceError::UnsupportedMethod)
        );
        assert_eq!(
            CodeChallenge::parse(CHALLENGE, None),
            Err(PkceError::UnsupportedMethod)
        );
    }

    #[test]
    fn refuses_malformed_challenges() {
        for bad in ["", "short", &format!("{CHALLENGE}A"), &"!".repeat(43)] {
            assert_eq!(
                CodeChallenge::parse(bad, Some("S256")),
                Err(PkceError::MalformedChallenge),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_wrong_and_malformed_verifiers() {
        let challenge = CodeChallenge::parse(CHALLENGE, Some("S256")).unwrap();
        let wrong = format!("{}A", &VERIFIER[..42]);

        assert_eq!(challenge.verify(&wrong), Err(PkceError::Mismatch));
        assert_eq!(challenge.verify("abc"), Err(PkceError::MalformedVerifier));
        assert_eq!(
            challenge.verify(&"a".repeat(129)),
            Err(PkceError::MalformedVerifier)
        );
        assert_eq!(
            challenge.verify(&format!("{} ", &VERIFIER[..43])),
            Err(PkceError::MalformedVerifier)
        );
    }
}
