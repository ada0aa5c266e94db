//! Where a measurement was taken: the facts that make two timings
//! comparable or not.
//!
//! A baseline from another CPU model, core count, kernel or toolchain can
//! differ by more than any regression we hope to catch, so the gate never
//! compares across environments silently: it says so at the top of the
//! report.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The environment a run was measured in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// CPU model name, from `/proc/cpuinfo` on Linux.
    pub cpu_model: String,
    /// Logical cores available to the process.
    pub cores: usize,
    /// Operating system and kernel release, e.g. `linux 6.1.0-18-amd64`.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// Cargo profile the benchmarks were built with (`bench`, `release`,
    /// `debug`).
    pub profile: String,
    /// `git rev-parse HEAD`, or `unknown` outside a repository.
    pub git_commit: String,
    /// Whether tracked files differed from the commit.
    pub git_dirty: bool,
    /// When the environment was captured, UTC, RFC 3339.
    pub date: String,
}

/// One field that differs between the baseline's environment and ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The field name.
    pub field: &'static str,
    /// The baseline's value.
    pub baseline: String,
    /// The current value.
    pub current: String,
}

impl Environment {
    /// Captures the environment of this process, for benchmarks built with
    /// `profile`, in the git work tree at `repo`.
    pub fn capture(profile: &str, repo: &Path) -> Self {
        let commit = run("git", &["rev-parse", "HEAD"], repo);
        let status = run(
            "git",
            &["status", "--porcelain", "--untracked-files=no"],
            repo,
        );
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());

        Environment {
            cpu_model: cpu_model(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            os: os_release(),
            rustc: run(&rustc, &["--version"], repo).unwrap_or_else(|| "unknown".into()),
            profile: profile.to_string(),
            git_dirty: commit.is_some() && status.is_some_and(|s| !s.is_empty()),
            git_commit: commit.unwrap_or_else(|| "unknown".into()),
            date: utc_now(),
        }
    }

    /// The fields that make timings incomparable when they differ: CPU,
    /// cores, OS and kernel, toolchain and profile. Commit, dirty flag and
    /// date are expected to differ and are not reported.
    pub fn mismatches(&self, current: &Environment) -> Vec<Mismatch> {
        let pairs = [
            ("cpu_model", &self.cpu_model, &current.cpu_model),
            ("os", &self.os, &current.os),
            ("rustc", &self.rustc, &current.rustc),
            ("profile", &self.profile, &current.profile),
        ];
        let mut found: Vec<Mismatch> = pairs
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(field, a, b)| Mismatch {
                field,
                baseline: a.clone(),
                current: b.clone(),
            })
            .collect();

        if self.cores != current.cores {
            found.push(Mismatch {
                field: "cores",
                baseline: self.cores.to_string(),
                current: current.cores.to_string(),
            });
        }
        found
    }
}

/// Runs a short command and returns its trimmed stdout, or `None` if it
/// could not run or failed: the environment is best-effort, never fatal.
fn run(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn cpu_model() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.trim().to_string())
        .unwrap_or_else(|| format!("unknown {}", std::env::consts::ARCH))
}

fn os_release() -> String {
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{} {}", std::env::consts::OS, kernel.trim())
        .trim()
        .to_string()
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ`, without a date crate: days since the
/// epoch are turned into a civil date by the usual era arithmetic.
fn utc_now() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(seconds)
}

/// Formats seconds since the Unix epoch as an RFC 3339 UTC timestamp.
pub fn format_utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;

    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);

    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_796_300_000), "2026-12-03T12:13:20Z");
    }

    #[test]
    fn mismatch_lists_only_comparability_fields() {
        let a = Environment::capture("bench", Path::new("."));
        let mut b = a.clone();
        b.git_commit = "other".into();
        b.date = "later".into();
        assert!(a.mismatches(&b).is_empty());

        b.cores = a.cores + 1;
        b.rustc = "rustc 0.0.0".into();
        let fields: Vec<_> = a.mismatches(&b).iter().map(|m| m.field).collect();
        assert_eq!(fields, ["rustc", "cores"]);
    }
}
