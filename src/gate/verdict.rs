//! The verdict for one benchmark, from the evidence the statistics gave.
//!
//! For wall-clock benchmarks a slowdown must be both *real* (significant
//! after the correction for many benchmarks) and *large enough to matter*
//! (its estimate beyond the noise threshold, which absorbs the drift that
//! no test on one machine's samples can see). A benchmark is unchanged only
//! when its interval lies inside the threshold, i.e. when the data rule out
//! a change that matters; otherwise it is inconclusive, which passes but is
//! reported with the effect it could have detected.
//!
//! Instruction counts are deterministic up to a fraction of a percent, so
//! no test is needed: the relative change against the threshold decides.

use serde::Serialize;

/// What the gate concluded about one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Significantly slower, by more than the threshold. Fails the gate.
    Regressed,
    /// Significantly faster, by more than the threshold.
    Improved,
    /// Any change is within the threshold, with confidence.
    Unchanged,
    /// No regression shown, but one beyond the threshold is not ruled out.
    Inconclusive,
    /// In the results but not in the baseline.
    New,
    /// In the baseline but not in the results. Fails unless allowed.
    Missing,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Regressed => "regressed",
            Verdict::Improved => "improved",
            Verdict::Unchanged => "unchanged",
            Verdict::Inconclusive => "inconclusive",
            Verdict::New => "new",
            Verdict::Missing => "missing",
        })
    }
}

/// What the statistics found for one wall-clock benchmark; changes are
/// relative (0.05 = 5 % slower).
#[derive(Debug, Clone, Copy)]
pub struct WallClockEvidence {
    /// Hodges-Lehmann shift over the baseline median.
    pub change: f64,
    /// Interval of the ratio of medians, minus one.
    pub interval: (f64, f64),
    /// p-value after the multiple-testing correction.
    pub p_adjusted: f64,
    /// Significance level.
    pub alpha: f64,
    /// Relative noise threshold.
    pub threshold: f64,
}

/// Decides a wall-clock benchmark.
pub fn wall_clock(e: WallClockEvidence) -> Verdict {
    let significant = e.p_adjusted < e.alpha;
    if significant && e.change > e.threshold {
        Verdict::Regressed
    } else if significant && e.change < -e.threshold {
        Verdict::Improved
    } else if e.interval.0 >= -e.threshold && e.interval.1 <= e.threshold {
        Verdict::Unchanged
    } else {
        Verdict::Inconclusive
    }
}

/// Decides an instruction-count benchmark from its relative change.
pub fn instructions(change: f64, threshold: f64) -> Verdict {
    if change > threshold {
        Verdict::Regressed
    } else if change < -threshold {
        Verdict::Improved
    } else {
        Verdict::Unchanged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(change: f64, interval: (f64, f64), p_adjusted: f64) -> WallClockEvidence {
        WallClockEvidence {
            change,
            interval,
            p_adjusted,
            alpha: 0.05,
            threshold: 0.05,
        }
    }

    #[test]
    fn needs_both_significance_and_size() {
        assert_eq!(
            wall_clock(evidence(0.08, (0.06, 0.10), 0.001)),
            Verdict::Regressed
        );
        assert_eq!(
            wall_clock(evidence(0.08, (0.01, 0.15), 0.2)),
            Verdict::Inconclusive
        );
        assert_eq!(
            wall_clock(evidence(0.02, (0.01, 0.03), 0.001)),
            Verdict::Unchanged
        );
        assert_eq!(
            wall_clock(evidence(-0.2, (-0.25, -0.15), 0.001)),
            Verdict::Improved
        );
        assert_eq!(
            wall_clock(evidence(0.0, (-0.01, 0.01), 0.9)),
            Verdict::Unchanged
        );
    }

    #[test]
    fn instruction_counts_use_the_threshold_alone() {
        assert_eq!(instructions(0.021, 0.02), Verdict::Regressed);
        assert_eq!(instructions(0.019, 0.02), Verdict::Unchanged);
        assert_eq!(instructions(-0.05, 0.02), Verdict::Improved);
    }
}
