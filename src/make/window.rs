//! A sliding-window request limiter that holds at the server, not just here.
//!
//! Written by hand because no maintained crate gives this guarantee. GCRA
//! (`governor`) and token buckets allow a burst on top of the steady rate, so
//! a window can see up to twice the limit; configured with a burst of one they
//! hold the limit only by spacing every request evenly, and they count a
//! request when it is *sent*, while Make.com counts it when it *arrives*: with
//! varying network delay two requests sent a window apart can arrive less than
//! a window apart.
//!
//! Here a request holds its slot from the moment it is admitted until a full
//! window after its response came back. Make.com saw the request somewhere in
//! between, so any two requests that share a slot arrive at least a window
//! apart, and no window of that length at Make.com ever holds more than the
//! limit. The whole limit may still be used at once.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

use super::transport::BoxFuture;

/// The limiter of one organization.
#[derive(Debug)]
pub struct SlidingWindow {
    window: Duration,
    state: Mutex<WindowState>,
    // Waiters take turns in arrival order so that none starves.
    turn: tokio::sync::Mutex<()>,
    changed: Notify,
}

#[derive(Debug)]
struct WindowState {
    limit: u32,
    in_flight: u32,
    // When each recent request finished, oldest first; at most `limit` long.
    finished: VecDeque<Instant>,
}

/// A slot in the window; dropping it starts the slot's final window.
#[derive(Debug)]
pub struct WindowPermit {
    window: Arc<SlidingWindow>,
}

impl SlidingWindow {
    /// A limiter of `limit` requests per `window`.
    pub fn new(limit: u32, window: Duration) -> Arc<Self> {
        Arc::new(Self {
            window,
            state: Mutex::new(WindowState {
                limit,
                in_flight: 0,
                finished: VecDeque::new(),
            }),
            turn: tokio::sync::Mutex::new(()),
            changed: Notify::new(),
        })
    }

    /// The current limit per window.
    pub fn limit(&self) -> u32 {
        self.lock().limit
    }

    /// Changes the limit, for when an organization's `license.apiLimit`
    /// becomes known. Lowering it never revokes a slot already taken.
    pub fn set_limit(&self, limit: u32) {
        self.lock().limit = limit.max(1);
        self.changed.notify_one();
    }

    /// Waits for a slot.
    pub async fn acquire(self: &Arc<Self>) -> WindowPermit {
        let _turn = self.turn.lock().await;

        loop {
            let changed = self.changed.notified();

            match self.try_take(Instant::now()) {
                Ok(()) => {
                    return WindowPermit {
                        window: Arc::clone(self),
                    };
                }
                Err(Some(free_at)) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(free_at) => {}
                        _ = changed => {}
                    }
                }
                // Every slot is in flight: wait for one to finish.
                Err(None) => changed.await,
            }
        }
    }

    /// Takes a slot, or says when the oldest finished one frees up (`None`
    /// when all slots are still in flight).
    fn try_take(&self, now: Instant) -> Result<(), Option<Instant>> {
        let mut state = self.lock();

        while let Some(&oldest) = state.finished.front() {
            if oldest + self.window > now {
                break;
            }
            state.finished.pop_front();
        }

        let used = state.in_flight as usize + state.finished.len();
        if used < state.limit as usize {
            state.in_flight += 1;
            return Ok(());
        }

        Err(state.finished.front().map(|&oldest| oldest + self.window))
    }

    fn release(&self) {
        let mut state = self.lock();
        state.in_flight -= 1;
        state.finished.push_back(Instant::now());
        drop(state);

        self.changed.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WindowState> {
        // The state stays consistent at every await-free step, so a panic
        // elsewhere cannot leave it half-written: recover from poisoning.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for WindowPermit {
    fn drop(&mut self) {
        self.window.release();
    }
}

/// Applies a [`SlidingWindow`] to a service.
#[derive(Clone, Debug)]
pub struct SlidingWindowLayer {
    window: Arc<SlidingWindow>,
}

impl SlidingWindowLayer {
    /// A layer over one limiter; every service it wraps shares the limiter.
    pub fn new(window: Arc<SlidingWindow>) -> Self {
        Self { window }
    }
}

impl<S> Layer<S> for SlidingWindowLayer {
    type Service = SlidingWindowService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SlidingWindowService {
            window: Arc::clone(&self.window),
            inner,
        }
    }
}

/// A service that waits for a window slot before each call and holds it
/// until the call completes.
#[derive(Clone, Debug)]
pub struct SlidingWindowService<S> {
    window: Arc<SlidingWindow>,
    inner: S,
}

impl<S, R> Service<R> for SlidingWindowService<S>
where
    S: Service<R> + Clone + Send + 'static,
    S::Future: Send,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Readiness is decided in `call`: waiting for a slot is async work.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: R) -> Self::Future {
        let window = Arc::clone(&self.window);
        let inner = self.inner.clone();

        Box::pin(async move {
            let permit = window.acquire().await;
            let outcome = inner.oneshot(request).await;
            drop(permit);
            outcome
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn admits_the_whole_limit_at_once_then_waits_a_window() {
        let window = SlidingWindow::new(3, Duration::from_secs(60));
        let start = Instant::now();

        let permits = [
            window.try_take(start),
            window.try_take(start),
            window.try_take(start),
        ];
        assert!(permits.iter().all(Result::is_ok));
        assert_eq!(window.try_take(start), Err(None));

        window.release();
        let free_at = window.try_take(Instant::now());
        assert!(
            matches!(free_at, Err(Some(at)) if at >= start + Duration::from_secs(60)),
            "{free_at:?}"
        );
    }

    #[tokio::test]
    async fn a_slot_frees_a_window_after_its_response() {
        let window = SlidingWindow::new(1, Duration::from_millis(100));

        let first = window.acquire().await;
        tokio::time::sleep(Duration::from_millis(30)).await;
        let finished = Instant::now();
        drop(first);
        let _second = window.acquire().await;

        assert!(Instant::now() >= finished + Duration::from_millis(100));
    }
}
