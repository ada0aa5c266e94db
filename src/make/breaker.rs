//! A circuit breaker per Make.com zone, as a tower layer.
//!
//! Written by hand: tower has no breaker, and the crates that offer one are
//! either unmaintained or not tower layers. It is small: closed until
//! `failure_threshold` consecutive zone failures, then open (calls fail at
//! once) for `cool_down`, then half-open: one probe goes through, and its
//! outcome closes or re-opens the breaker.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

use super::config::BreakerConfig;
use super::error::MakeError;
use super::request::{ApiRequest, ApiResponse};
use super::transport::BoxFuture;
use super::zone::Zone;

/// What a zone's breaker is doing, for status reports and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum BreakerState {
    /// Calls go through; `consecutive_failures` so far.
    Closed {
        /// Zone failures in a row, reset by any success.
        consecutive_failures: u32,
    },
    /// Calls fail at once until the cool-down ends.
    Open {
        /// Time left in the cool-down.
        retry_in: Duration,
    },
    /// The cool-down is over: the next call is a probe (or one is running).
    HalfOpen,
}

#[derive(Debug)]
enum Phase {
    Closed { failures: u32 },
    Open { until: Instant },
    Probing,
}

/// The breakers of all zones.
#[derive(Debug)]
pub struct ZoneBreakers {
    config: BreakerConfig,
    phases: Mutex<HashMap<Zone, Phase>>,
}

/// Whether a call may go, and whether it is the half-open probe.
enum Admission {
    Pass,
    Probe,
}

impl ZoneBreakers {
    /// All zones start closed.
    pub fn new(config: BreakerConfig) -> Arc<Self> {
        Arc::new(Self {
            config,
            phases: Mutex::new(HashMap::new()),
        })
    }

    /// The state of one zone's breaker.
    pub fn state(&self, zone: Zone) -> BreakerState {
        let phases = self.lock();
        let now = Instant::now();

        match phases.get(&zone) {
            None => BreakerState::Closed {
                consecutive_failures: 0,
            },
            Some(Phase::Closed { failures }) => BreakerState::Closed {
                consecutive_failures: *failures,
            },
            Some(Phase::Open { until }) if *until > now => BreakerState::Open {
                retry_in: *until - now,
            },
            Some(Phase::Open { .. } | Phase::Probing) => BreakerState::HalfOpen,
        }
    }

    fn admit(&self, zone: Zone) -> Result<Admission, MakeError> {
        let mut phases = self.lock();
        let phase = phases.entry(zone).or_insert(Phase::Closed { failures: 0 });
        let now = Instant::now();

        match phase {
            Phase::Closed { .. } => Ok(Admission::Pass),
            Phase::Open { until } if *until <= now => {
                *phase = Phase::Probing;
                Ok(Admission::Probe)
            }
            Phase::Open { until } => Err(MakeError::CircuitOpen {
                zone,
                retry_in: *until - now,
            }),
            // One probe at a time; the others fail fast as if still open.
            Phase::Probing => Err(MakeError::CircuitOpen {
                zone,
                retry_in: Duration::ZERO,
            }),
        }
    }

    fn record(&self, zone: Zone, zone_failed: bool) {
        let mut phases = self.lock();
        let phase = phases.entry(zone).or_insert(Phase::Closed { failures: 0 });

        *phase = match (&*phase, zone_failed) {
            (Phase::Closed { .. }, false) => Phase::Closed { failures: 0 },
            (_, false) => {
                tracing::info!(%zone, "make.com circuit closed");
                Phase::Closed { failures: 0 }
            }
            (Phase::Closed { failures }, true) if failures + 1 < self.config.failure_threshold => {
                Phase::Closed {
                    failures: failures + 1,
                }
            }
            (Phase::Open { until }, true) => Phase::Open { until: *until },
            (_, true) => {
                tracing::warn!(%zone, "make.com circuit opened");
                Phase::Open {
                    until: Instant::now() + self.config.cool_down,
                }
            }
        };
    }

    /// A probe that ended without an outcome (its caller gave up) lets the
    /// next call probe instead.
    fn abandon_probe(&self, zone: Zone) {
        let mut phases = self.lock();
        if let Some(phase @ Phase::Probing) = phases.get_mut(&zone) {
            *phase = Phase::Open {
                until: Instant::now(),
            };
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Zone, Phase>> {
        self.phases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Puts [`ZoneBreakers`] in front of a service.
#[derive(Clone, Debug)]
pub struct BreakerLayer {
    breakers: Arc<ZoneBreakers>,
}

impl BreakerLayer {
    /// A layer over shared breakers.
    pub fn new(breakers: Arc<ZoneBreakers>) -> Self {
        Self { breakers }
    }
}

impl<S> Layer<S> for BreakerLayer {
    type Service = BreakerService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        BreakerService {
            breakers: Arc::clone(&self.breakers),
            inner,
        }
    }
}

/// Fails fast while the request's zone is open; records every outcome.
#[derive(Clone, Debug)]
pub struct BreakerService<S> {
    breakers: Arc<ZoneBreakers>,
    inner: S,
}

impl<S> Service<ApiRequest> for BreakerService<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = MakeError> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = ApiResponse;
    type Error = MakeError;
    type Future = BoxFuture<Result<ApiResponse, MakeError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let breakers = Arc::clone(&self.breakers);
        let inner = self.inner.clone();
        let zone = request.zone;

        Box::pin(async move {
            let admission = breakers.admit(zone)?;
            let guard = ProbeGuard {
                breakers: &breakers,
                zone,
                armed: matches!(admission, Admission::Probe),
            };

            let outcome = inner.oneshot(request).await;

            guard.disarm();
            let failed = outcome
                .as_ref()
                .err()
                .is_some_and(MakeError::is_zone_failure);
            breakers.record(zone, failed);
            outcome
        })
    }
}

/// Releases the probe slot if the probing call is dropped midway.
struct ProbeGuard<'a> {
    breakers: &'a ZoneBreakers,
    zone: Zone,
    armed: bool,
}

impl ProbeGuard<'_> {
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for ProbeGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.breakers.abandon_probe(self.zone);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breakers() -> Arc<ZoneBreakers> {
        ZoneBreakers::new(BreakerConfig {
            failure_threshold: 2,
            cool_down: Duration::from_millis(50),
        })
    }

    #[tokio::test]
    async fn opens_after_threshold_then_probes_once() {
        let breakers = breakers();

        breakers.record(Zone::Eu1, true);
        breakers.record(Zone::Eu1, true);
        assert!(matches!(
            breakers.state(Zone::Eu1),
            BreakerState::Open { .. }
        ));
        assert!(breakers.admit(Zone::Eu1).is_err());

        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(breakers.state(Zone::Eu1), BreakerState::HalfOpen);
        assert!(matches!(breakers.admit(Zone::Eu1), Ok(Admission::Probe)));
        assert!(
            breakers.admit(Zone::Eu1).is_err(),
            "a second probe must wait"
        );

        breakers.record(Zone::Eu1, false);
        assert_eq!(
            breakers.state(Zone::Eu1),
            BreakerState::Closed {
                consecutive_failures: 0
            }
        );
    }

    #[tokio::test]
    async fn zones_are_independent() {
        let breakers = breakers();

        breakers.record(Zone::Us1, true);
        breakers.record(Zone::Us1, true);

        assert!(matches!(breakers.admit(Zone::Eu1), Ok(Admission::Pass)));
    }
}
