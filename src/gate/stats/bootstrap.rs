//! A percentile bootstrap interval for the ratio of medians, current over
//! baseline.
//!
//! A ratio, because a reader thinks "3 % slower", not "41 ns slower". The
//! median, because it is what a skewed timing distribution is best
//! summarised by. Resampling, because the sampling distribution of a ratio of
//! medians has no usable closed form. The generator is seeded from the
//! benchmark id, so the same files always give the same interval.

use super::median_in_place;
use super::rng::SplitMix64;

/// The interval and the spread of the bootstrap distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioInterval {
    /// Lower bound of the ratio (current / baseline).
    pub lower: f64,
    /// Upper bound of the ratio.
    pub upper: f64,
    /// Standard deviation of the log ratio over the resamples: the noise
    /// figure the minimal detectable effect is computed from.
    pub log_std_error: f64,
}

/// Resamples both sides `resamples` times and returns the central
/// `confidence` interval of median(current) / median(baseline). Returns
/// `None` when a side is empty or a median is not positive.
pub fn ratio_of_medians(
    baseline: &[f64],
    current: &[f64],
    confidence: f64,
    resamples: usize,
    rng: &mut SplitMix64,
) -> Option<RatioInterval> {
    if baseline.is_empty() || current.is_empty() || resamples < 2 {
        return None;
    }

    let mut log_ratios = Vec::with_capacity(resamples);
    let (mut scratch_a, mut scratch_b) = (Vec::new(), Vec::new());
    for _ in 0..resamples {
        let a = resampled_median(baseline, &mut scratch_a, rng);
        let b = resampled_median(current, &mut scratch_b, rng);
        if a <= 0.0 || b <= 0.0 {
            return None;
        }
        log_ratios.push((b / a).ln());
    }

    log_ratios.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    Some(RatioInterval {
        lower: percentile(&log_ratios, tail).exp(),
        upper: percentile(&log_ratios, 1.0 - tail).exp(),
        log_std_error: std_dev(&log_ratios),
    })
}

/// The median of one resample with replacement of `values`.
fn resampled_median(values: &[f64], scratch: &mut Vec<f64>, rng: &mut SplitMix64) -> f64 {
    scratch.clear();
    scratch.extend((0..values.len()).map(|_| values[rng.below(values.len())]));
    median_in_place(scratch)
}

/// Linear interpolation between order statistics of a sorted slice.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    let weight = position - low as f64;
    sorted[low] * (1.0 - weight) + sorted[high] * weight
}

fn std_dev(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    variance.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(center: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|_| center * (1.0 + 0.05 * (rng.unit() - 0.5)))
            .collect()
    }

    #[test]
    fn interval_covers_the_true_ratio() {
        let a = noisy(100.0, 60, 1);
        let b = noisy(120.0, 60, 2);
        let mut rng = SplitMix64::new(3);
        let ci = ratio_of_medians(&a, &b, 0.95, 1000, &mut rng).unwrap();
        assert!(ci.lower < 1.2 && ci.upper > 1.2, "{ci:?}");
        assert!(ci.upper - ci.lower < 0.05);
        assert!(ci.log_std_error > 0.0);
    }

    #[test]
    fn same_seed_same_interval() {
        let (a, b) = (noisy(10.0, 30, 4), noisy(10.0, 30, 5));
        let first = ratio_of_medians(&a, &b, 0.95, 200, &mut SplitMix64::new(9));
        let second = ratio_of_medians(&a, &b, 0.95, 200, &mut SplitMix64::new(9));
        assert_eq!(first, second);
    }

    #[test]
    fn empty_or_non_positive_input_gives_none() {
        let mut rng = SplitMix64::new(1);
        assert!(ratio_of_medians(&[], &[1.0], 0.95, 100, &mut rng).is_none());
        assert!(ratio_of_medians(&[0.0; 5], &[1.0; 5], 0.95, 100, &mut rng).is_none());
    }
}
