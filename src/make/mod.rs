//! The Make.com API: credentials today; the client, its limiter, retries and
//! circuit breaker join here.

mod credential;

pub use credential::{CredentialKind, MakeCredential, Secret, Zone};
