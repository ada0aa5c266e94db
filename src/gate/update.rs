//! `mcp-perf baseline update`: turns a complete, clean, optimised run into
//! new baseline files, and says what changed.
//!
//! Baselines are the gate's memory, so writing them is guarded: a run that
//! lacks benchmarks the old baselines have, a debug build, or a dirty work
//! tree (results that no commit can reproduce) is refused unless forced.

use std::path::Path;

use super::baseline::Baselines;
use super::comparison;
use super::error::GateError;
use super::measurement::Measurement;
use super::stats;

/// How careful the update should be.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Write despite an incomplete run, a debug build or a dirty tree.
    pub force: bool,
    /// Drop baseline entries the run does not have, instead of keeping them.
    pub prune: bool,
}

/// Checks `current`, merges it into the baselines in `dir`, writes them, and
/// returns one line per change for the user.
pub fn update(
    current: &[Measurement],
    dir: &Path,
    policy: Policy,
) -> Result<Vec<String>, GateError> {
    comparison::index(current)?;
    let old = Baselines::load(dir)?;
    let old_measurements = old.measurements(dir);
    let missing: Vec<&str> = old_measurements
        .iter()
        .filter(|o| !current.iter().any(|c| c.id == o.id))
        .map(|o| o.id.as_str())
        .collect();

    if !policy.force {
        refuse_unless_sound(current, &missing)?;
    }

    let mut merged: Vec<Measurement> = current.to_vec();
    if !policy.prune {
        merged.extend(
            old_measurements
                .iter()
                .filter(|o| missing.contains(&o.id.as_str()))
                .cloned(),
        );
    }
    let new = Baselines::from_measurements(&merged);
    remove_emptied_groups(&old, &new, dir)?;
    new.write(dir)?;

    Ok(describe_changes(
        &old_measurements,
        current,
        &missing,
        policy.prune,
    ))
}

/// The three refusals, each naming the flag that overrides it.
fn refuse_unless_sound(current: &[Measurement], missing: &[&str]) -> Result<(), GateError> {
    if let Some(m) = current.iter().find(|m| m.environment.profile == "debug") {
        return Err(GateError::Refused {
            reason: format!(
                "{} comes from a debug build; rebuild optimised or pass --force",
                m.id
            ),
        });
    }
    if let Some(m) = current.iter().find(|m| m.environment.git_dirty) {
        return Err(GateError::Refused {
            reason: format!(
                "{} was measured on a dirty work tree (commit {}); commit first or pass --force",
                m.id, m.environment.git_commit
            ),
        });
    }
    if !missing.is_empty() {
        return Err(GateError::Refused {
            reason: format!(
                "incomplete run, {} baseline benchmarks have no result: {}; run them all, or pass \
                 --force (keeps them) or --force --prune (drops them)",
                missing.len(),
                missing.join(", ")
            ),
        });
    }
    Ok(())
}

/// Deletes files of groups that no longer have any benchmark (after a prune).
fn remove_emptied_groups(old: &Baselines, new: &Baselines, dir: &Path) -> Result<(), GateError> {
    for group in old.groups.keys().filter(|g| !new.groups.contains_key(*g)) {
        let path = dir.join(super::baseline::file_name(group));
        std::fs::remove_file(&path).map_err(|e| GateError::io(&path, e))?;
    }
    Ok(())
}

/// One line per added, changed, kept or removed benchmark.
fn describe_changes(
    old: &[Measurement],
    current: &[Measurement],
    missing: &[&str],
    prune: bool,
) -> Vec<String> {
    let mut lines = Vec::new();
    for c in current {
        let now = stats::median(&c.samples).unwrap_or(0.0);
        match old.iter().find(|o| o.id == c.id) {
            None => lines.push(format!("added    {}: median {now:.1} {}", c.id, c.unit)),
            Some(o) => {
                let before = stats::median(&o.samples).unwrap_or(0.0);
                let change = if before > 0.0 {
                    100.0 * (now / before - 1.0)
                } else {
                    0.0
                };
                lines.push(format!(
                    "updated  {}: median {before:.1} -> {now:.1} {} ({change:+.1} %)",
                    c.id, c.unit
                ));
            }
        }
    }
    for id in missing {
        let word = if prune { "removed " } else { "kept    " };
        lines.push(format!("{word} {id}: not in this run"));
    }
    lines
}
