//! The instruction-count tier: runs each CPU-bound workload under valgrind's
//! callgrind and records how many instructions one iteration executed.
//!
//! Wall-clock time on a shared 2-core machine drifts by several percent
//! between runs; the instruction count of the same binary on the same input
//! does not, so a 1 to 2 % threshold is safe where a wall-clock one would cry
//! wolf. Counts are not time (a cache miss costs one instruction), so this
//! tier judges CPU-bound code only; I/O-bound benchmarks stay on wall-clock.
//!
//! A bench target calls [`bench_main`] with its workloads. The one binary
//! plays three roles:
//!
//! - under `cargo bench` (argument `--bench`): the driver, which re-runs
//!   itself under callgrind once per workload and writes
//!   `<results dir>/instructions.json` (see [`super::results`]);
//! - with [`WORKER_ENV`] set: the worker, which warms the workload up once,
//!   then runs it inside [`callgrind_measured`], the only function
//!   callgrind counts (`--toggle-collect`);
//! - otherwise (`cargo test --benches`): a smoke test that runs each
//!   workload once, natively.
//!
//! Valgrind is called directly rather than through gungraun: that needs its
//! runner binary installed at the library's exact version, which an offline
//! CI machine cannot fetch, while the callgrind output parsed here is one
//! `summary:` line.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::environment::Environment;
use super::error::GateError;
use super::measurement::Tier;
use super::results::{self, ResultEntry, ResultsFile};

/// Set in the worker's environment to the name of the workload to run.
pub const WORKER_ENV: &str = "MCP_PERF_CALLGRIND_WORKLOAD";

/// Iterations inside the measured region; the count is divided by it.
pub const ITERATIONS: u64 = 10;

/// One CPU-bound workload: `run` performs one iteration and must pass its
/// result through `std::hint::black_box` so it is not optimised away.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    /// Name, unique in the binary; the benchmark id is `<group>/<name>`.
    pub name: &'static str,
    /// One iteration of the work.
    pub run: fn(),
}

/// The entry point of an instruction-count bench binary.
pub fn bench_main(group: &str, workloads: &[Workload]) -> std::process::ExitCode {
    if let Ok(name) = std::env::var(WORKER_ENV) {
        return worker(&name, workloads);
    }

    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        workloads.iter().for_each(|w| (w.run)());
        println!(
            "{} instruction workloads ran once (smoke test)",
            workloads.len()
        );
        return std::process::ExitCode::SUCCESS;
    }

    // Criterion's arguments may be passed along by `cargo bench -- ...`;
    // they mean nothing here and are ignored.
    match driver(group, workloads) {
        Ok(path) => {
            println!("instruction counts written to {}", path.display());
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("instruction benchmarks failed: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The only function callgrind counts in the worker.
#[inline(never)]
pub fn callgrind_measured(run: fn()) {
    for _ in 0..ITERATIONS {
        run();
    }
}

fn worker(name: &str, workloads: &[Workload]) -> std::process::ExitCode {
    let Some(workload) = workloads.iter().find(|w| w.name == name) else {
        eprintln!("no instruction workload named {name}");
        return std::process::ExitCode::FAILURE;
    };

    // The warm-up pays one-off costs (lazy statics, CPU feature detection,
    // first allocations) outside the measured region.
    (workload.run)();
    callgrind_measured(workload.run);
    std::process::ExitCode::SUCCESS
}

/// Measures every workload and writes the results file.
fn driver(group: &str, workloads: &[Workload]) -> Result<PathBuf, GateError> {
    let exe = std::env::current_exe().map_err(|e| GateError::io("current executable", e))?;
    let scratch = tempfile::tempdir().map_err(|e| GateError::io("temporary directory", e))?;

    let mut entries = Vec::new();
    for w in workloads {
        let count = count_instructions(&exe, w.name, scratch.path())?;
        let per_iteration = count as f64 / ITERATIONS as f64;
        println!("{group}/{:<32} {per_iteration:>14.1} instructions", w.name);
        entries.push(ResultEntry {
            id: format!("{group}/{}", w.name),
            group: group.into(),
            unit: "instructions".into(),
            tier: Tier::Instructions,
            samples: vec![per_iteration],
        });
    }

    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "bench"
    };
    let environment = Environment::capture(profile, Path::new("."));
    let path = results::default_dir().join(format!("{group}.json"));
    ResultsFile::new(group, environment, entries).write(&path)?;
    Ok(path)
}

/// Runs `exe` as a worker for `name` under callgrind and returns the
/// instructions executed inside [`callgrind_measured`].
pub fn count_instructions(exe: &Path, name: &str, scratch: &Path) -> Result<u64, GateError> {
    let out_file = scratch.join(format!("{name}.callgrind"));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg("--collect-atstart=no")
        .arg("--toggle-collect=*callgrind_measured*")
        .arg(exe)
        .env(WORKER_ENV, name)
        .output()
        .map_err(|e| GateError::Command {
            program: "valgrind".into(),
            reason: format!("{e} (install valgrind, see scripts/setup-gate.sh)"),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("").to_string();
        return Err(GateError::Command {
            program: format!("valgrind on workload {name}"),
            reason: format!("{}: {last}", output.status),
        });
    }

    let text = std::fs::read_to_string(&out_file).map_err(|e| GateError::io(&out_file, e))?;
    parse_total(&text).ok_or_else(|| GateError::shape(&out_file, "no summary or totals line"))
}

/// The first event total of a callgrind output file (`summary:` or
/// `totals:`), which is `Ir` with the default event set.
pub fn parse_total(callgrind_output: &str) -> Option<u64> {
    callgrind_output
        .lines()
        .find_map(|line| {
            line.strip_prefix("summary:")
                .or_else(|| line.strip_prefix("totals:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|first| first.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::parse_total;

    #[test]
    fn reads_the_summary_line() {
        let text = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 123456\n";
        assert_eq!(parse_total(text), Some(123_456));
        assert_eq!(parse_total("totals: 42 7\n"), Some(42));
        assert_eq!(parse_total("events: Ir\n"), None);
    }
}
