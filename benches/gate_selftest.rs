//! The gate's calibration bench: small CPU-bound work whose size a
//! variable controls, so "slower" is real code doing more work.
//!
//! `MCP_PERF_SELFTEST_SLOWDOWN_PCT=10` makes `gate_selftest/spin` do 10 %
//! more rounds; the other benchmarks stay as they are, so a run is a small
//! suite with one real regression in it. `scripts/gate-calibrate.sh` uses
//! this to measure the gate's false-alarm and detection rates.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mcp_perf::gate::selftest;

fn spin(c: &mut Criterion) {
    let rounds = selftest::scaled_rounds(20_000);
    c.bench_function("gate_selftest/spin", |b| {
        b.iter(|| selftest::spin(black_box(7), black_box(rounds)))
    });
}

fn sort(c: &mut Criterion) {
    let data: Vec<u64> = (0..2_000u64).map(|i| selftest::spin(i, 3)).collect();
    c.bench_function("gate_selftest/sort", |b| {
        b.iter(|| {
            let mut copy = black_box(&data).clone();
            copy.sort_unstable();
            copy
        })
    });
}

fn format(c: &mut Criterion) {
    c.bench_function("gate_selftest/format", |b| {
        b.iter(|| {
            let mut text = String::with_capacity(4096);
            for i in 0..200u32 {
                text.push_str(&black_box(i).to_string());
            }
            text
        })
    });
}

criterion_group!(benches, spin, sort, format);
criterion_main!(benches);
