//! The innermost layer: one HTTP exchange with Make.com over a pooled reqwest
//! client, with the status turned into a typed outcome so the layers above
//! can decide on retries and breaker state without reading bodies.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use tower::Service;

use super::config::MakeClientConfig;
use super::error::{ApiErrorBody, MakeError};
use super::request::{ApiRequest, ApiResponse};

/// A boxed future, as every layer of the stack returns.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Sends [`ApiRequest`]s with a shared reqwest client.
#[derive(Clone, Debug)]
pub struct HttpTransport {
    client: reqwest::Client,
}

impl HttpTransport {
    /// Builds the pooled client: `pool_size` idle connections kept alive per
    /// host, TCP keep-alive, and a connect timeout.
    pub fn new(config: &MakeClientConfig) -> Result<Self, MakeError> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(config.pool_size)
            .pool_idle_timeout(config.pool_idle_timeout)
            .tcp_keepalive(config.tcp_keepalive)
            .tcp_nodelay(true)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(MakeError::Build)?;

        Ok(Self { client })
    }

    /// The reqwest client inside, for a floor measurement beside the stack.
    pub fn reqwest_client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Service<ApiRequest> for HttpTransport {
    type Response = ApiResponse;
    type Error = MakeError;
    type Future = BoxFuture<Result<ApiResponse, MakeError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let client = self.client.clone();

        Box::pin(exchange(client, request))
    }
}

/// Sends one request and reads the whole body.
async fn exchange(client: reqwest::Client, request: ApiRequest) -> Result<ApiResponse, MakeError> {
    let mut builder = client
        .request(request.method, request.url)
        .header(AUTHORIZATION, request.authorization)
        .header(ACCEPT, "application/json");
    if let Some(body) = request.body {
        builder = builder.header(CONTENT_TYPE, "application/json").body(body);
    }

    let response = builder.send().await.map_err(MakeError::Transport)?;
    let status = response.status();
    let retry_after = retry_after(response.headers());

    let body = response.bytes().await.map_err(MakeError::Transport)?;

    classify(status, retry_after, body)
}

/// Turns a status into success or the matching typed error.
fn classify(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: bytes::Bytes,
) -> Result<ApiResponse, MakeError> {
    if status.is_success() {
        return Ok(ApiResponse { status, body });
    }

    let error_body = ApiErrorBody::from_response(&body);
    let code = status.as_u16();

    Err(if status == StatusCode::TOO_MANY_REQUESTS {
        MakeError::RateLimited {
            retry_after,
            body: error_body,
        }
    } else if status.is_server_error() {
        MakeError::Server {
            status: code,
            body: error_body,
        }
    } else {
        MakeError::Api {
            status: code,
            body: error_body,
        }
    })
}

/// Reads `Retry-After` in its delay-seconds form.
///
/// The HTTP-date form is not read: Make.com documents no rate-limit headers
/// at all, and a date would need a clock shared with Make.com to be useful.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    let seconds: f64 = text.trim().parse().ok()?;

    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_retry_after_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));

        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
    }

    #[test]
    fn ignores_a_date_or_garbage() {
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );

        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn a_429_is_rate_limited_with_makes_message() {
        let body = bytes::Bytes::from_static(
            br#"{"message":"Requests limit for organization exceeded, please try again later.","code":"SC429"}"#,
        );

        let err = classify(StatusCode::TOO_MANY_REQUESTS, None, body).unwrap_err();

        assert!(err.to_string().contains("Requests limit"), "{err}");
        assert!(err.is_retryable(false));
    }
}
