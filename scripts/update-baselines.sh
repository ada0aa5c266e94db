#!/usr/bin/env bash
# Measures every benchmark in full mode and rewrites baselines/ from the
# run. Arguments go to `mcp-perf baseline update` (e.g. --force). Commit the
# result from a clean tree on the kind of machine CI runs on.
set -euo pipefail
cd "$(dirname "$0")/.."

export MCP_PERF_BENCH_ARGS="${MCP_PERF_BENCH_ARGS:---warm-up-time 3 --measurement-time 10 --sample-size 100 --noplot}"
scripts/run-benches.sh

target="${CARGO_TARGET_DIR:-target}"
export CRITERION_HOME="${CRITERION_HOME:-$target/mcp-perf/criterion}"
export MCP_PERF_RESULTS_DIR="${MCP_PERF_RESULTS_DIR:-$target/mcp-perf/results}"
exec cargo run --quiet --profile bench --bin mcp-perf -- baseline update "$@"
