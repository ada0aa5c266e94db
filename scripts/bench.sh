#!/usr/bin/env bash
# The main job on a fresh machine: sets up what is missing (Redis, the local
# image, valgrind), runs every benchmark, then the regression gate against
# the baselines committed in baselines/. Exit code: the gate's (0 pass,
# 1 regression, 2 unusable input). Extra arguments go to `mcp-perf gate`
# (for example `--against origin/main` for paired mode).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${MCP_PERF_SETUP_DONE:-0}" != 1 ]; then
    scripts/setup.sh
    scripts/setup-gate.sh
    export MCP_PERF_SETUP_DONE=1
fi

exec scripts/gate.sh "$@"
