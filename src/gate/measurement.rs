//! One benchmark's fresh samples, whatever produced them: the common
//! currency between the readers (criterion, our results files) and the
//! statistics.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::environment::Environment;

/// Which kind of evidence judges a benchmark, and so which test applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Wall-clock time: noisy and drifting, judged by a rank test with a
    /// noise threshold and a multiple-testing correction.
    WallClock,
    /// Instruction counts from callgrind: deterministic up to a fraction of
    /// a percent, judged by a tight relative threshold alone.
    Instructions,
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tier::WallClock => "wall-clock",
            Tier::Instructions => "instructions",
        })
    }
}

/// The fresh samples of one benchmark.
///
/// Every unit is a cost (lower is better): a producer with a throughput
/// must report its inverse (time per request), so that "larger" always
/// means "slower" to the gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Unique id, e.g. `crypto/aes_gcm_seal/1024`.
    pub id: String,
    /// The group, which names the baseline file (`baselines/<group>.json`).
    pub group: String,
    /// The unit of every sample, e.g. `ns` or `instructions`.
    pub unit: String,
    /// Which tier judges it.
    pub tier: Tier,
    /// One value per sample, per iteration (criterion's `times[i] / iters[i]`).
    pub samples: Vec<f64>,
    /// Where and how it was measured.
    pub environment: Environment,
    /// The file it was read from, for error messages.
    pub source: PathBuf,
    /// Paired mode only: the median of each interleaved round, in round
    /// order, so the comparison can pair round r of one side with round r
    /// of the other. Empty otherwise.
    pub rounds: Vec<f64>,
}
