#!/usr/bin/env bash
# Runs the bench targets named in the arguments (default: every one except
# the gate's own calibration bench) into a fresh results location, so that stale files from an earlier run can never
# stand in for a benchmark that did not run.
#
#   MCP_PERF_BENCH_ARGS   criterion arguments (the mode: quick or full)
#   CRITERION_HOME        where criterion writes  [target/mcp-perf/criterion]
#   MCP_PERF_RESULTS_DIR  where our producers write [target/mcp-perf/results]
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
export CRITERION_HOME="${CRITERION_HOME:-$target/mcp-perf/criterion}"
export MCP_PERF_RESULTS_DIR="${MCP_PERF_RESULTS_DIR:-$target/mcp-perf/results}"
rm -rf "$CRITERION_HOME" "$MCP_PERF_RESULTS_DIR"

read -r -a bench_args <<< "${MCP_PERF_BENCH_ARGS:-}"
bench_flags=()
names=("$@")
[ "${#names[@]}" = 0 ] && read -r -a names <<< "$(scripts/bench-names.sh gate_selftest | tr '\n' ' ')"
for name in "${names[@]}"; do
    bench_flags+=(--bench "$name")
done

# One cargo invocation builds once; the instruction bench ignores
# criterion's arguments and drives callgrind itself.
cargo bench "${bench_flags[@]}" -- "${bench_args[@]}"
