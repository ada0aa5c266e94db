//! The `mcp-perf` command line: parses arguments and calls the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mcp_perf::gate;

/// mcp-perf: an OAuth 2.1 protected MCP server for the Make.com API, its
/// performance suite and its regression gate.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Judge benchmark results against baselines (exit 0 pass, 1 regression,
    /// 2 unusable input).
    Gate(gate::cli::GateArgs),
    /// Manage the committed baselines.
    Baseline(gate::cli::BaselineArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();

    // --- gate and baseline: the regression gate (src/gate/) ---
    let (name, outcome) = match &cli.command {
        Command::Gate(args) => ("gate", gate::cli::run_gate(args)),
        Command::Baseline(args) => ("baseline", gate::cli::run_baseline(args)),
    };
    eprintln!("mcp-perf {name}: {}", outcome.reason);
    ExitCode::from(outcome.status.code())
}
