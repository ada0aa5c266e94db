//! The request and response that travel through the client's tower stack.
//!
//! A request carries what the layers key on (zone, organization) and whether
//! it may be sent twice, besides what goes on the wire.

use bytes::Bytes;
use reqwest::Method;
use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use url::Url;

use super::zone::Zone;

/// The bucket a request is counted in by the rate limiter and the in-flight
/// limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RateKey {
    /// A known organization of a zone.
    Organization(Zone, u64),
    /// A request whose organization the client does not know (yet): user
    /// calls, or a team or scenario it has not seen listed. One shared
    /// bucket per zone.
    Unscoped(Zone),
}

/// One call to Make.com, cheap to clone for retries.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    /// The HTTP method.
    pub method: Method,
    /// The full URL, query included.
    pub url: Url,
    /// The `Authorization` value, marked sensitive.
    pub authorization: HeaderValue,
    /// A JSON body, if any.
    pub body: Option<Bytes>,
    /// The zone, for the breaker.
    pub zone: Zone,
    /// The limiter bucket.
    pub rate_key: RateKey,
    /// Whether sending it twice is harmless.
    pub idempotent: bool,
}

/// A 2xx answer from Make.com; other statuses become a `MakeError`.
#[derive(Clone, Debug)]
pub struct ApiResponse {
    /// The status.
    pub status: StatusCode,
    /// The whole body.
    pub body: Bytes,
}
