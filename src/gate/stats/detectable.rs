//! The minimal detectable effect: the smallest slowdown the gate would have
//! caught, at the noise it measured.
//!
//! Without it a pass says nothing: "no regression found" from a benchmark
//! whose noise hides 30 % is not the same pass as one that would have seen
//! 2 %. The figure is a power calculation on the normal approximation of the
//! log ratio, whose standard error comes from the bootstrap:
//!
//! - to be significant after correction, a true log shift must clear
//!   `z(1 - hurdle / 2) * se`, and to do so with probability `power` it must
//!   be `(z(1 - hurdle / 2) + z(power)) * se`;
//! - to exceed the noise threshold `t` with probability `power`, it must be
//!   `ln(1 + t) + z(power) * se`.
//!
//! The gate flags only when both hold, so the detectable effect is the larger
//! of the two, turned back into a relative change. The hurdle is the
//! strictest step of the correction (alpha / m), so the figure errs on the
//! side of claiming less.

use super::normal;

/// Inputs to the power calculation.
#[derive(Debug, Clone, Copy)]
pub struct Power {
    /// Standard error of the log ratio (from the bootstrap).
    pub log_std_error: f64,
    /// The per-test significance level after correction.
    pub hurdle: f64,
    /// The probability of catching the effect that is asked for, e.g. 0.8.
    pub power: f64,
    /// The noise threshold as a relative change, e.g. 0.05.
    pub threshold: f64,
}

/// The smallest relative slowdown (0.05 = 5 %) detected with the given power.
pub fn minimal_detectable_effect(input: Power) -> f64 {
    let z_power = normal::quantile(input.power);
    let z_test = normal::quantile(1.0 - input.hurdle / 2.0);

    let by_significance = (z_test + z_power) * input.log_std_error;
    let by_threshold = (1.0 + input.threshold).ln() + z_power * input.log_std_error;
    by_significance.max(by_threshold).exp() - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_free_samples_detect_the_threshold() {
        let mde = minimal_detectable_effect(Power {
            log_std_error: 0.0,
            hurdle: 0.05,
            power: 0.8,
            threshold: 0.03,
        });
        assert!((mde - 0.03).abs() < 1e-12);
    }

    #[test]
    fn more_noise_means_a_larger_detectable_effect() {
        let at = |se| {
            minimal_detectable_effect(Power {
                log_std_error: se,
                hurdle: 0.005,
                power: 0.8,
                threshold: 0.02,
            })
        };
        assert!(at(0.01) < at(0.02));
        // (z(0.9975) + z(0.8)) * 0.02 = (2.807 + 0.842) * 0.02, about 7.6 %.
        assert!((at(0.02) - 0.0757).abs() < 0.002, "{}", at(0.02));
    }
}
