//! The Make.com API v2 client: typed models and calls, with the behaviour a
//! shared production client needs composed as tower layers (per-organization
//! rate and in-flight limits, retries with backoff, a per-zone circuit
//! breaker) over one pooled HTTP client.
//!
//! Parts: [`zone`] and [`credential`] say where and as whom to call;
//! [`models`] and [`error`] mirror Make's bodies; [`calls`] holds one method
//! per endpoint on [`MakeClient`] ([`client`]); the layers are [`window`],
//! [`breaker`], [`retry`], [`org_router`] and [`transport`].

pub mod breaker;
pub mod calls;
pub mod client;
pub mod config;
pub mod credential;
pub mod directory;
pub mod error;
pub mod models;
pub mod org_router;
pub mod request;
pub mod retry;
pub mod settings;
pub mod transport;
pub mod window;
pub mod zone;

pub use breaker::BreakerState;
pub use client::{ClientStatus, MakeClient};
pub use config::{BreakerConfig, MakeClientConfig, RateLimit, RetryConfig};
pub use credential::{CredentialKind, MakeCredential, SecretString};
pub use error::{ApiErrorBody, ApiSubError, MakeError};
pub use models::*;
pub use settings::MakeSettings;
pub use zone::Zone;
