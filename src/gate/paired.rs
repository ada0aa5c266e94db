//! Paired mode, `mcp-perf gate --against <git-ref>`: builds the base
//! revision beside the candidate and runs both on this machine, interleaved.
//!
//! Runs minutes apart on a shared machine drift by more than the
//! regressions worth catching, and no statistic on sequential runs can
//! remove that. Running base and candidate alternately, in short rounds,
//! exposes both to the same drift, so the difference left is the code's.
//! Rounds alternate their order (A B, then B A, ...) so that a trend within
//! a round does not favour whichever side always runs second.
//!
//! Each round writes criterion's files to its own directory. The samples of
//! all rounds are pooled per side for the report's medians, and each round's
//! median is kept: the comparison pairs round r of the base with round r of
//! the candidate and tests the per-round log ratios with an exact sign-flip
//! test (`stats::sign_flip`), because samples within one round share the
//! machine's state of that moment and are not independent evidence. A
//! first version pooled all samples into one rank test; on a loaded 2-core
//! machine it flagged 15 to 50 % "changes" between identical binaries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::criterion;
use super::environment::Environment;
use super::error::GateError;
use super::measurement::Measurement;
use super::stats;

/// What to run.
#[derive(Debug, Clone)]
pub struct PairedOptions {
    /// The base revision (any git ref).
    pub against: String,
    /// The candidate's work tree (the current repository).
    pub repo: PathBuf,
    /// Scratch space: the base work tree, copied binaries, criterion files.
    pub work_dir: PathBuf,
    /// How many A/B rounds.
    pub rounds: usize,
    /// Arguments for each criterion bench binary, e.g. `--sample-size 20`.
    pub bench_args: Vec<String>,
    /// Bench targets to run; empty means all but those in `skip_benches`.
    pub only_benches: Vec<String>,
    /// Bench targets to leave out (the instruction tier is not timed).
    pub skip_benches: Vec<String>,
    /// Extra environment for the candidate's bench runs only. This is how
    /// the gate calibrates itself: the same commit on both sides, with
    /// `MCP_PERF_SELFTEST_SLOWDOWN_PCT=5` on one, is a real 5 % slowdown.
    pub candidate_env: Vec<(String, String)>,
    /// Reuse the bench binaries of an earlier paired run in `work_dir`
    /// instead of building. Only for repeated calibration runs of one
    /// unchanged tree; never in CI.
    pub reuse_builds: bool,
}

/// Pooled samples of both sides.
#[derive(Debug, Clone)]
pub struct PairedRun {
    /// The base revision's commit.
    pub base_commit: String,
    /// Base samples, pooled over rounds.
    pub base: Vec<Measurement>,
    /// Candidate samples, pooled over rounds.
    pub candidate: Vec<Measurement>,
}

/// One side of the pair: its source tree and its bench binaries.
struct Side {
    name: &'static str,
    tree: PathBuf,
    benches: BTreeMap<String, PathBuf>,
    env: Vec<(String, String)>,
}

/// Builds both sides, runs the rounds, reads and pools the results.
pub fn run(options: &PairedOptions) -> Result<PairedRun, GateError> {
    let base_commit = git(
        &options.repo,
        &[
            "rev-parse",
            "--verify",
            &format!("{}^{{commit}}", options.against),
        ],
    )?;
    let base_tree = options.work_dir.join("base-src");
    add_worktree(&options.repo, &base_tree, &base_commit)?;

    let result = build_and_measure(options, &base_tree, &base_commit);
    let _ = git(
        &options.repo,
        &[
            "worktree",
            "remove",
            "--force",
            &base_tree.to_string_lossy(),
        ],
    );
    result
}

fn build_and_measure(
    options: &PairedOptions,
    base_tree: &Path,
    base_commit: &str,
) -> Result<PairedRun, GateError> {
    let bins = options.work_dir.join("bin");
    let base = Side {
        name: "base",
        tree: base_tree.to_path_buf(),
        benches: build_benches(base_tree, &bins.join("base"), options)?,
        env: Vec::new(),
    };
    let candidate = Side {
        name: "candidate",
        tree: options.repo.clone(),
        benches: build_benches(&options.repo, &bins.join("candidate"), options)?,
        env: options.candidate_env.clone(),
    };

    let results = options.work_dir.join("criterion");
    let _ = std::fs::remove_dir_all(&results);
    for round in 0..options.rounds {
        let order = if round % 2 == 0 {
            [&base, &candidate]
        } else {
            [&candidate, &base]
        };
        let names: Vec<&String> = base
            .benches
            .keys()
            .chain(candidate.benches.keys())
            .collect();
        for name in dedup(names) {
            for side in order {
                run_bench(
                    side,
                    name,
                    &results.join(side.name).join(format!("round-{round}")),
                    options,
                )?;
            }
        }
    }

    let mut base_env = Environment::capture("bench", base_tree);
    base_env.git_commit = base_commit.to_string();
    let candidate_env = Environment::capture("bench", &options.repo);
    Ok(PairedRun {
        base_commit: base_commit.to_string(),
        base: pooled(&results.join("base"), &base_env)?,
        candidate: pooled(&results.join("candidate"), &candidate_env)?,
    })
}

fn dedup(mut names: Vec<&String>) -> Vec<&String> {
    names.sort();
    names.dedup();
    names
}

/// A detached work tree of `commit` at `path`, replacing a stale one.
fn add_worktree(repo: &Path, path: &Path, commit: &str) -> Result<(), GateError> {
    let path_text = path.to_string_lossy().to_string();
    let _ = git(repo, &["worktree", "remove", "--force", &path_text]);
    let _ = std::fs::remove_dir_all(path);
    git(repo, &["worktree", "prune"])?;
    git(repo, &["worktree", "add", "--detach", &path_text, commit]).map(|_| ())
}

/// Builds the bench targets of the tree at `tree` and copies their binaries
/// to `into`, since both sides may share one cargo target directory.
fn build_benches(
    tree: &Path,
    into: &Path,
    options: &PairedOptions,
) -> Result<BTreeMap<String, PathBuf>, GateError> {
    if options.reuse_builds
        && let Some(benches) = earlier_build(into)
    {
        return Ok(benches);
    }

    eprintln!("paired: building benches in {}", tree.display());
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "bench",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(tree)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| command_error("cargo bench --no-run", e.to_string()))?;
    if !output.status.success() {
        return Err(command_error(
            "cargo bench --no-run",
            format!("{} in {}", output.status, tree.display()),
        ));
    }

    std::fs::create_dir_all(into).map_err(|e| GateError::io(into, e))?;
    let mut benches = BTreeMap::new();
    for (name, exe) in bench_executables(&String::from_utf8_lossy(&output.stdout)) {
        let wanted = if options.only_benches.is_empty() {
            !options.skip_benches.contains(&name)
        } else {
            options.only_benches.contains(&name)
        };
        if !wanted {
            continue;
        }
        let copy = into.join(&name);
        std::fs::copy(&exe, &copy).map_err(|e| GateError::io(&exe, e))?;
        benches.insert(name, copy);
    }
    Ok(benches)
}

/// The binaries an earlier run copied to `into`, if there are any.
fn earlier_build(into: &Path) -> Option<BTreeMap<String, PathBuf>> {
    let benches: BTreeMap<String, PathBuf> = std::fs::read_dir(into)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| Some((p.file_name()?.to_string_lossy().to_string(), p)))
        .collect();
    (!benches.is_empty()).then_some(benches)
}

/// The (target name, executable) pairs of bench targets in cargo's JSON
/// messages.
pub fn bench_executables(messages: &str) -> Vec<(String, PathBuf)> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bench"))
        })
        .filter_map(|m| {
            let name = m["target"]["name"].as_str()?.to_string();
            let exe = m["executable"].as_str()?;
            Some((name, PathBuf::from(exe)))
        })
        .collect()
}

/// Runs one bench binary of one side, writing criterion's files to `out`.
fn run_bench(
    side: &Side,
    name: &str,
    out: &Path,
    options: &PairedOptions,
) -> Result<(), GateError> {
    let Some(exe) = side.benches.get(name) else {
        return Ok(());
    };
    eprintln!("paired: {} {name} -> {}", side.name, out.display());
    let status = Command::new(exe)
        .arg("--bench")
        .args(&options.bench_args)
        .env("CRITERION_HOME", out)
        .envs(side.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&side.tree)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| command_error(&exe.display().to_string(), e.to_string()))?;
    if !status.success() {
        return Err(command_error(
            &format!("{} bench {name}", side.name),
            status.to_string(),
        ));
    }
    Ok(())
}

/// Reads every round of one side and concatenates samples per benchmark.
fn pooled(side_dir: &Path, environment: &Environment) -> Result<Vec<Measurement>, GateError> {
    let mut by_id: BTreeMap<String, Measurement> = BTreeMap::new();
    let mut rounds: Vec<PathBuf> = match std::fs::read_dir(side_dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    };
    rounds.sort();

    for round in rounds {
        for mut m in criterion::read_dir(&round, environment)? {
            let round_median = stats::median(&m.samples).unwrap_or(f64::NAN);
            match by_id.get_mut(&m.id) {
                Some(existing) => {
                    existing.samples.extend(m.samples);
                    existing.rounds.push(round_median);
                }
                None => {
                    m.rounds = vec![round_median];
                    by_id.insert(m.id.clone(), m);
                }
            }
        }
    }
    Ok(by_id.into_values().collect())
}

fn git(repo: &Path, args: &[&str]) -> Result<String, GateError> {
    let output = Command::new("git")
        .args(args)
        .current_dir(repo)
        .output()
        .map_err(|e| command_error("git", e.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(command_error(
            &format!("git {}", args.join(" ")),
            stderr.trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn command_error(program: &str, reason: String) -> GateError {
    GateError::Command {
        program: program.into(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bench_executables_in_cargo_messages() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"mcp_perf"},"executable":null}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["bench"],"name":"crypto"},"executable":"/t/release/deps/crypto-1"}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "not json at all",
        ]
        .join("\n");
        let found = bench_executables(&messages);
        assert_eq!(
            found,
            vec![(
                "crypto".to_string(),
                PathBuf::from("/t/release/deps/crypto-1")
            )]
        );
    }

    #[test]
    fn pools_samples_of_every_round() {
        let dir = tempfile::tempdir().unwrap();
        for round in 0..2 {
            let new = dir.path().join(format!("round-{round}/g/b/new"));
            std::fs::create_dir_all(&new).unwrap();
            let estimate = r#"{"point_estimate": 1.0, "standard_error": 0.1}"#;
            let estimates = format!(
                r#"{{"mean": {estimate}, "median": {estimate}, "median_abs_dev": {estimate}, "std_dev": {estimate}}}"#
            );
            std::fs::write(new.join("estimates.json"), estimates).unwrap();
            std::fs::write(
                new.join("benchmark.json"),
                r#"{"group_id": "g", "full_id": "g/b"}"#,
            )
            .unwrap();
            let sample = r#"{"sampling_mode": "Flat", "iters": [2.0, 2.0], "times": [10.0, 12.0]}"#;
            std::fs::write(new.join("sample.json"), sample).unwrap();
        }

        let env = Environment::capture("bench", Path::new("."));
        let pooled = pooled(dir.path(), &env).unwrap();
        assert_eq!(pooled.len(), 1);
        assert_eq!(pooled[0].samples, vec![5.0, 6.0, 5.0, 6.0]);
        assert_eq!(pooled[0].rounds, vec![5.5, 5.5]);
    }
}
