//! When each request reached the mock, and for which organization: what a
//! limiter test counts. Counting here, at the server, is what makes such a
//! test honest: the client's own view cannot see network delay.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One request as the mock saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// When the responder ran.
    pub at: Instant,
    /// The organization it counted against, when the mock can tell.
    pub organization: Option<u64>,
}

/// The log of arrivals; off when the mock serves load.
#[derive(Debug)]
pub struct ArrivalLog {
    enabled: bool,
    arrivals: Mutex<Vec<Arrival>>,
}

impl ArrivalLog {
    /// A log that records only when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            arrivals: Mutex::new(Vec::new()),
        }
    }

    pub(super) fn record(&self, organization: Option<u64>) {
        if self.enabled {
            let arrival = Arrival {
                at: Instant::now(),
                organization,
            };
            self.lock().push(arrival);
        }
    }

    /// Every arrival so far, in order.
    pub fn all(&self) -> Vec<Arrival> {
        self.lock().clone()
    }

    /// How many requests counted against `organization`.
    pub fn count(&self, organization: Option<u64>) -> usize {
        self.lock()
            .iter()
            .filter(|a| a.organization == organization)
            .count()
    }

    /// The most requests for `organization` that fell within any one window
    /// of length `window` (half-open, as a sliding rate limit counts).
    pub fn max_in_window(&self, organization: u64, window: Duration) -> usize {
        let mut times: Vec<Instant> = self
            .lock()
            .iter()
            .filter(|a| a.organization == Some(organization))
            .map(|a| a.at)
            .collect();
        times.sort();

        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end].duration_since(times[start]) >= window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    /// Forgets every arrival.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arrival>> {
        self.arrivals.lock().unwrap_or_else(|p| p.into_inner())
    }
}
