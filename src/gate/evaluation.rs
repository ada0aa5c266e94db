//! One run of the gate: the comparisons, the environment check, and the
//! outcome with its exit code.

use std::collections::BTreeMap;

use serde::Serialize;

use super::comparison::{self, Comparison};
use super::environment::Mismatch;
use super::error::GateError;
use super::measurement::Measurement;
use super::thresholds::{Reference, Thresholds};
use super::verdict::Verdict;

/// How the gate ends, and the process exit code that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No regression (exit 0).
    Pass,
    /// At least one benchmark regressed (exit 1).
    Regression,
    /// The input could not be judged: missing, corrupt, unknown (exit 2).
    Unusable,
}

impl Status {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Pass => 0,
            Status::Regression => 1,
            Status::Unusable => 2,
        }
    }
}

/// The status and a one-line reason for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Pass, regression or unusable input.
    pub status: Status,
    /// One line a person can act on.
    pub reason: String,
}

impl Outcome {
    /// The outcome for an error that stopped the gate before any verdict.
    pub fn unusable(error: &GateError) -> Self {
        Outcome {
            status: Status::Unusable,
            reason: format!("unusable input: {error}"),
        }
    }
}

/// Environment differences for one group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupMismatch {
    /// The benchmark group.
    pub group: String,
    /// The fields that differ.
    pub fields: Vec<Mismatch>,
}

/// Everything a report needs.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// What the current run was compared with, in words.
    pub reference: String,
    /// Suite-level significance level.
    pub alpha: f64,
    /// Power at which detectable effects are quoted.
    pub power: f64,
    /// The correction for many benchmarks.
    pub correction: String,
    /// Environment differences between reference and current, by group.
    pub mismatches: Vec<GroupMismatch>,
    /// One entry per benchmark, sorted by id.
    pub comparisons: Vec<Comparison>,
    /// The overall outcome.
    pub outcome: Outcome,
}

/// What to compare and how.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// Words for the report, e.g. "committed baselines in baselines/".
    pub label: String,
    /// The reference run.
    pub reference: &'a [Measurement],
    /// The current run.
    pub current: &'a [Measurement],
    /// Levels and thresholds.
    pub thresholds: &'a Thresholds,
    /// Committed baseline or paired base revision.
    pub against: Reference,
    /// Whether benchmarks missing from the current run are accepted.
    pub allow_missing: bool,
}

/// Runs the comparison and decides the outcome.
pub fn evaluate(plan: Plan<'_>) -> Result<Evaluation, GateError> {
    let comparisons =
        comparison::compare_all(plan.reference, plan.current, plan.thresholds, plan.against)?;
    let mismatches = environment_mismatches(plan.reference, plan.current);
    let outcome = decide(&comparisons, plan.allow_missing);
    let d = &plan.thresholds.defaults;

    Ok(Evaluation {
        reference: plan.label,
        alpha: d.alpha,
        power: d.power,
        correction: d.correction.to_string(),
        mismatches,
        comparisons,
        outcome,
    })
}

/// Regressions fail (1); otherwise missing benchmarks make the run
/// unusable (2) unless allowed; otherwise the gate passes (0).
fn decide(comparisons: &[Comparison], allow_missing: bool) -> Outcome {
    let with = |v: Verdict| comparisons.iter().filter(move |c| c.verdict == v);
    let regressed: Vec<String> = with(Verdict::Regressed)
        .map(|c| format!("{} ({:+.1} %)", c.id, 100.0 * c.change.unwrap_or(0.0)))
        .collect();
    let missing: Vec<&str> = with(Verdict::Missing).map(|c| c.id.as_str()).collect();

    if !regressed.is_empty() {
        return Outcome {
            status: Status::Regression,
            reason: format!("{} regressed: {}", regressed.len(), regressed.join(", ")),
        };
    }
    if !missing.is_empty() && !allow_missing {
        return Outcome {
            status: Status::Unusable,
            reason: format!(
                "{} in the baseline but not in the results: {} (pass --allow-missing to accept)",
                missing.len(),
                missing.join(", ")
            ),
        };
    }

    let count = |v| with(v).count();
    Outcome {
        status: Status::Pass,
        reason: format!(
            "no regression in {} benchmarks ({} unchanged, {} inconclusive, {} improved, {} new, {} missing)",
            comparisons.len(),
            count(Verdict::Unchanged),
            count(Verdict::Inconclusive),
            count(Verdict::Improved),
            count(Verdict::New),
            count(Verdict::Missing)
        ),
    }
}

/// Compares the environment of each group's first reference measurement
/// with that of its first current measurement.
fn environment_mismatches(
    reference: &[Measurement],
    current: &[Measurement],
) -> Vec<GroupMismatch> {
    let mut first_current = BTreeMap::new();
    for m in current {
        first_current
            .entry(m.group.as_str())
            .or_insert(&m.environment);
    }

    let mut seen = BTreeMap::new();
    for m in reference {
        let Some(now) = first_current.get(m.group.as_str()) else {
            continue;
        };
        seen.entry(m.group.clone())
            .or_insert_with(|| m.environment.mismatches(now));
    }

    seen.into_iter()
        .filter(|(_, fields)| !fields.is_empty())
        .map(|(group, fields)| GroupMismatch { group, fields })
        .collect()
}
