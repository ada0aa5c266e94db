//! The `mcp-perf` command line: parses arguments and calls the library.

fn main() -> anyhow::Result<()> {
    Ok(())
}
