//! The `mcp-perf` command line: parses arguments and calls the library.

use clap::{Parser, Subcommand};

/// mcp-perf: an OAuth-protected MCP server, its benchmarks and their gate.
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
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve(args) => mcp_perf::server::cli::run(args),
    }
}
