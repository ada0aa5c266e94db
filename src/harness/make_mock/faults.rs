//! Faults the mock injects on demand: latency drawn from a distribution, 429s
//! with `Retry-After`, and bursts of 5xx. Tests switch them on and off while
//! the mock runs; every counter is atomic so responses stay lock-free.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::json;
use wiremock::ResponseTemplate;

/// How long the mock waits before answering.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Latency {
    /// Answer at once.
    None,
    /// Always the same delay.
    Fixed(Duration),
    /// Uniform between two bounds.
    Uniform {
        /// The shortest delay.
        min: Duration,
        /// The longest delay.
        max: Duration,
    },
    /// Log-normal, the usual shape of service latency: half the answers
    /// under `median`, with a tail that `sigma` widens.
    LogNormal {
        /// The median delay.
        median: Duration,
        /// The standard deviation of the delay's logarithm.
        sigma: f64,
    },
}

impl Latency {
    /// Draws one delay.
    pub fn sample(self) -> Duration {
        match self {
            Latency::None => Duration::ZERO,
            Latency::Fixed(delay) => delay,
            Latency::Uniform { min, max } if max > min => {
                let share: f64 = rand::random();
                min + (max - min).mul_f64(share)
            }
            Latency::Uniform { min, .. } => min,
            Latency::LogNormal { median, sigma } => {
                let factor = (sigma * standard_normal()).exp();
                median.mul_f64(factor.min(1e6))
            }
        }
    }
}

/// A standard normal draw (Box-Muller), to spare a distribution crate.
fn standard_normal() -> f64 {
    let u1: f64 = 1.0 - rand::random::<f64>();
    let u2: f64 = rand::random();

    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The faults switched on.
#[derive(Debug)]
pub struct Faults {
    latency: Mutex<Latency>,
    rate_limited: AtomicU32,
    retry_after_ms: AtomicU64,
    server_errors: AtomicU32,
    server_status: AtomicU32,
}

/// `u64::MAX` in `retry_after_ms` means no `Retry-After` header.
const NO_RETRY_AFTER: u64 = u64::MAX;

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency: Mutex::new(Latency::None),
            rate_limited: AtomicU32::new(0),
            retry_after_ms: AtomicU64::new(NO_RETRY_AFTER),
            server_errors: AtomicU32::new(0),
            server_status: AtomicU32::new(503),
        }
    }
}

impl Faults {
    /// Sets the latency of every later answer.
    pub fn set_latency(&self, latency: Latency) {
        *self.latency.lock().unwrap_or_else(|p| p.into_inner()) = latency;
    }

    /// Answers the next `count` requests with 429 and Make's message, with
    /// `Retry-After` in whole seconds (rounded up) when given.
    pub fn rate_limit_next(&self, count: u32, retry_after: Option<Duration>) {
        let millis = retry_after.map_or(NO_RETRY_AFTER, |d| d.as_millis() as u64);

        self.retry_after_ms.store(millis, Ordering::SeqCst);
        self.rate_limited.store(count, Ordering::SeqCst);
    }

    /// Answers the next `count` requests with `status` (a 5xx).
    pub fn fail_next(&self, count: u32, status: u16) {
        self.server_status
            .store(u32::from(status), Ordering::SeqCst);
        self.server_errors.store(count, Ordering::SeqCst);
    }

    /// Clears every fault.
    pub fn clear(&self) {
        self.set_latency(Latency::None);
        self.rate_limited.store(0, Ordering::SeqCst);
        self.server_errors.store(0, Ordering::SeqCst);
    }

    /// The injected answer for this request, if a fault is armed.
    pub(super) fn take_injected(&self) -> Option<ResponseTemplate> {
        if take_one(&self.rate_limited) {
            return Some(self.too_many_requests());
        }

        if take_one(&self.server_errors) {
            let status = self.server_status.load(Ordering::SeqCst) as u16;
            let body = json!({
                "detail": "The service is temporarily unavailable.",
                "message": "Service Unavailable",
                "code": format!("SC{status}"),
            });
            return Some(ResponseTemplate::new(status).set_body_json(body));
        }

        None
    }

    /// Adds the configured latency to an answer.
    pub(super) fn delay(&self, template: ResponseTemplate) -> ResponseTemplate {
        let latency = *self.latency.lock().unwrap_or_else(|p| p.into_inner());

        match latency.sample() {
            delay if delay.is_zero() => template,
            delay => template.set_delay(delay),
        }
    }

    fn too_many_requests(&self) -> ResponseTemplate {
        let body = json!({
            "detail": "Requests limit for organization exceeded, please try again later.",
            "message": "Requests limit for organization exceeded, please try again later.",
            "code": "SC429",
        });
        let template = ResponseTemplate::new(429).set_body_json(body);

        match self.retry_after_ms.load(Ordering::SeqCst) {
            NO_RETRY_AFTER => template,
            millis => template.insert_header("retry-after", millis.div_ceil(1000).to_string()),
        }
    }
}

/// Decrements a counter if it is above zero; true if it was.
fn take_one(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_stay_in_their_bounds() {
        let uniform = Latency::Uniform {
            min: Duration::from_millis(5),
            max: Duration::from_millis(9),
        };

        for _ in 0..1000 {
            let delay = uniform.sample();
            assert!(delay >= Duration::from_millis(5) && delay <= Duration::from_millis(9));
        }
    }

    #[test]
    fn armed_faults_are_used_up() {
        let faults = Faults::default();
        faults.fail_next(2, 502);

        assert!(faults.take_injected().is_some());
        assert!(faults.take_injected().is_some());
        assert!(faults.take_injected().is_none());
    }
}
