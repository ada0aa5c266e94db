#!/usr/bin/env bash
# Runs the benchmarks on a fresh machine: sets up what is missing
# (scripts/setup.sh), then `cargo bench`. Extra arguments go to cargo bench.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${MCP_PERF_SETUP_DONE:-0}" != 1 ]; then
    scripts/setup.sh
fi

cargo bench "$@"
