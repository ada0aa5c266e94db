//! The gate's statistics on synthetic suites with known shifts and
//! realistic noise: how often it cries wolf on A/A, how often it catches a
//! real shift, and whether its detectable effect means what it says.
//!
//! Run with `--nocapture` to see the rates table.

use std::path::PathBuf;
use std::sync::OnceLock;

use mcp_perf::gate::comparison::{self, Comparison};
use mcp_perf::gate::environment::Environment;
use mcp_perf::gate::stats::bootstrap;
use mcp_perf::gate::stats::correction::Correction;
use mcp_perf::gate::stats::rng::SplitMix64;
use mcp_perf::gate::thresholds::{Reference, Thresholds};
use mcp_perf::gate::verdict::Verdict;
use mcp_perf::gate::{Measurement, Tier};

/// Benchmarks per simulated suite.
const SUITE: usize = 10;
/// Samples per side, as in a quick criterion run.
const SAMPLES: usize = 50;

/// Noise shapes seen in real timings.
#[derive(Debug, Clone, Copy)]
enum Noise {
    /// Right-skewed: lognormal with sigma 5 %.
    LogNormal,
    /// Two modes: one sample in five takes a 25 % slower path.
    Bimodal,
    /// Lognormal plus rare large outliers (descheduling): 2 % at 3x.
    HeavyTail,
}

fn standard_normal(rng: &mut SplitMix64) -> f64 {
    let u1 = rng.unit().max(1e-300);
    let u2 = rng.unit();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn samples(noise: Noise, shift: f64, rng: &mut SplitMix64) -> Vec<f64> {
    (0..SAMPLES)
        .map(|_| {
            let base = 1000.0 * (0.05 * standard_normal(rng)).exp();
            let value = match noise {
                Noise::LogNormal => base,
                Noise::Bimodal if rng.unit() < 0.2 => base * 1.25,
                Noise::Bimodal => base,
                Noise::HeavyTail if rng.unit() < 0.02 => base * 3.0,
                Noise::HeavyTail => base,
            };
            value * (1.0 + shift)
        })
        .collect()
}

fn measurement(id: String, samples: Vec<f64>, environment: &Environment) -> Measurement {
    Measurement {
        group: "sim".into(),
        id,
        unit: "ns".into(),
        tier: Tier::WallClock,
        samples,
        environment: environment.clone(),
        source: PathBuf::from("simulated"),
        rounds: Vec::new(),
    }
}

fn thresholds(threshold: f64, correction: Correction) -> Thresholds {
    let mut t = Thresholds::default();
    t.defaults.paired = threshold;
    t.defaults.correction = correction;
    t.defaults.resamples = 100;
    t
}

/// One simulated suite; benchmark 0 is shifted by `shift`.
fn suite(noise: Noise, shift: f64, t: &Thresholds, rng: &mut SplitMix64) -> Vec<Comparison> {
    static ENV: OnceLock<Environment> = OnceLock::new();
    let env = ENV.get_or_init(|| Environment::capture("bench", std::path::Path::new(".")));
    let mut reference = Vec::new();
    let mut current = Vec::new();
    for i in 0..SUITE {
        let id = format!("sim/{i}");
        reference.push(measurement(id.clone(), samples(noise, 0.0, rng), env));
        let s = if i == 0 { shift } else { 0.0 };
        current.push(measurement(id, samples(noise, s, rng), env));
    }
    comparison::compare_all(&reference, &current, t, Reference::Paired).expect("valid suite")
}

/// Rates over `runs` suites: (any false alarm among unshifted benchmarks,
/// shifted benchmark caught).
fn rates(noise: Noise, shift: f64, t: &Thresholds, runs: usize, seed: u64) -> (f64, f64) {
    let mut rng = SplitMix64::new(seed);
    let (mut false_alarms, mut caught) = (0, 0);
    for _ in 0..runs {
        let comparisons = suite(noise, shift, t, &mut rng);
        let regressed = |c: &Comparison| c.verdict == Verdict::Regressed;
        let first_is_shifted = shift != 0.0;
        if comparisons
            .iter()
            .enumerate()
            .any(|(i, c)| regressed(c) && !(first_is_shifted && i == 0))
        {
            false_alarms += 1;
        }
        if regressed(&comparisons[0]) {
            caught += 1;
        }
    }
    (
        false_alarms as f64 / runs as f64,
        caught as f64 / runs as f64,
    )
}

#[test]
fn suite_level_false_alarms_stay_under_alpha_with_holm_and_not_without() {
    // Threshold zero: significance alone decides, so this tests the
    // correction, not the threshold.
    let holm = thresholds(0.0, Correction::Holm);
    let none = thresholds(0.0, Correction::None);
    for noise in [Noise::LogNormal, Noise::Bimodal, Noise::HeavyTail] {
        let (corrected, _) = rates(noise, 0.0, &holm, 150, 11);
        let (uncorrected, _) = rates(noise, 0.0, &none, 150, 11);
        println!(
            "A/A {noise:?}: suite false-alarm rate {corrected:.3} with Holm, {uncorrected:.3} without"
        );
        assert!(corrected <= 0.08, "{noise:?}: {corrected}");
        assert!(
            uncorrected >= 0.15,
            "{noise:?}: correction should matter, got {uncorrected}"
        );
    }
}

#[test]
fn detection_rises_with_the_shift_and_catches_ten_percent() {
    let t = thresholds(0.02, Correction::Holm);
    for noise in [Noise::LogNormal, Noise::Bimodal, Noise::HeavyTail] {
        let mut previous = 0.0;
        let mut row = Vec::new();
        for shift in [0.0, 0.02, 0.05, 0.10, 0.20] {
            let (false_alarm, caught) = rates(noise, shift, &t, 60, 23);
            row.push(format!(
                "{:>3.0} %: caught {caught:.2}, false alarm {false_alarm:.2}",
                100.0 * shift
            ));
            assert!(false_alarm <= 0.05, "{noise:?} at {shift}: {false_alarm}");
            assert!(
                caught + 0.05 >= previous,
                "{noise:?}: detection fell at {shift}"
            );
            previous = caught;

            match shift {
                0.0 => assert!(caught <= 0.05),
                0.10 | 0.20 => assert!(caught >= 0.95, "{noise:?} at {shift}: {caught}"),
                _ => {}
            }
        }
        println!(
            "{noise:?} (threshold 2 %, n = {SAMPLES}, suite of {SUITE}): {}",
            row.join("; ")
        );
    }
}

#[test]
fn a_shift_at_the_reported_detectable_effect_is_caught_about_as_often_as_promised() {
    let t = thresholds(0.02, Correction::Holm);
    let mut rng = SplitMix64::new(5);
    let quoted: Vec<f64> = (0..20)
        .map(|_| {
            suite(Noise::LogNormal, 0.0, &t, &mut rng)[0]
                .detectable
                .expect("quoted")
        })
        .collect();
    let mde = quoted.iter().sum::<f64>() / quoted.len() as f64;

    let (_, caught) = rates(Noise::LogNormal, mde, &t, 100, 99);
    println!(
        "mean detectable effect {:.2} %, caught at that shift {caught:.2} (power 0.80)",
        100.0 * mde
    );
    assert!((0.7..=0.99).contains(&caught), "{caught}");
}

#[test]
fn bootstrap_interval_covers_the_true_ratio() {
    let mut rng = SplitMix64::new(77);
    let trials = 200;
    let mut covered = 0;
    for _ in 0..trials {
        let a = samples(Noise::LogNormal, 0.0, &mut rng);
        let b = samples(Noise::LogNormal, 0.05, &mut rng);
        let ci = bootstrap::ratio_of_medians(&a, &b, 0.95, 400, &mut rng).expect("positive");
        if ci.lower <= 1.05 && 1.05 <= ci.upper {
            covered += 1;
        }
    }
    let coverage = f64::from(covered) / f64::from(trials);
    println!("95 % bootstrap interval coverage: {coverage:.3}");
    assert!(coverage >= 0.9, "{coverage}");
}

/// Paired mode with a shared per-round disturbance (a neighbour's burst
/// hits both sides of a round): per-round pairing must not cry wolf, and a
/// real shift must still be caught.
fn paired_suite(shift: f64, rng: &mut SplitMix64, rounds: usize) -> Vec<Comparison> {
    let env = Environment::capture("bench", std::path::Path::new("."));
    let mut reference = Vec::new();
    let mut current = Vec::new();
    for i in 0..3 {
        let id = format!("paired/{i}");
        let (mut a, mut b) = (
            measurement(id.clone(), Vec::new(), &env),
            measurement(id, Vec::new(), &env),
        );
        for _ in 0..rounds {
            // Each side sees its own burst level within the round, drawn
            // around a level the round shares: drift that pooling mistakes
            // for evidence.
            let round_level = (0.3 * standard_normal(rng)).exp();
            for (m, s) in [(&mut a, 0.0), (&mut b, if i == 0 { shift } else { 0.0 })] {
                let side_level = round_level * (0.02 * standard_normal(rng)).exp();
                let round: Vec<f64> = samples(Noise::LogNormal, s, rng)
                    .iter()
                    .map(|v| v * side_level)
                    .collect();
                m.rounds
                    .push(mcp_perf::gate::stats::median(&round).unwrap());
                m.samples.extend(round);
            }
        }
        reference.push(a);
        current.push(b);
    }
    comparison::compare_all(
        &reference,
        &current,
        &thresholds(0.03, Correction::Holm),
        Reference::Paired,
    )
    .expect("valid suite")
}

#[test]
fn paired_rounds_absorb_shared_bursts_and_catch_ten_percent() {
    let mut rng = SplitMix64::new(31);
    let runs = 40;
    let false_alarms = (0..runs)
        .filter(|_| {
            paired_suite(0.0, &mut rng, 8)
                .iter()
                .any(|c| c.verdict == Verdict::Regressed)
        })
        .count();
    let caught = (0..runs)
        .filter(|_| paired_suite(0.10, &mut rng, 8)[0].verdict == Verdict::Regressed)
        .count();
    println!(
        "paired, 8 rounds, shared bursts: A/A false alarms {false_alarms}/{runs}, +10 % caught {caught}/{runs}"
    );
    assert!(false_alarms <= 3, "{false_alarms}");
    assert!(caught >= 36, "{caught}");
}
