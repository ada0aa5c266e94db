#!/usr/bin/env bash
# Measures the gate itself on this machine, with real code doing real work:
#
#   committed  A/A false alarms and detection of a real slowdown of
#              gate_selftest/spin, wall-clock, against a baseline measured
#              at the start (sequential runs, drift included);
#   counts     the same for the instruction tier (instructions/selftest_spin);
#   paired     A/A and a real slowdown in paired mode (--against HEAD with
#              the slowdown on the candidate side only).
#
# Usage: scripts/gate-calibrate.sh MODE RUNS SLOWDOWN_PCT
#   e.g. scripts/gate-calibrate.sh committed 20 10
#        scripts/gate-calibrate.sh counts 20 10
#        scripts/gate-calibrate.sh paired 10 5
# Prints one line per run and a summary line; the per-run JSON reports are
# kept in target/mcp-perf/calibrate/.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:?mode: committed | counts | paired}"
runs="${2:-20}"
slowdown="${3:-10}"

target="${CARGO_TARGET_DIR:-target}"
work="$target/mcp-perf/calibrate/$mode"
rm -rf "$work"
mkdir -p "$work/baselines"
cp baselines/thresholds.toml "$work/baselines/"

quick="${MCP_PERF_BENCH_ARGS:---warm-up-time 1 --measurement-time 3 --sample-size 50 --nresamples 10000 --noplot}"
read -r -a quick_args <<< "$quick"

# Build once, then run the binaries directly: a cargo invocation per run
# would wait on the build lock of a shared target directory.
# MCP_PERF_SELFTEST_BIN and MCP_PERF_INSTRUCTIONS_BIN skip the build.
if [ -z "${MCP_PERF_SELFTEST_BIN:-}" ] || [ -z "${MCP_PERF_INSTRUCTIONS_BIN:-}" ]; then
    executables=$(cargo bench --bench gate_selftest --bench instructions --no-run \
        --message-format=json 2>/dev/null | grep -o '"executable":"[^"]*"' | cut -d'"' -f4)
fi
selftest_bin="${MCP_PERF_SELFTEST_BIN:-$(echo "$executables" | grep '/gate_selftest-')}"
instructions_bin="${MCP_PERF_INSTRUCTIONS_BIN:-$(echo "$executables" | grep '/instructions-')}"
"$target/release/mcp-perf" gate --help >/dev/null 2>&1 || cargo build --quiet --profile bench --bin mcp-perf
# Copies, because a shared target directory may be rebuilt by another
# work tree while this runs.
mkdir -p "$work/bin"
cp "$target/release/mcp-perf" "$selftest_bin" "$instructions_bin" "$work/bin/"
gate_bin="$work/bin/mcp-perf"
selftest_bin="$work/bin/$(basename "$selftest_bin")"
instructions_bin="$work/bin/$(basename "$instructions_bin")"

# Runs the selftest bench (wall-clock) or the instruction bench into $1.
measure() {
    local out="$1" pct="$2"
    rm -rf "$out"
    if [ "$mode" = counts ]; then
        MCP_PERF_SELFTEST_SLOWDOWN_PCT="$pct" MCP_PERF_RESULTS_DIR="$out/results" \
            "$instructions_bin" --bench >/dev/null 2>&1
    else
        MCP_PERF_SELFTEST_SLOWDOWN_PCT="$pct" CRITERION_HOME="$out/criterion" \
            "$selftest_bin" --bench "${quick_args[@]}" >/dev/null 2>&1
    fi
}

# Judges $1 against the calibration baseline; prints exit code and the
# verdict of the slowed benchmark.
judge() {
    local out="$1" report="$2" id="$3"
    local code=0
    "$gate_bin" gate --criterion-dir "$out/criterion" --results-dir "$out/results" \
        --baselines "$work/baselines" --format json --json-out "$report" >/dev/null 2>&1 || code=$?
    local verdict
    verdict=$(grep -A 40 "\"id\": \"$id\"" "$report" | grep -m1 '"verdict"' | cut -d'"' -f4 || true)
    echo "$code $verdict"
}

if [ "$mode" = paired ]; then
    id="gate_selftest/spin"
    paired_args=(--against HEAD --benches gate_selftest --rounds "${MCP_PERF_ROUNDS:-8}" --allow-missing
                 --bench-args "${MCP_PERF_PAIRED_BENCH_ARGS:---warm-up-time 0.3 --measurement-time 0.7 --sample-size 20 --nresamples 2000 --noplot}"
                 --baselines "$work/baselines" --results-dir "$work/none" --format json)
    # MCP_PERF_PAIRED_PREBUILT=1: both sides' binaries are already in
    # target/mcp-perf/paired/bin/{base,candidate}/ (e.g. copies of one
    # build of this commit), so no run waits on cargo's build lock.
    [ -n "${MCP_PERF_PAIRED_PREBUILT:-}" ] && paired_args+=(--reuse-builds)
    aa_fail=0; caught=0
    for i in $(seq 1 "$runs"); do
        # The first run builds both sides; later ones reuse those binaries.
        [ "$i" = 2 ] && [ -z "${MCP_PERF_PAIRED_PREBUILT:-}" ] && paired_args+=(--reuse-builds)
        code=0
        "$gate_bin" gate "${paired_args[@]}" --json-out "$work/aa-$i.json" >/dev/null 2>"$work/aa-$i.log" || code=$?
        [ "$code" = 0 ] || aa_fail=$((aa_fail + 1))
        code2=0
        "$gate_bin" gate "${paired_args[@]}" --candidate-env "MCP_PERF_SELFTEST_SLOWDOWN_PCT=$slowdown" \
            --json-out "$work/slow-$i.json" >/dev/null 2>"$work/slow-$i.log" || code2=$?
        verdict=$(grep -A 40 "\"id\": \"$id\"" "$work/slow-$i.json" | grep -m1 '"verdict"' | cut -d'"' -f4 || true)
        [ "$verdict" = regressed ] && caught=$((caught + 1))
        echo "run $i ($(date -u +%H:%M:%S)): A/A exit $code; +$slowdown % exit $code2, $id $verdict"
    done
    echo "paired: A/A passed $((runs - aa_fail))/$runs; +$slowdown % caught $caught/$runs"
    exit 0
fi

if [ "$mode" = counts ]; then id="instructions/selftest_spin"; else id="gate_selftest/spin"; fi

measure "$work/base" 0
"$gate_bin" baseline update --force --criterion-dir "$work/base/criterion" \
    --results-dir "$work/base/results" --baselines "$work/baselines" >/dev/null

aa_fail=0; caught=0
for i in $(seq 1 "$runs"); do
    measure "$work/aa" 0
    read -r aa_code aa_verdict <<< "$(judge "$work/aa" "$work/aa-$i.json" "$id")"
    [ "$aa_code" = 0 ] || aa_fail=$((aa_fail + 1))

    measure "$work/slow" "$slowdown"
    read -r slow_code slow_verdict <<< "$(judge "$work/slow" "$work/slow-$i.json" "$id")"
    [ "$slow_verdict" = regressed ] && caught=$((caught + 1))
    echo "run $i: A/A exit $aa_code ($id $aa_verdict); +$slowdown % exit $slow_code ($id $slow_verdict)"
done
echo "$mode: A/A passed $((runs - aa_fail))/$runs; +$slowdown % caught $caught/$runs"
