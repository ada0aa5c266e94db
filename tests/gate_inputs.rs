//! The gate on the inputs that go wrong: missing, new and corrupt results,
//! unknown formats, environment mismatches, and the guards on `baseline
//! update`. Each failure must exit 2 with a reason that names what to fix.

use std::path::{Path, PathBuf};

use mcp_perf::gate::baseline::Baselines;
use mcp_perf::gate::cli::{self, BaselineArgs, BaselineCommand, GateArgs, UpdateArgs};
use mcp_perf::gate::environment::Environment;
use mcp_perf::gate::report::Format;
use mcp_perf::gate::results::{ResultEntry, ResultsFile};
use mcp_perf::gate::stats::rng::SplitMix64;
use mcp_perf::gate::{Measurement, Status, Tier};
use tempfile::TempDir;

/// A scratch layout: criterion dir, results dir, baselines dir.
struct Scratch {
    root: TempDir,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            root: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn criterion(&self) -> PathBuf {
        self.root.path().join("criterion")
    }

    fn results(&self) -> PathBuf {
        self.root.path().join("results")
    }

    fn baselines(&self) -> PathBuf {
        self.root.path().join("baselines")
    }

    fn args(&self) -> GateArgs {
        GateArgs {
            criterion_dir: Some(self.criterion()),
            results_dir: Some(self.results()),
            baselines: self.baselines(),
            allow_missing: false,
            format: Format::Terminal,
            markdown_out: None,
            json_out: None,
            against: None,
            rounds: 1,
            bench_args: String::new(),
            benches: Vec::new(),
            candidate_env: Vec::new(),
            reuse_builds: false,
        }
    }

    /// Writes criterion's three files for one benchmark.
    fn write_criterion(&self, group: &str, function: &str, per_iteration: &[f64]) -> PathBuf {
        let dir = self.criterion().join(group).join(function).join("new");
        std::fs::create_dir_all(&dir).unwrap();
        let iters: Vec<f64> = (1..=per_iteration.len()).map(|i| i as f64 * 10.0).collect();
        let times: Vec<f64> = iters
            .iter()
            .zip(per_iteration)
            .map(|(n, t)| n * t)
            .collect();
        let estimate = r#"{"confidence_interval": {"confidence_level": 0.95, "lower_bound": 1.0,
            "upper_bound": 2.0}, "point_estimate": 1.5, "standard_error": 0.1}"#;
        let estimates = format!(
            r#"{{"mean": {estimate}, "median": {estimate}, "median_abs_dev": {estimate},
                "slope": {estimate}, "std_dev": {estimate}}}"#
        );
        let benchmark = serde_json::json!({
            "group_id": group, "function_id": function, "value_str": null, "throughput": null,
            "full_id": format!("{group}/{function}"), "directory_name": format!("{group}/{function}"),
            "title": format!("{group}/{function}"),
        });
        let sample = serde_json::json!({"sampling_mode": "Linear", "iters": iters, "times": times});
        std::fs::write(dir.join("benchmark.json"), benchmark.to_string()).unwrap();
        std::fs::write(dir.join("estimates.json"), estimates).unwrap();
        std::fs::write(dir.join("sample.json"), sample.to_string()).unwrap();
        dir
    }

    /// Baselines from whatever is in the criterion and results dirs now.
    fn snapshot_baselines(&self) {
        let current = cli::load_current(Some(&self.criterion()), Some(&self.results())).unwrap();
        Baselines::from_measurements(&current)
            .write(&self.baselines())
            .unwrap();
    }
}

fn noisy(center: f64, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    (0..40)
        .map(|_| center * (1.0 + 0.02 * rng.unit()))
        .collect()
}

#[test]
fn unchanged_run_passes_and_slower_run_regresses() {
    let s = Scratch::new();
    s.write_criterion("crypto", "sha", &noisy(100.0, 1));
    s.write_criterion("crypto", "aes", &noisy(500.0, 2));
    s.snapshot_baselines();

    s.write_criterion("crypto", "sha", &noisy(100.0, 3));
    s.write_criterion("crypto", "aes", &noisy(500.0, 4));
    assert_eq!(cli::run_gate(&s.args()).status, Status::Pass);

    s.write_criterion("crypto", "aes", &noisy(650.0, 5));
    let outcome = cli::run_gate(&s.args());
    assert_eq!(outcome.status, Status::Regression);
    assert_eq!(outcome.status.code(), 1);
    assert!(outcome.reason.contains("crypto/aes"), "{}", outcome.reason);
}

#[test]
fn missing_benchmark_is_unusable_unless_allowed() {
    let s = Scratch::new();
    s.write_criterion("g", "kept", &noisy(100.0, 1));
    let gone = s.write_criterion("g", "gone", &noisy(100.0, 2));
    s.snapshot_baselines();
    std::fs::remove_dir_all(gone.parent().unwrap()).unwrap();

    let outcome = cli::run_gate(&s.args());
    assert_eq!(outcome.status.code(), 2);
    assert!(outcome.reason.contains("g/gone") && outcome.reason.contains("--allow-missing"));

    let mut args = s.args();
    args.allow_missing = true;
    assert_eq!(cli::run_gate(&args).status, Status::Pass);
}

#[test]
fn new_benchmark_passes_and_is_reported_new() {
    let s = Scratch::new();
    s.write_criterion("g", "old", &noisy(100.0, 1));
    s.snapshot_baselines();
    s.write_criterion("g", "fresh", &noisy(100.0, 2));

    let mut args = s.args();
    let json_path = s.root.path().join("report.json");
    args.json_out = Some(json_path.clone());
    assert_eq!(cli::run_gate(&args).status, Status::Pass);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    let fresh = report["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "g/fresh")
        .unwrap();
    assert_eq!(fresh["verdict"], "new");
}

fn assert_unusable_naming(s: &Scratch, needle: &str) {
    let outcome = cli::run_gate(&s.args());
    assert_eq!(outcome.status, Status::Unusable, "{}", outcome.reason);
    assert!(
        outcome.reason.contains(needle),
        "{needle:?} not in {:?}",
        outcome.reason
    );
}

#[test]
fn corrupt_or_unknown_criterion_files_are_unusable_and_named() {
    let s = Scratch::new();
    let dir = s.write_criterion("g", "b", &noisy(100.0, 1));
    s.snapshot_baselines();

    std::fs::write(dir.join("sample.json"), "{ not json").unwrap();
    assert_unusable_naming(&s, "sample.json");

    let odd_mode = r#"{"sampling_mode": "Curved", "iters": [1.0], "times": [2.0]}"#;
    std::fs::write(dir.join("sample.json"), odd_mode).unwrap();
    assert_unusable_naming(&s, "Curved");

    let uneven = r#"{"sampling_mode": "Flat", "iters": [1.0, 2.0], "times": [2.0]}"#;
    std::fs::write(dir.join("sample.json"), uneven).unwrap();
    assert_unusable_naming(&s, "2 iteration counts but 1 times");

    std::fs::remove_file(dir.join("estimates.json")).unwrap();
    assert_unusable_naming(&s, "estimates.json");
}

#[test]
fn no_results_and_no_baselines_are_unusable() {
    let s = Scratch::new();
    assert_unusable_naming(&s, "no benchmark results");

    s.write_criterion("g", "b", &noisy(100.0, 1));
    assert_unusable_naming(&s, "no baselines");
}

#[test]
fn unknown_versions_and_schemas_are_refused() {
    let s = Scratch::new();
    s.write_criterion("g", "b", &noisy(100.0, 1));
    s.snapshot_baselines();

    std::fs::create_dir_all(s.results()).unwrap();
    let results = s.results().join("load.json");
    std::fs::write(&results, r#"{"schema": "mcp-perf-results", "version": 7}"#).unwrap();
    assert_unusable_naming(&s, "unsupported results version 7");

    std::fs::write(&results, r#"{"schema": "k6-summary", "version": 1}"#).unwrap();
    assert_unusable_naming(&s, "k6-summary");
    std::fs::remove_file(&results).unwrap();

    let baseline = s.baselines().join("g.json");
    let text = std::fs::read_to_string(&baseline)
        .unwrap()
        .replace("\"version\": 1", "\"version\": 2");
    std::fs::write(&baseline, text).unwrap();
    assert_unusable_naming(&s, "unsupported baseline version 2");
}

#[test]
fn instruction_counts_are_judged_by_the_tight_threshold() {
    let s = Scratch::new();
    let env = Environment::capture("bench", Path::new("."));
    let write = |count: f64| {
        let entry = ResultEntry {
            id: "instructions/sha".into(),
            group: "instructions".into(),
            unit: "instructions".into(),
            tier: Tier::Instructions,
            samples: vec![count],
        };
        ResultsFile::new("instructions", env.clone(), vec![entry])
            .write(&s.results().join("instructions.json"))
            .unwrap();
    };

    write(10_000.0);
    s.snapshot_baselines();
    write(10_100.0);
    assert_eq!(cli::run_gate(&s.args()).status, Status::Pass);
    write(10_300.0);
    assert_eq!(cli::run_gate(&s.args()).status, Status::Regression);
}

#[test]
fn environment_mismatch_opens_the_report() {
    let s = Scratch::new();
    s.write_criterion("g", "b", &noisy(100.0, 1));
    let current = cli::load_current(Some(&s.criterion()), Some(&s.results())).unwrap();
    let mut elsewhere = current.clone();
    elsewhere[0].environment.cpu_model = "Some Other CPU".into();
    Baselines::from_measurements(&elsewhere)
        .write(&s.baselines())
        .unwrap();

    let mut args = s.args();
    let md = s.root.path().join("summary.md");
    args.markdown_out = Some(md.clone());
    assert_eq!(cli::run_gate(&args).status, Status::Pass);
    let text = std::fs::read_to_string(md).unwrap();
    let warning = text.find("ENVIRONMENT MISMATCH").expect("stated");
    assert!(warning < text.find("| benchmark").unwrap());
    assert!(text.contains("Some Other CPU"));
}

fn update_args(s: &Scratch, force: bool, prune: bool) -> BaselineArgs {
    BaselineArgs {
        command: BaselineCommand::Update(UpdateArgs {
            criterion_dir: Some(s.criterion()),
            results_dir: Some(s.results()),
            baselines: s.baselines(),
            force,
            prune,
        }),
    }
}

fn write_results(s: &Scratch, profile: &str, dirty: bool, ids: &[&str]) {
    let mut env = Environment::capture(profile, Path::new("."));
    env.git_dirty = dirty;
    let entries = ids
        .iter()
        .map(|id| ResultEntry {
            id: format!("load/{id}"),
            group: "load".into(),
            unit: "ns".into(),
            tier: Tier::WallClock,
            samples: noisy(100.0, 9),
        })
        .collect();
    ResultsFile::new("load", env, entries)
        .write(&s.results().join("load.json"))
        .unwrap();
}

#[test]
fn baseline_update_refuses_debug_dirty_and_incomplete_runs_unless_forced() {
    let s = Scratch::new();
    write_results(&s, "debug", false, &["a"]);
    let refused = cli::run_baseline(&update_args(&s, false, false));
    assert!(
        refused.reason.contains("debug build") && refused.status.code() == 2,
        "{}",
        refused.reason
    );

    write_results(&s, "bench", true, &["a"]);
    let refused = cli::run_baseline(&update_args(&s, false, false));
    assert!(refused.reason.contains("dirty"), "{}", refused.reason);

    write_results(&s, "bench", false, &["a", "b"]);
    assert_eq!(
        cli::run_baseline(&update_args(&s, false, false)).status,
        Status::Pass
    );

    write_results(&s, "bench", false, &["a"]);
    let refused = cli::run_baseline(&update_args(&s, false, false));
    assert!(refused.reason.contains("incomplete") && refused.reason.contains("load/b"));

    assert_eq!(
        cli::run_baseline(&update_args(&s, true, false)).status,
        Status::Pass
    );
    let kept = Baselines::load(&s.baselines()).unwrap();
    assert!(kept.groups["load"].benchmarks.contains_key("load/b"));

    assert_eq!(
        cli::run_baseline(&update_args(&s, true, true)).status,
        Status::Pass
    );
    let pruned = Baselines::load(&s.baselines()).unwrap();
    assert!(!pruned.groups["load"].benchmarks.contains_key("load/b"));
}

#[test]
fn duplicate_ids_across_producers_are_unusable() {
    let s = Scratch::new();
    s.write_criterion("load", "a", &noisy(100.0, 1));
    write_results(&s, "bench", false, &["a"]);
    let current: Vec<Measurement> =
        cli::load_current(Some(&s.criterion()), Some(&s.results())).unwrap();
    let message = mcp_perf::gate::comparison::index(&current)
        .unwrap_err()
        .to_string();
    assert!(message.contains("load/a appears twice"), "{message}");
}
