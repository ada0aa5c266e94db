//! Compares a reference run (the committed baseline, or the base revision
//! in paired mode) with the current run, benchmark by benchmark, and
//! applies the correction across the whole suite.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::GateError;
use super::measurement::{Measurement, Tier};
use super::stats::bootstrap::{self, RatioInterval};
use super::stats::detectable::{self, Power};
use super::stats::mann_whitney::{self, MIN_SAMPLES};
use super::stats::rng::SplitMix64;
use super::stats::sign_flip;
use super::stats::{self, hodges_lehmann};
use super::thresholds::{Reference, Thresholds};
use super::verdict::{self, Verdict, WallClockEvidence};

/// The judgement of one benchmark, with the figures behind it. Changes are
/// relative to the reference (0.05 = 5 % slower).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Benchmark id.
    pub id: String,
    /// Benchmark group.
    pub group: String,
    /// Tier that judged it.
    pub tier: Tier,
    /// Unit of the medians.
    pub unit: String,
    /// Median of the reference samples.
    pub reference_median: Option<f64>,
    /// Median of the current samples.
    pub current_median: Option<f64>,
    /// Estimated relative change (Hodges-Lehmann for wall-clock).
    pub change: Option<f64>,
    /// Interval of the relative change.
    pub interval: Option<(f64, f64)>,
    /// Mann-Whitney p-value before correction.
    pub p_value: Option<f64>,
    /// p-value after the correction for the whole suite.
    pub p_adjusted: Option<f64>,
    /// The relative threshold that applied.
    pub threshold: f64,
    /// The smallest slowdown detectable at the measured noise.
    pub detectable: Option<f64>,
    /// Number of reference and current samples.
    pub samples: (usize, usize),
    /// The verdict.
    pub verdict: Verdict,
    /// Paired mode: the number of interleaved rounds the test used.
    pub rounds: Option<usize>,
    /// A remark when the figures need one (too few samples, unit change).
    pub note: Option<String>,
}

/// Indexes measurements by id, refusing duplicates.
pub fn index(measurements: &[Measurement]) -> Result<BTreeMap<&str, &Measurement>, GateError> {
    let mut by_id: BTreeMap<&str, &Measurement> = BTreeMap::new();
    for m in measurements {
        if let Some(first) = by_id.insert(&m.id, m) {
            return Err(GateError::Duplicate {
                id: m.id.clone(),
                first: first.source.clone(),
                second: m.source.clone(),
            });
        }
    }
    Ok(by_id)
}

/// Compares every benchmark of `reference` and `current`.
pub fn compare_all(
    reference: &[Measurement],
    current: &[Measurement],
    thresholds: &Thresholds,
    against: Reference,
) -> Result<Vec<Comparison>, GateError> {
    let (old, new) = (index(reference)?, index(current)?);
    let mut ids: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();

    let mut comparisons: Vec<Comparison> = ids
        .iter()
        .map(|id| match (old.get(id), new.get(id)) {
            (Some(a), Some(b)) => compare_one(a, b, thresholds, against),
            (Some(a), None) => unpaired(a, Verdict::Missing, thresholds, against),
            (None, Some(b)) => unpaired(b, Verdict::New, thresholds, against),
            (None, None) => unreachable!("every id comes from one of the two maps"),
        })
        .collect();

    correct_and_decide(&mut comparisons, thresholds);
    Ok(comparisons)
}

/// A benchmark present on one side only.
fn unpaired(m: &Measurement, verdict: Verdict, t: &Thresholds, against: Reference) -> Comparison {
    let median = stats::median(&m.samples);
    let (reference_median, current_median, samples) = match verdict {
        Verdict::Missing => (median, None, (m.samples.len(), 0)),
        _ => (None, median, (0, m.samples.len())),
    };
    Comparison {
        id: m.id.clone(),
        group: m.group.clone(),
        tier: m.tier,
        unit: m.unit.clone(),
        reference_median,
        current_median,
        change: None,
        interval: None,
        p_value: None,
        p_adjusted: None,
        threshold: t.threshold(&m.id, m.tier, against),
        detectable: None,
        samples,
        verdict,
        rounds: None,
        note: None,
    }
}

/// The figures for one benchmark present on both sides; the verdict of a
/// wall-clock benchmark waits for the correction.
fn compare_one(a: &Measurement, b: &Measurement, t: &Thresholds, against: Reference) -> Comparison {
    let mut c = unpaired(a, Verdict::Inconclusive, t, against);
    c.reference_median = stats::median(&a.samples);
    c.current_median = stats::median(&b.samples);
    c.samples = (a.samples.len(), b.samples.len());

    if a.unit != b.unit || a.tier != b.tier {
        c.note = Some(format!(
            "not comparable: reference is {} ({}), current is {} ({})",
            a.unit, a.tier, b.unit, b.tier
        ));
        return c;
    }

    let paired_rounds =
        against == Reference::Paired && a.rounds.len() == b.rounds.len() && a.rounds.len() >= 2;
    match a.tier {
        Tier::Instructions => judge_counts(&mut c, &a.samples, &b.samples),
        Tier::WallClock if paired_rounds => measure_rounds(&mut c, &a.rounds, &b.rounds, t),
        Tier::WallClock => measure_wall_clock(&mut c, &a.samples, &b.samples, t),
    }
    c
}

/// Instruction counts: ratio of medians, interval from the extremes (the
/// counts' own spread, usually zero), detectable effect = threshold + spread.
fn judge_counts(c: &mut Comparison, a: &[f64], b: &[f64]) {
    let (Some(ma), Some(mb)) = (c.reference_median, c.current_median) else {
        return;
    };
    if ma <= 0.0 {
        c.note = Some("reference count is zero".into());
        return;
    }

    let (min_a, max_a) = extremes(a);
    let (min_b, max_b) = extremes(b);
    let change = mb / ma - 1.0;
    let spread = (max_a - min_a) / ma + (max_b - min_b) / ma;

    c.change = Some(change);
    c.interval = Some((min_b / max_a - 1.0, max_b / min_a - 1.0));
    c.detectable = Some(c.threshold + spread);
    c.verdict = verdict::instructions(change, c.threshold);
}

/// Wall-clock: the rank test, the shift estimate, the bootstrap interval and
/// the detectable effect (finished once the number of tests is known).
fn measure_wall_clock(c: &mut Comparison, a: &[f64], b: &[f64], t: &Thresholds) {
    if a.len() < MIN_SAMPLES || b.len() < MIN_SAMPLES {
        c.note = Some(format!(
            "too few samples for a rank test (need {MIN_SAMPLES} a side)"
        ));
        return;
    }
    let Some(ma) = c.reference_median.filter(|m| *m > 0.0) else {
        c.note = Some("reference median is not positive".into());
        return;
    };

    let mut rng = SplitMix64::from_name(&c.id);
    let d = &t.defaults;
    let test = mann_whitney::test(a, b);
    let shift = hodges_lehmann::shift(a, b);
    let ci: Option<RatioInterval> =
        bootstrap::ratio_of_medians(a, b, 1.0 - d.alpha, d.resamples, &mut rng);

    c.p_value = test.map(|t| t.p_value);
    c.change = shift.map(|s| s / ma);
    c.interval = ci.map(|ci| (ci.lower - 1.0, ci.upper - 1.0));
    // Stash the standard error until the correction sets the hurdle.
    c.detectable = ci.map(|ci| ci.log_std_error);
}

/// Paired mode: one log ratio per round, the exact sign-flip test, the
/// Walsh-average shift, and a bootstrap over rounds for the interval.
fn measure_rounds(c: &mut Comparison, a: &[f64], b: &[f64], t: &Thresholds) {
    let log_ratios: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| **x > 0.0 && **y > 0.0)
        .map(|(x, y)| (y / x).ln())
        .collect();
    let Some(test) = sign_flip::test(&log_ratios) else {
        c.note = Some("fewer than two usable rounds".into());
        return;
    };

    let mut rng = SplitMix64::from_name(&c.id);
    let d = &t.defaults;
    let mut means: Vec<f64> = (0..d.resamples)
        .map(|_| {
            let sum: f64 = (0..log_ratios.len())
                .map(|_| log_ratios[rng.below(log_ratios.len())])
                .sum();
            sum / log_ratios.len() as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let tail = d.alpha / 2.0;
    let at = |q: f64| means[((means.len() - 1) as f64 * q).round() as usize].exp() - 1.0;

    c.p_value = Some(test.p_value);
    c.change = Some(test.log_shift.exp() - 1.0);
    c.interval = Some((at(tail), at(1.0 - tail)));
    c.detectable = Some(test.log_std_error);
    c.rounds = Some(log_ratios.len());
}

/// Applies the correction to every wall-clock p-value, then decides.
fn correct_and_decide(comparisons: &mut [Comparison], t: &Thresholds) {
    let d = &t.defaults;
    let tested: Vec<usize> = (0..comparisons.len())
        .filter(|i| comparisons[*i].tier == Tier::WallClock && comparisons[*i].p_value.is_some())
        .collect();
    let p_values: Vec<f64> = tested
        .iter()
        .map(|i| comparisons[*i].p_value.unwrap_or(1.0))
        .collect();
    let adjusted = d.correction.adjust(&p_values);
    let hurdle = d.correction.first_hurdle(d.alpha, tested.len());

    for (i, p_adjusted) in tested.into_iter().zip(adjusted) {
        let c = &mut comparisons[i];
        c.p_adjusted = Some(p_adjusted);
        let (Some(change), Some(interval), Some(se)) = (c.change, c.interval, c.detectable) else {
            c.detectable = None;
            continue;
        };

        if let Some(rounds) = c.rounds
            && rounds < sign_flip::min_rounds(hurdle)
        {
            c.note = Some(format!(
                "{rounds} rounds cannot reach the corrected level; {} needed",
                sign_flip::min_rounds(hurdle)
            ));
            c.detectable = None;
        } else {
            c.detectable = Some(detectable::minimal_detectable_effect(Power {
                log_std_error: se,
                hurdle,
                power: d.power,
                threshold: c.threshold,
            }));
        }
        c.verdict = verdict::wall_clock(WallClockEvidence {
            change,
            interval,
            p_adjusted,
            alpha: d.alpha,
            threshold: c.threshold,
        });
    }
}

fn extremes(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}
