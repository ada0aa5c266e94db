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
    /// Run the OAuth 2.1 protected server.
    Serve(mcp_perf::server::cli::ServeArgs),
    /// Judge benchmark results against baselines (exit 0 pass, 1 regression,
    /// 2 unusable input).
    Gate(gate::cli::GateArgs),
    /// Manage the committed baselines.
    Baseline(gate::cli::BaselineArgs),
}

fn main() -> ExitCode {
    let (name, outcome) = match Cli::parse().command {
        Command::Serve(args) => return serve(args),
        Command::Gate(args) => ("gate", gate::cli::run_gate(&args)),
        Command::Baseline(args) => ("baseline", gate::cli::run_baseline(&args)),
    };
    eprintln!("mcp-perf {name}: {}", outcome.reason);
    ExitCode::from(outcome.status.code())
}

fn serve(args: mcp_perf::server::cli::ServeArgs) -> ExitCode {
    match mcp_perf::server::cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mcp-perf serve: {error:#}");
            ExitCode::FAILURE
        }
    }
}
