#!/usr/bin/env bash
# Runs every test of the package on a fresh machine: sets up what is missing
# (scripts/setup.sh), then `cargo test`. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${MCP_PERF_SETUP_DONE:-0}" != 1 ]; then
    scripts/setup.sh
fi

cargo test "$@"
