//! The one reader of criterion's result files.
//!
//! Criterion writes `<criterion dir>/<group>/<function>/<value>/new/` with
//! `benchmark.json` (ids), `sample.json` (per-sample totals) and
//! `estimates.json` (its own summary). These are undocumented internals that
//! have changed between versions, so they are mirrored here and nowhere
//! else, every field the gate relies on is required, and a file of another
//! shape fails with its path rather than being half-read.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::environment::Environment;
use super::error::GateError;
use super::measurement::{Measurement, Tier};

/// `benchmark.json`: who the benchmark is.
#[derive(Debug, Deserialize)]
struct BenchmarkFile {
    group_id: String,
    full_id: String,
}

/// `sample.json`: one total time per sample, over `iters[i]` iterations.
#[derive(Debug, Deserialize)]
struct SampleFile {
    /// Required so an unknown mode fails, though both modes read alike.
    #[allow(dead_code)]
    sampling_mode: SamplingMode,
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// The sampling modes criterion 0.5 to 0.8 write; a new one is a new shape.
/// Both store totals per sample, so the gate treats them alike.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum SamplingMode {
    Linear,
    Flat,
}

/// `estimates.json`: only checked for shape, since the gate computes its own
/// statistics from the samples; a changed summary format hints that the
/// sample format may have changed too.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct EstimatesFile {
    mean: Estimate,
    median: Estimate,
    median_abs_dev: Estimate,
    std_dev: Estimate,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Estimate {
    point_estimate: f64,
    standard_error: f64,
}

/// Where criterion writes by default, by its own rule: `$CRITERION_HOME`,
/// else `$CARGO_TARGET_DIR/criterion`, else `target/criterion`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(dir);
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target.join("criterion")
}

/// Reads every benchmark under `dir` (criterion's output directory).
/// Returns an empty list when `dir` does not exist; the caller decides
/// whether no results at all is an error.
pub fn read_dir(dir: &Path, environment: &Environment) -> Result<Vec<Measurement>, GateError> {
    let mut found = Vec::new();
    if dir.exists() {
        collect_new_dirs(dir, &mut found)?;
    }
    found.sort();

    found
        .iter()
        .map(|new_dir| read_benchmark(new_dir, environment))
        .collect()
}

/// Finds every `new/` directory that holds a `benchmark.json`.
fn collect_new_dirs(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), GateError> {
    let entries = std::fs::read_dir(dir).map_err(|e| GateError::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| GateError::io(dir, e))?.path();
        if !path.is_dir() {
            continue;
        }

        if path.file_name().is_some_and(|n| n == "new") && path.join("benchmark.json").exists() {
            found.push(path);
        } else if path.file_name().is_none_or(|n| n != "report") {
            collect_new_dirs(&path, found)?;
        }
    }
    Ok(())
}

/// Reads one benchmark from its `new/` directory.
pub fn read_benchmark(new_dir: &Path, environment: &Environment) -> Result<Measurement, GateError> {
    let benchmark: BenchmarkFile = read_json(&new_dir.join("benchmark.json"))?;
    let _: EstimatesFile = read_json(&new_dir.join("estimates.json"))?;

    let sample_path = new_dir.join("sample.json");
    let sample: SampleFile = read_json(&sample_path)?;
    let samples = per_iteration(&sample, &sample_path)?;

    Ok(Measurement {
        id: benchmark.full_id,
        group: benchmark.group_id,
        unit: "ns".into(),
        tier: Tier::WallClock,
        samples,
        environment: environment.clone(),
        source: sample_path,
        rounds: Vec::new(),
    })
}

/// Per-iteration times, `times[i] / iters[i]`, checked for sense.
fn per_iteration(sample: &SampleFile, path: &Path) -> Result<Vec<f64>, GateError> {
    if sample.iters.len() != sample.times.len() {
        let reason = format!(
            "{} iteration counts but {} times",
            sample.iters.len(),
            sample.times.len()
        );
        return Err(GateError::shape(path, reason));
    }
    if sample.iters.is_empty() {
        return Err(GateError::shape(path, "no samples"));
    }

    let mut per_iteration = Vec::with_capacity(sample.iters.len());
    for (iters, time) in sample.iters.iter().zip(&sample.times) {
        if !(iters.is_finite() && *iters > 0.0 && time.is_finite() && *time >= 0.0) {
            let reason = format!("sample with {iters} iterations and time {time}");
            return Err(GateError::shape(path, reason));
        }
        per_iteration.push(time / iters);
    }
    Ok(per_iteration)
}

/// Reads and parses one JSON file, naming it in any error.
fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, GateError> {
    let text = std::fs::read_to_string(path).map_err(|e| GateError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| GateError::shape(path, e.to_string()))
}
