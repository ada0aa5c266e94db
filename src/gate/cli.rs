//! The command line of the gate: `mcp-perf gate` and `mcp-perf baseline
//! update`. `main.rs` parses these arguments and calls [`run_gate`] or
//! [`run_baseline`], which return an [`Outcome`] carrying the exit code
//! (0 pass, 1 regression, 2 unusable input) and a one-line reason.

use std::path::{Path, PathBuf};

use super::baseline::Baselines;
use super::environment::Environment;
use super::error::GateError;
use super::evaluation::{self, Evaluation, Outcome, Plan, Status};
use super::measurement::{Measurement, Tier};
use super::paired::{self, PairedOptions};
use super::report::{self, Format};
use super::thresholds::{Reference, Thresholds};
use super::update::{self, Policy};
use super::{criterion, results};

/// `mcp-perf gate`: judge fresh results against the committed baselines, or
/// against a base revision run alongside (`--against`).
#[derive(Debug, Clone, clap::Args)]
pub struct GateArgs {
    /// Criterion's output directory [default: $CRITERION_HOME, else
    /// $CARGO_TARGET_DIR/criterion, else target/criterion].
    #[arg(long)]
    pub criterion_dir: Option<PathBuf>,
    /// Directory of mcp-perf results files [default: $MCP_PERF_RESULTS_DIR,
    /// else $CARGO_TARGET_DIR/mcp-perf/results, else target/mcp-perf/results].
    #[arg(long)]
    pub results_dir: Option<PathBuf>,
    /// Directory of committed baselines and thresholds.toml.
    #[arg(long, default_value = "baselines")]
    pub baselines: PathBuf,
    /// Accept benchmarks that are in the baseline but not in the results.
    #[arg(long)]
    pub allow_missing: bool,
    /// Report format on stdout.
    #[arg(long, value_enum, default_value = "terminal")]
    pub format: Format,
    /// Also write the Markdown report here (e.g. $GITHUB_STEP_SUMMARY).
    #[arg(long)]
    pub markdown_out: Option<PathBuf>,
    /// Also write the JSON report here.
    #[arg(long)]
    pub json_out: Option<PathBuf>,
    /// Paired mode: build this git ref and run it interleaved with the
    /// current tree; it becomes the judge, the baseline a second reference.
    #[arg(long, value_name = "GIT_REF")]
    pub against: Option<String>,
    /// Paired mode: number of interleaved rounds.
    #[arg(long, default_value_t = 8)]
    pub rounds: usize,
    /// Paired mode: arguments for each criterion bench binary.
    #[arg(
        long,
        allow_hyphen_values = true,
        default_value = "--warm-up-time 0.3 --measurement-time 0.7 --sample-size 20 --nresamples 2000 --noplot"
    )]
    pub bench_args: String,
    /// Paired mode: bench targets to run (comma-separated) [default: all
    /// but `instructions` and `gate_selftest`].
    #[arg(long, value_delimiter = ',')]
    pub benches: Vec<String>,
    /// Paired mode: KEY=VALUE set for the candidate's bench runs only; used
    /// to calibrate the gate with a real slowdown on an identical commit.
    #[arg(long, value_name = "KEY=VALUE")]
    pub candidate_env: Vec<String>,
    /// Paired mode: reuse the bench binaries of the previous paired run
    /// (calibration only: the trees must not have changed).
    #[arg(long, hide = true)]
    pub reuse_builds: bool,
}

/// `mcp-perf baseline ...`.
#[derive(Debug, Clone, clap::Args)]
pub struct BaselineArgs {
    /// What to do with the baselines.
    #[command(subcommand)]
    pub command: BaselineCommand,
}

/// Baseline subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum BaselineCommand {
    /// Write baselines from the latest complete run and print what changed.
    Update(UpdateArgs),
}

/// `mcp-perf baseline update`.
#[derive(Debug, Clone, clap::Args)]
pub struct UpdateArgs {
    /// Criterion's output directory (same default as `gate`).
    #[arg(long)]
    pub criterion_dir: Option<PathBuf>,
    /// Directory of mcp-perf results files (same default as `gate`).
    #[arg(long)]
    pub results_dir: Option<PathBuf>,
    /// Directory to write the baselines to.
    #[arg(long, default_value = "baselines")]
    pub baselines: PathBuf,
    /// Write despite an incomplete run, a debug build or a dirty tree.
    #[arg(long)]
    pub force: bool,
    /// With --force: drop baseline entries that this run lacks.
    #[arg(long)]
    pub prune: bool,
}

/// Runs `mcp-perf gate` and prints its report on stdout.
pub fn run_gate(args: &GateArgs) -> Outcome {
    let result = match &args.against {
        Some(against) => paired_gate(args, against),
        None => committed_gate(args),
    };

    match result.and_then(|evaluation| write_outputs(args, &evaluation).map(|_| evaluation)) {
        Ok(evaluation) => evaluation.outcome,
        Err(error) => Outcome::unusable(&error),
    }
}

/// Runs `mcp-perf baseline update` and prints what changed.
pub fn run_baseline(args: &BaselineArgs) -> Outcome {
    let BaselineCommand::Update(update) = &args.command;
    let policy = Policy {
        force: update.force,
        prune: update.prune,
    };
    let result = load_current(
        update.criterion_dir.as_deref(),
        update.results_dir.as_deref(),
    )
    .and_then(|current| update::update(&current, &update.baselines, policy));

    match result {
        Ok(lines) => {
            lines.iter().for_each(|line| println!("{line}"));
            Outcome {
                status: Status::Pass,
                reason: format!(
                    "{} baseline entries written to {}",
                    lines.len(),
                    update.baselines.display()
                ),
            }
        }
        Err(error @ GateError::Refused { .. }) => Outcome {
            status: Status::Unusable,
            reason: error.to_string(),
        },
        Err(error) => Outcome::unusable(&error),
    }
}

/// The gate against the committed baselines; prints the report.
fn committed_gate(args: &GateArgs) -> Result<Evaluation, GateError> {
    let current = load_current(args.criterion_dir.as_deref(), args.results_dir.as_deref())?;
    let thresholds = Thresholds::load(&args.baselines.join("thresholds.toml"))?;
    let reference = load_baselines(&args.baselines)?;

    let evaluation = evaluation::evaluate(Plan {
        label: format!("committed baselines in {}", args.baselines.display()),
        reference: &reference,
        current: &current,
        thresholds: &thresholds,
        against: Reference::Committed,
        allow_missing: args.allow_missing,
    })?;
    let text = report::render(&evaluation, args.format);
    print!("{text}");
    Ok(evaluation)
}

/// The gate in paired mode: the base revision judges, the committed
/// baseline is printed as a second reference.
fn paired_gate(args: &GateArgs, against: &str) -> Result<Evaluation, GateError> {
    let thresholds = Thresholds::load(&args.baselines.join("thresholds.toml"))?;
    let repo = std::env::current_dir().map_err(|e| GateError::io(".", e))?;
    let options = PairedOptions {
        against: against.to_string(),
        work_dir: results::default_dir().join("..").join("paired"),
        repo,
        rounds: args.rounds.max(1),
        bench_args: args
            .bench_args
            .split_whitespace()
            .map(String::from)
            .collect(),
        only_benches: args.benches.clone(),
        skip_benches: vec!["instructions".into(), "gate_selftest".into()],
        candidate_env: args
            .candidate_env
            .iter()
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        reuse_builds: args.reuse_builds,
    };
    let run = paired::run(&options)?;

    // Instruction counts do not drift, so the committed baseline judges
    // them in paired mode too, beside the interleaved wall-clock pairs.
    let results_dir = args
        .results_dir
        .clone()
        .unwrap_or_else(results::default_dir);
    let counts = |m: &Measurement| m.tier == Tier::Instructions;
    let mut reference = run.base.clone();
    let mut current = run.candidate.clone();
    if let Ok(committed) = Baselines::load(&args.baselines) {
        reference.extend(
            committed
                .measurements(&args.baselines)
                .into_iter()
                .filter(counts),
        );
    }
    current.extend(results::read_dir(&results_dir)?.into_iter().filter(counts));

    let evaluation = evaluation::evaluate(Plan {
        label: format!(
            "base revision {against} ({}), run interleaved on this machine, {} rounds; \
             instruction counts against the committed baselines",
            &run.base_commit[..run.base_commit.len().min(12)],
            options.rounds
        ),
        reference: &reference,
        current: &current,
        thresholds: &thresholds,
        against: Reference::Paired,
        allow_missing: args.allow_missing,
    })?;
    let mut text = report::render(&evaluation, args.format);
    text.push_str(&second_reference(args, &run.candidate, &thresholds));
    print!("{text}");
    Ok(evaluation)
}

/// The candidate against the committed baselines, for information only.
fn second_reference(args: &GateArgs, candidate: &[Measurement], thresholds: &Thresholds) -> String {
    let reference = match load_baselines(&args.baselines) {
        Ok(reference) => reference,
        Err(error) => return format!("\nsecond reference skipped: {error}\n"),
    };
    let evaluation = evaluation::evaluate(Plan {
        label: format!(
            "committed baselines in {} (information only, not the judge)",
            args.baselines.display()
        ),
        reference: &reference,
        current: candidate,
        thresholds,
        against: Reference::Committed,
        allow_missing: true,
    });
    match (evaluation, args.format) {
        (Ok(_), Format::Json) => String::new(),
        (Ok(e), format) => format!("\n{}", report::render(&e, format)),
        (Err(error), _) => format!("\nsecond reference skipped: {error}\n"),
    }
}

/// Writes the Markdown and JSON side outputs that were asked for.
fn write_outputs(args: &GateArgs, evaluation: &Evaluation) -> Result<(), GateError> {
    if let Some(path) = &args.markdown_out {
        append(path, &report::markdown(evaluation))?;
    }
    if let Some(path) = &args.json_out {
        std::fs::write(path, report::json(evaluation)).map_err(|e| GateError::io(path, e))?;
    }
    Ok(())
}

/// Appends, because `$GITHUB_STEP_SUMMARY` is shared by every step.
fn append(path: &Path, text: &str) -> Result<(), GateError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| GateError::io(path, e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| GateError::io(path, e))
}

/// Reads criterion's files and our results files; no results at all is an
/// error, since a gate that compares nothing passes everything.
pub fn load_current(
    criterion_dir: Option<&Path>,
    results_dir: Option<&Path>,
) -> Result<Vec<Measurement>, GateError> {
    let criterion_dir = criterion_dir.map_or_else(criterion::default_dir, Path::to_path_buf);
    let results_dir = results_dir.map_or_else(results::default_dir, Path::to_path_buf);
    let environment = Environment::capture("bench", Path::new("."));

    let mut current = criterion::read_dir(&criterion_dir, &environment)?;
    current.extend(results::read_dir(&results_dir)?);
    if current.is_empty() {
        return Err(GateError::NoResults {
            searched: format!("{} and {}", criterion_dir.display(), results_dir.display()),
        });
    }
    Ok(current)
}

/// Reads the committed baselines; none at all is an error for the same
/// reason as no results.
fn load_baselines(dir: &Path) -> Result<Vec<Measurement>, GateError> {
    let baselines = Baselines::load(dir)?;
    if baselines.groups.is_empty() {
        return Err(GateError::NoResults {
            searched: format!(
                "{} (no baselines: run the benchmarks, `mcp-perf baseline update`, and commit)",
                dir.display()
            ),
        });
    }
    Ok(baselines.measurements(dir))
}
