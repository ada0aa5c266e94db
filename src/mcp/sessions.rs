//! Bounds on MCP sessions, kept by us whatever the SDK does.
//!
//! rmcp's [`LocalSessionManager`] keeps every session in a map until its
//! worker ends. In rmcp 3.11 a worker ends after `keep_alive` without
//! events and then removes itself; older releases left the entry behind
//! (the leak noted in REFERENCE.md), and no release caps the count. This
//! wrapper adds both bounds on its own clock: it refuses a session beyond
//! `max_sessions`, and a reaper closes sessions idle for longer than the
//! timeout and drops entries whose worker has already gone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use futures::Stream;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::WorkerTransport;
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError, LocalSessionWorker, SessionConfig,
};
use rmcp::transport::streamable_http_server::session::{
    ServerSseMessage, SessionId, SessionManager,
};

/// Why the bounded manager refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionBoundError {
    /// `max_sessions` sessions are open.
    #[error("mcp session refused: {0} sessions are open, the most allowed")]
    Full(usize),
    /// The SDK's manager failed.
    #[error(transparent)]
    Local(#[from] LocalSessionManagerError),
}

/// How long a finished response stream is kept for a client that resumes
/// it (`Last-Event-ID`). rmcp keeps each for 60 s; at thousands of calls a
/// second that held hundreds of megabytes in the tool pipeline bench, and a
/// client resumes a lost stream within seconds if ever.
const COMPLETED_STREAM_TTL: Duration = Duration::from_secs(5);

/// The limits applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// The most sessions at once.
    pub max_sessions: usize,
    /// A session idle this long is closed.
    pub idle_timeout: Duration,
}

/// rmcp's in-memory session manager with a cap and an idle reaper.
pub struct BoundedSessionManager {
    local: LocalSessionManager,
    limits: SessionLimits,
    book: Mutex<Book>,
}

/// Open sessions and when each was last used, plus slots reserved by
/// sessions being created.
#[derive(Default)]
struct Book {
    last_seen: HashMap<SessionId, Instant>,
    reserved: usize,
}

impl Book {
    fn count(&self) -> usize {
        self.last_seen.len() + self.reserved
    }
}

impl BoundedSessionManager {
    /// A manager with `limits`, and its reaper on the current runtime; the
    /// reaper stops when the manager is dropped.
    pub fn start(limits: SessionLimits) -> Arc<Self> {
        let mut local = LocalSessionManager::default();
        let mut config = SessionConfig::default();
        // The SDK's own idle exit stays as a second net, a little later
        // than ours, so ours is the one that acts and is tested.
        config.keep_alive = Some(limits.idle_timeout + limits.idle_timeout / 2);
        config.completed_cache_ttl = COMPLETED_STREAM_TTL;
        local.session_config = config;

        let manager = Arc::new(Self {
            local,
            limits,
            book: Mutex::new(Book::default()),
        });
        spawn_reaper(Arc::downgrade(&manager), reap_period(limits.idle_timeout));
        manager
    }

    /// Sessions open now.
    pub fn open_sessions(&self) -> usize {
        self.book().count()
    }

    /// Sessions in rmcp's own map: equal to [`Self::open_sessions`] once
    /// the reaper has run, which is how a leak in the SDK would show.
    pub async fn sdk_sessions(&self) -> usize {
        self.local.sessions.read().await.len()
    }

    /// The limits applied.
    pub fn limits(&self) -> SessionLimits {
        self.limits
    }

    /// Whether one more session would be refused.
    pub fn is_full(&self) -> bool {
        self.open_sessions() >= self.limits.max_sessions
    }

    /// Closes idle sessions and forgets those whose worker ended; returns
    /// how many were removed.
    pub async fn reap(&self) -> usize {
        let now = Instant::now();
        let idle: Vec<SessionId> = self
            .book()
            .last_seen
            .iter()
            .filter(|(_, seen)| now.duration_since(**seen) >= self.limits.idle_timeout)
            .map(|(id, _)| id.clone())
            .collect();
        for id in &idle {
            tracing::debug!(session = %id, "closing idle mcp session");
            let _ = self.close_session(id).await;
        }

        let live = self.local.sessions.read().await;
        let mut book = self.book();
        let before = book.last_seen.len();
        book.last_seen.retain(|id, _| live.contains_key(id));
        idle.len() + (before - book.last_seen.len())
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        // Nothing panics while the lock is held, but a poisoned book is
        // still a correct book.
        self.book
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks `id` as used now; false if it is unknown or has been idle too
    /// long (it is then closed, and the client gets 404).
    async fn touch(&self, id: &SessionId) -> bool {
        let expired = {
            let mut book = self.book();
            match book.last_seen.get_mut(id) {
                None => return false,
                Some(last) if last.elapsed() >= self.limits.idle_timeout => true,
                Some(last) => {
                    *last = Instant::now();
                    false
                }
            }
        };
        if expired {
            let _ = self.close_session(id).await;
        }
        !expired
    }
}

/// A slot held while a session is created; given back if creation fails
/// or its request is dropped half-way.
struct Reservation<'a> {
    manager: &'a BoundedSessionManager,
}

impl<'a> Reservation<'a> {
    fn take(manager: &'a BoundedSessionManager) -> Result<Self, SessionBoundError> {
        let mut book = manager.book();
        if book.count() >= manager.limits.max_sessions {
            return Err(SessionBoundError::Full(book.count()));
        }
        book.reserved += 1;
        Ok(Self { manager })
    }

    /// Turns the slot into the session `id`.
    fn fill(self, id: &SessionId) {
        self.manager
            .book()
            .last_seen
            .insert(id.clone(), Instant::now());
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.manager.book().reserved -= 1;
    }
}

/// How often the reaper runs: a quarter of the timeout, within 10 ms..30 s.
fn reap_period(idle_timeout: Duration) -> Duration {
    (idle_timeout / 4).clamp(Duration::from_millis(10), Duration::from_secs(30))
}

fn spawn_reaper(manager: Weak<BoundedSessionManager>, period: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(manager) = manager.upgrade() else {
                return;
            };
            manager.reap().await;
        }
    });
}

impl SessionManager for BoundedSessionManager {
    type Error = SessionBoundError;
    type Transport = WorkerTransport<LocalSessionWorker>;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        // Reserve the slot under the lock, so concurrent initializes cannot
        // overshoot the cap.
        let reservation = Reservation::take(self)?;

        let (id, transport) = self.local.create_session().await?;
        reservation.fill(&id);
        Ok((id, transport))
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        self.touch(id).await;
        Ok(self.local.initialize_session(id, message).await?)
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        if !self.touch(id).await {
            return Ok(false);
        }
        Ok(self.local.has_session(id).await?)
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        self.book().last_seen.remove(id);
        Ok(self.local.close_session(id).await?)
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        Ok(self.local.create_stream(id, message).await?)
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        Ok(self.local.accept_message(id, message).await?)
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.touch(id).await;
        Ok(self.local.create_standalone_stream(id).await?)
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.touch(id).await;
        Ok(self.local.resume(id, last_event_id).await?)
    }
}
