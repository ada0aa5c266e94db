//! Errors of the Make.com client. Make's own error body is kept whole, so a
//! tool can show the user exactly what Make.com said.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::zone::Zone;

/// The error body Make.com sends with a failed request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// A longer explanation, when Make.com gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The message meant for people.
    #[serde(default)]
    pub message: String,
    /// Make's error code, such as `SC400` or `SC403`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Per-field errors of a rejected input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suberrors: Vec<ApiSubError>,
}

/// One entry of [`ApiErrorBody::suberrors`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiSubError {
    /// What is wrong with the field.
    #[serde(default)]
    pub message: String,
    /// The field or rule it concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ApiErrorBody {
    /// Reads Make's error body; a body of another shape (a proxy's HTML page,
    /// say) becomes the message, cut short, so nothing is lost silently.
    pub fn from_response(body: &[u8]) -> Self {
        if let Ok(parsed) = serde_json::from_slice::<ApiErrorBody>(body)
            && !parsed.message.is_empty()
        {
            return parsed;
        }

        let text = String::from_utf8_lossy(body);
        let message: String = text.trim().chars().take(200).collect();

        ApiErrorBody {
            message,
            ..ApiErrorBody::default()
        }
    }
}

impl ApiErrorBody {
    /// Make's message with its detail, as one line for an error message.
    pub fn summary(&self) -> String {
        match &self.detail {
            Some(detail) if !detail.is_empty() && *detail != self.message => {
                format!("{}: {}", self.message, detail)
            }
            _ => self.message.clone(),
        }
    }
}

/// Why a call to Make.com failed.
#[derive(Debug, thiserror::Error)]
pub enum MakeError {
    /// Make.com refused the request (4xx other than 429); `body` is Make's own.
    #[error("make.com refused the request ({status}): {}", body.summary())]
    Api {
        /// The HTTP status.
        status: u16,
        /// Make's error body.
        body: ApiErrorBody,
    },

    /// Make.com answered 429: the organization's request limit is spent.
    #[error("make.com rate limit exceeded: {}", body.summary())]
    RateLimited {
        /// The wait Make.com asked for, if it sent `Retry-After`.
        retry_after: Option<Duration>,
        /// Make's error body.
        body: ApiErrorBody,
    },

    /// Make.com failed with a 5xx status.
    #[error("make.com server error ({status}): {}", body.summary())]
    Server {
        /// The HTTP status.
        status: u16,
        /// Make's error body, or the start of whatever it sent.
        body: ApiErrorBody,
    },

    /// The request did not complete: connection refused, reset or dropped.
    #[error("make.com request failed: {0}")]
    Transport(#[source] reqwest::Error),

    /// One attempt took longer than the configured timeout.
    #[error("make.com request timed out after {0:?}")]
    Timeout(Duration),

    /// The zone's circuit breaker is open: recent calls failed, so this one
    /// was not sent.
    #[error("make.com zone {zone} is failing: circuit open, next probe in {retry_in:?}")]
    CircuitOpen {
        /// The zone whose breaker is open.
        zone: Zone,
        /// How long until a probe is allowed.
        retry_in: Duration,
    },

    /// A 2xx body did not have the documented shape.
    #[error("make.com response to {endpoint} did not decode: {source}")]
    Decode {
        /// The path that answered.
        endpoint: String,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
    },

    /// The credential cannot be sent.
    #[error("make.com credential for zone {zone} is unusable: {reason}")]
    InvalidCredential {
        /// The credential's zone.
        zone: Zone,
        /// Why; never the secret.
        reason: &'static str,
    },

    /// The client configuration is inconsistent.
    #[error("make.com client configuration is invalid: {0}")]
    Config(String),

    /// The HTTP client could not be built.
    #[error("make.com http client could not be built: {0}")]
    Build(#[source] reqwest::Error),

    /// A middleware layer failed in a way none of the above covers.
    #[error("make.com client layer failed: {0}")]
    Layer(String),
}

impl MakeError {
    /// Make's own error body, when Make.com answered with one.
    pub fn api_body(&self) -> Option<&ApiErrorBody> {
        match self {
            MakeError::Api { body, .. }
            | MakeError::RateLimited { body, .. }
            | MakeError::Server { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The HTTP status Make.com answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            MakeError::Api { status, .. } | MakeError::Server { status, .. } => Some(*status),
            MakeError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Whether another attempt may succeed.
    ///
    /// A request that is not idempotent (running a scenario) is retried only
    /// when Make.com cannot have acted on it: a 429, or a connection that was
    /// never made. Retrying it after a 5xx or a dropped connection could run
    /// the scenario twice.
    pub fn is_retryable(&self, idempotent: bool) -> bool {
        match self {
            MakeError::RateLimited { .. } => true,
            MakeError::Transport(err) if err.is_connect() => true,
            MakeError::Server { .. } | MakeError::Transport(_) | MakeError::Timeout(_) => {
                idempotent
            }
            _ => false,
        }
    }

    /// Whether this outcome says the zone itself is unwell, which is what the
    /// circuit breaker counts. A 4xx or a 429 is about the request or the
    /// organization, not the zone.
    pub fn is_zone_failure(&self) -> bool {
        matches!(
            self,
            MakeError::Server { .. } | MakeError::Transport(_) | MakeError::Timeout(_)
        )
    }

    /// The wait Make.com asked for with `Retry-After`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            MakeError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_makes_error_body() {
        let raw = br#"{"detail":"Scenario is not active.","message":"Bad Request",
            "code":"SC400","suberrors":[{"message":"must be active","name":"isActive"}]}"#;

        let body = ApiErrorBody::from_response(raw);

        assert_eq!(body.code.as_deref(), Some("SC400"));
        assert_eq!(body.suberrors[0].name.as_deref(), Some("isActive"));
    }

    #[test]
    fn keeps_a_non_json_body_as_the_message() {
        let body = ApiErrorBody::from_response(b"<html>bad gateway</html>");

        assert_eq!(body.message, "<html>bad gateway</html>");
    }
}
