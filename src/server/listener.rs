//! Accepting connections: HTTP/1.1 through hyper with the head limits,
//! idle keep-alive, the peer address for the rate limiter, and graceful
//! shutdown.
//!
//! hyper enforces the head's size (431 beyond it) and read timeout itself.
//! It has no idle timeout of its own apart from that read timeout, which
//! also counts the wait for the next request; here a connection that has
//! served a request and sat idle for `keep_alive` is closed gracefully,
//! while a new connection gets the full header read timeout.
//!
//! Only HTTP/1.1 is served: MCP clients speak it, and HTTP/2 without TLS
//! (h2c) would need hyper-util's auto builder and the same limits set on
//! its HTTP/2 side.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt as _;

use super::settings::ServerSettings;

/// Serves `app` on `listener` until `shutdown` resolves, then lets open
/// requests finish for up to `shutdown_grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    settings: &ServerSettings,
    shutdown: impl Future<Output = ()>,
) {
    let builder = http1_builder(settings);
    let (stop, _) = watch::channel(false);
    tokio::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors or a reset during the handshake:
                    // pause briefly instead of spinning.
                    tracing::warn!(error = %error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = Connection {
            builder: builder.clone(),
            app: app.clone(),
            keep_alive: settings.keep_alive,
            stop: stop.subscribe(),
        };
        tokio::spawn(connection.run(stream, peer));
    }

    drop(listener);
    let _ = stop.send(true);
    if tokio::time::timeout(settings.shutdown_grace, stop.closed())
        .await
        .is_err()
    {
        tracing::warn!(after = ?settings.shutdown_grace, "shutdown dropped open connections");
    }
}

fn http1_builder(settings: &ServerSettings) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout)
        .max_header_size(settings.max_header_bytes)
        .keep_alive(true);
    builder
}

/// One accepted connection and what it needs to serve itself.
struct Connection {
    builder: http1::Builder,
    app: Router,
    keep_alive: Duration,
    stop: watch::Receiver<bool>,
}

impl Connection {
    async fn run(mut self, stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::default());

        let counted = activity.clone();
        let finished = activity.clone();
        let service = self
            .app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                counted.started();
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            })
            .map_response(move |response| {
                finished.finished();
                response
            })
            .map_err(|never: Infallible| match never {});

        let connection = self
            .builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        tokio::pin!(connection);

        let mut closing = false;
        loop {
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(error = %error, "connection ended with an error");
                    }
                    break;
                }
                () = activity.idle_for(self.keep_alive), if !closing => {
                    connection.as_mut().graceful_shutdown();
                    closing = true;
                }
                _ = self.stop.changed(), if !closing => {
                    connection.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
        }
    }
}

/// Requests in flight on one connection and when the last one ended.
#[derive(Default)]
struct Activity {
    in_flight: AtomicUsize,
    last_finished: Mutex<Option<Instant>>,
}

impl Activity {
    fn started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
    }

    fn finished(&self) {
        *self
            .last_finished
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) = Some(Instant::now());
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
    }

    /// Resolves once a served connection has had no request for `limit`.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last = *self
                .last_finished
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            let busy = self.in_flight.load(Ordering::Acquire) > 0;
            let wait = match last {
                Some(last) if !busy => match limit.checked_sub(last.elapsed()) {
                    Some(left) if !left.is_zero() => left,
                    _ => return,
                },
                _ => limit,
            };
            tokio::time::sleep(wait).await;
        }
    }
}
