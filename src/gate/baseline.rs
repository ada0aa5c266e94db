//! Committed baselines: `baselines/<group>.json`, one file per benchmark
//! group.
//!
//! The files are written for code review: keys sorted, numbers rounded to
//! six significant digits (more is noise, and noise makes diffs unreadable),
//! two-space indentation, a trailing newline. Each benchmark keeps its raw
//! per-iteration samples, because a rank test needs the samples, not a
//! summary; its median and median absolute deviation are stored beside them
//! for people. A file records the environment it was measured in, so a
//! comparison on other hardware can be flagged.
//!
//! ```json
//! {
//!   "about": "mcp-perf regression gate baseline; ...",
//!   "benchmarks": {
//!     "crypto/sha256": { "median": 612.4, "median_abs_dev": 3.1,
//!                        "samples": [610.2, ...], "tier": "wall-clock",
//!                        "unit": "ns" }
//!   },
//!   "environment": { ... },
//!   "group": "crypto",
//!   "schema": "mcp-perf-baseline",
//!   "version": 1
//! }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::environment::Environment;
use super::error::GateError;
use super::measurement::{Measurement, Tier};
use super::stats;
use super::versioned;

/// The `schema` value of a baseline file.
pub const SCHEMA: &str = "mcp-perf-baseline";

/// The baseline format version this gate reads and writes.
pub const VERSION: u32 = 1;

const ABOUT: &str = "mcp-perf regression gate baseline; written by `mcp-perf baseline \
update`, read by `mcp-perf gate`; format documented in src/gate/baseline.rs";

/// One group's baseline file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineFile {
    /// A pointer to these docs for someone who opens the file.
    #[serde(default)]
    pub about: String,
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Always [`VERSION`] when written by this crate.
    pub version: u32,
    /// The group all benchmarks in the file belong to.
    pub group: String,
    /// Where the group was measured.
    pub environment: Environment,
    /// Benchmarks by id.
    pub benchmarks: BTreeMap<String, BaselineEntry>,
}

/// One benchmark's baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// Unit of the samples.
    pub unit: String,
    /// Which tier judges this benchmark.
    pub tier: Tier,
    /// Per-iteration samples.
    pub samples: Vec<f64>,
    /// Median of the samples (the central estimate).
    pub median: f64,
    /// Median absolute deviation of the samples (the spread).
    pub median_abs_dev: f64,
}

/// All baseline files of a directory, by group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baselines {
    /// Files by group name.
    pub groups: BTreeMap<String, BaselineFile>,
}

impl Baselines {
    /// Reads every `*.json` in `dir`; a missing directory is an empty set.
    pub fn load(dir: &Path) -> Result<Self, GateError> {
        let mut baselines = Baselines::default();
        if !dir.exists() {
            return Ok(baselines);
        }

        for path in json_files(dir)? {
            let file = read_file(&path)?;
            baselines.groups.insert(file.group.clone(), file);
        }
        Ok(baselines)
    }

    /// Builds baselines from a run, one file per group.
    pub fn from_measurements(measurements: &[Measurement]) -> Self {
        let mut baselines = Baselines::default();
        for m in measurements {
            let file = baselines
                .groups
                .entry(m.group.clone())
                .or_insert_with(|| BaselineFile {
                    about: ABOUT.into(),
                    schema: SCHEMA.into(),
                    version: VERSION,
                    group: m.group.clone(),
                    environment: m.environment.clone(),
                    benchmarks: BTreeMap::new(),
                });
            file.benchmarks
                .insert(m.id.clone(), BaselineEntry::from_samples(m));
        }
        baselines
    }

    /// Every benchmark with its group's environment.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &BaselineEntry, &BaselineFile)> {
        self.groups
            .values()
            .flat_map(|file| file.benchmarks.iter().map(move |(id, e)| (id, e, file)))
    }

    /// The baseline as measurements, so it can be compared like any run.
    /// `dir` is where it was read from, for messages.
    pub fn measurements(&self, dir: &Path) -> Vec<Measurement> {
        self.entries()
            .map(|(id, entry, file)| Measurement {
                id: id.clone(),
                group: file.group.clone(),
                unit: entry.unit.clone(),
                tier: entry.tier,
                samples: entry.samples.clone(),
                environment: file.environment.clone(),
                source: dir.join(file_name(&file.group)),
                rounds: Vec::new(),
            })
            .collect()
    }

    /// Writes one file per group into `dir`, returning the paths written.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, GateError> {
        std::fs::create_dir_all(dir).map_err(|e| GateError::io(dir, e))?;
        let mut written = Vec::new();
        for file in self.groups.values() {
            let path = dir.join(file_name(&file.group));
            std::fs::write(&path, render(file)).map_err(|e| GateError::io(&path, e))?;
            written.push(path);
        }
        Ok(written)
    }
}

impl BaselineEntry {
    /// The baseline entry for one measurement, samples rounded for review.
    pub fn from_samples(m: &Measurement) -> Self {
        let samples: Vec<f64> = m.samples.iter().map(|s| round_significant(*s)).collect();
        BaselineEntry {
            unit: m.unit.clone(),
            tier: m.tier,
            median: round_significant(stats::median(&samples).unwrap_or(0.0)),
            median_abs_dev: round_significant(stats::median_abs_dev(&samples).unwrap_or(0.0)),
            samples,
        }
    }
}

/// The file name for a group: characters other than letters, digits, `-`,
/// `_` and `.` become `_`, so any criterion group name is a safe file name.
pub fn file_name(group: &str) -> String {
    let safe: String = group
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.json")
}

/// The committed text of a baseline file: sorted keys, two-space
/// indentation, trailing newline. Sorting comes from going through
/// `serde_json::Value`, whose maps are ordered by key.
pub fn render(file: &BaselineFile) -> String {
    let value = serde_json::to_value(file).expect("a baseline file is always valid JSON");
    let text = serde_json::to_string_pretty(&value).expect("a JSON value always serialises");
    text + "\n"
}

/// Six significant digits: enough for a 0.01 % change, few enough that a
/// re-run does not rewrite every digit of every sample.
fn round_significant(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    format!("{value:.5e}").parse().unwrap_or(value)
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, GateError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| GateError::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads one baseline file, checking its schema and version first.
fn read_file(path: &Path) -> Result<BaselineFile, GateError> {
    let file: BaselineFile = versioned::read(path, SCHEMA, VERSION, "baseline")?;
    if let Some((id, _)) = file.benchmarks.iter().find(|(_, e)| e.samples.is_empty()) {
        return Err(GateError::shape(
            path,
            format!("benchmark {id} has no samples"),
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(id: &str, group: &str, samples: Vec<f64>) -> Measurement {
        Measurement {
            id: id.into(),
            group: group.into(),
            unit: "ns".into(),
            tier: Tier::WallClock,
            samples,
            environment: Environment::capture("bench", Path::new(".")),
            source: PathBuf::from("test"),
            rounds: Vec::new(),
        }
    }

    #[test]
    fn round_trip_through_files_is_stable() {
        let runs = [
            measurement("g/b", "g", vec![3.0, 1.234_567_89, 2.0]),
            measurement("g/a", "g", vec![5.0, 5.5, 6.0]),
            measurement("h w/x", "h w", vec![1.0]),
        ];
        let baselines = Baselines::from_measurements(&runs);
        let dir = tempfile::tempdir().unwrap();
        let written = baselines.write(dir.path()).unwrap();
        assert_eq!(written.len(), 2);
        assert!(dir.path().join("h_w.json").exists());

        let loaded = Baselines::load(dir.path()).unwrap();
        assert_eq!(loaded, baselines);
        let text = std::fs::read_to_string(&written[0]).unwrap();
        assert!(text.contains("1.23457"));
        assert!(text.find("\"g/a\"").unwrap() < text.find("\"g/b\"").unwrap());
        assert_eq!(render(&loaded.groups["g"]), text);
    }

    #[test]
    fn unknown_version_is_refused_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        std::fs::write(&path, r#"{"schema": "mcp-perf-baseline", "version": 9}"#).unwrap();
        let err = Baselines::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("g.json") && err.contains("version 9"), "{err}");
    }
}
