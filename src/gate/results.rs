//! Our own results format, so producers other than criterion (the
//! instruction-count tier, the load runner) feed the same gate.
//!
//! Each producer writes one file, `target/mcp-perf/results/<producer>.json`:
//!
//! ```json
//! {
//!   "schema": "mcp-perf-results",
//!   "version": 1,
//!   "producer": "instructions",
//!   "environment": { "cpu_model": "...", "cores": 2, "os": "linux 6.1.0",
//!                    "rustc": "rustc 1.95.0", "profile": "bench",
//!                    "git_commit": "...", "git_dirty": false,
//!                    "date": "2026-12-03T13:00:00Z" },
//!   "measurements": [
//!     { "id": "instructions/sha256_token", "group": "instructions",
//!       "unit": "instructions", "tier": "instructions", "samples": [18231] }
//!   ]
//! }
//! ```
//!
//! Samples are costs (lower is better), one per repetition, per iteration.
//! `tier` is `wall-clock` (rank test, noise threshold) or `instructions`
//! (tight threshold, no test). A file with another `schema` or a `version`
//! this gate does not know is refused, never guessed at.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::environment::Environment;
use super::error::GateError;
use super::measurement::{Measurement, Tier};
use super::versioned;

/// The `schema` value of a results file.
pub const SCHEMA: &str = "mcp-perf-results";

/// The results format version this gate reads and writes.
pub const VERSION: u32 = 1;

/// A results file as written by one producer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultsFile {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Always [`VERSION`] when written by this crate.
    pub version: u32,
    /// Who wrote it, e.g. `instructions` or `load`.
    pub producer: String,
    /// Where it was measured.
    pub environment: Environment,
    /// One entry per benchmark.
    pub measurements: Vec<ResultEntry>,
}

/// One benchmark in a results file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultEntry {
    /// Unique benchmark id.
    pub id: String,
    /// Group, which names the baseline file.
    pub group: String,
    /// Unit of the samples.
    pub unit: String,
    /// Which tier judges it.
    pub tier: Tier,
    /// The samples, costs per iteration.
    pub samples: Vec<f64>,
}

impl ResultsFile {
    /// A new results file for `producer`.
    pub fn new(producer: &str, environment: Environment, measurements: Vec<ResultEntry>) -> Self {
        ResultsFile {
            schema: SCHEMA.into(),
            version: VERSION,
            producer: producer.into(),
            environment,
            measurements,
        }
    }

    /// Writes the file as pretty JSON, creating its directory.
    pub fn write(&self, path: &Path) -> Result<(), GateError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| GateError::io(dir, e))?;
        }
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| GateError::shape(path, e.to_string()))?;
        std::fs::write(path, text + "\n").map_err(|e| GateError::io(path, e))
    }
}

/// Where producers write and the gate reads by default:
/// `$MCP_PERF_RESULTS_DIR`, else `$CARGO_TARGET_DIR/mcp-perf/results`, else
/// `target/mcp-perf/results`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MCP_PERF_RESULTS_DIR") {
        return PathBuf::from(dir);
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target.join("mcp-perf").join("results")
}

/// Reads every `*.json` results file in `dir` (sorted by name). A missing
/// directory gives an empty list.
pub fn read_dir(dir: &Path) -> Result<Vec<Measurement>, GateError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }

    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| GateError::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();

    let mut measurements = Vec::new();
    for path in files {
        measurements.extend(read_file(&path)?);
    }
    Ok(measurements)
}

/// Reads one results file into measurements.
pub fn read_file(path: &Path) -> Result<Vec<Measurement>, GateError> {
    let file: ResultsFile = versioned::read(path, SCHEMA, VERSION, "results")?;
    file.measurements
        .into_iter()
        .map(|entry| into_measurement(entry, &file.environment, path))
        .collect()
}

fn into_measurement(
    entry: ResultEntry,
    environment: &Environment,
    path: &Path,
) -> Result<Measurement, GateError> {
    if entry.samples.is_empty() || entry.samples.iter().any(|s| !s.is_finite() || *s < 0.0) {
        let reason = format!(
            "benchmark {}: samples must be finite, non-negative, non-empty",
            entry.id
        );
        return Err(GateError::shape(path, reason));
    }

    Ok(Measurement {
        id: entry.id,
        group: entry.group,
        unit: entry.unit,
        tier: entry.tier,
        samples: entry.samples,
        environment: environment.clone(),
        source: path.into(),
        rounds: Vec::new(),
    })
}
