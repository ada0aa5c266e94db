#!/usr/bin/env bash
# The pull-request gate: benchmarks in a quick but statistically sufficient
# mode, then `mcp-perf gate`. Arguments go to `mcp-perf gate`, e.g.
#
#   scripts/gate.sh --markdown-out "$GITHUB_STEP_SUMMARY"
#   scripts/gate.sh --against origin/main      # paired mode
#
# Quick mode: 50 samples per benchmark (a rank test needs a few dozen to
# resolve a few percent), 1 s warm-up, 3 s of measurement, and a smaller
# bootstrap for criterion's own summary, which the gate does not use.
set -euo pipefail
cd "$(dirname "$0")/.."

export MCP_PERF_BENCH_ARGS="${MCP_PERF_BENCH_ARGS:---warm-up-time 1 --measurement-time 3 --sample-size 50 --nresamples 10000 --noplot}"

paired=0
for arg in "$@"; do [ "$arg" = "--against" ] && paired=1; done

if [ "$paired" = 0 ]; then
    scripts/run-benches.sh
else
    # Paired mode builds and runs both revisions' timed benches itself; the
    # instruction tier runs once, on the candidate, and is judged against
    # the committed baseline (counts do not drift, so that judge is fair).
    scripts/run-benches.sh instructions
fi

target="${CARGO_TARGET_DIR:-target}"
export CRITERION_HOME="${CRITERION_HOME:-$target/mcp-perf/criterion}"
export MCP_PERF_RESULTS_DIR="${MCP_PERF_RESULTS_DIR:-$target/mcp-perf/results}"

# The bench profile is already built by the benchmarks, so this adds only
# the binary.
exec cargo run --quiet --profile bench --bin mcp-perf -- gate "$@"
