#!/usr/bin/env bash
# Set-up for the regression gate: valgrind for the instruction-count tier,
# and redis-server for the benches that run against real Redis.
#
# The instruction tier calls `valgrind --tool=callgrind` directly (see
# src/gate/instructions.rs), so no gungraun runner binary is needed; gungraun
# stays a dev-dependency for anyone who wants its richer reports, and would
# need `cargo install gungraun-runner --version 0.20.0` (same version as the
# library in Cargo.toml) with registry access.
set -euo pipefail

missing=()
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup-gate: installing ${missing[*]}" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing[@]}"
fi

valgrind --version
rustc --version
echo "setup-gate: ready (cores: $(nproc))"
