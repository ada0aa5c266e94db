//! The Mann-Whitney U test: does one sample tend to take larger values than
//! the other?
//!
//! Chosen over a t-test because timings are skewed and heavy-tailed: a t-test
//! on means lets one descheduled sample move the verdict, while a rank test
//! only asks how often a current sample beats a baseline sample. The p-value
//! uses the normal approximation with the tie correction and a continuity
//! correction, which is close to exact from about 20 samples a side; the gate
//! refuses to run the test on fewer than [`MIN_SAMPLES`] (see `verdict`).

use super::normal;

/// Below this many samples on either side the normal approximation is too
/// rough to trust, and the verdict says so instead of guessing.
pub const MIN_SAMPLES: usize = 10;

/// The outcome of a two-sided Mann-Whitney U test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U for the second sample: the number of (a, b) pairs with b > a, ties
    /// counting one half.
    pub u: f64,
    /// The standardised statistic; positive when the second sample is larger.
    pub z: f64,
    /// The two-sided p-value.
    pub p_value: f64,
}

/// Tests `current` against `baseline`. Returns `None` when either side is
/// empty.
pub fn test(baseline: &[f64], current: &[f64]) -> Option<MannWhitney> {
    let (n_a, n_b) = (baseline.len() as f64, current.len() as f64);
    if baseline.is_empty() || current.is_empty() {
        return None;
    }

    let (rank_sum_b, tie_term) = rank_sum_of_second(baseline, current);
    let u = rank_sum_b - n_b * (n_b + 1.0) / 2.0;

    let n = n_a + n_b;
    let mean = n_a * n_b / 2.0;
    let variance = n_a * n_b / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        // Every value is tied: no evidence of any shift.
        return Some(MannWhitney {
            u,
            z: 0.0,
            p_value: 1.0,
        });
    }

    let distance = ((u - mean).abs() - 0.5).max(0.0);
    let z = distance.copysign(u - mean) / variance.sqrt();
    let p_value = (2.0 * normal::upper_tail(z.abs())).min(1.0);
    Some(MannWhitney { u, z, p_value })
}

/// Ranks both samples together (ties get their mid-rank) and returns the
/// rank sum of the second sample and the tie term, the sum of t^3 - t over
/// groups of t tied values.
fn rank_sum_of_second(first: &[f64], second: &[f64]) -> (f64, f64) {
    let mut pooled: Vec<(f64, bool)> = first.iter().map(|v| (*v, false)).collect();
    pooled.extend(second.iter().map(|v| (*v, true)));
    pooled.sort_by(|x, y| x.0.total_cmp(&y.0));

    let (mut rank_sum, mut tie_term) = (0.0, 0.0);
    let mut start = 0;
    while start < pooled.len() {
        let mut end = start + 1;
        while end < pooled.len() && pooled[end].0 == pooled[start].0 {
            end += 1;
        }

        let ties = (end - start) as f64;
        let mid_rank = (start + end + 1) as f64 / 2.0;
        let from_second = pooled[start..end].iter().filter(|p| p.1).count() as f64;
        rank_sum += mid_rank * from_second;
        tie_term += ties * ties * ties - ties;
        start = end;
    }
    (rank_sum, tie_term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_samples_give_p_one() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let result = test(&a, &a).unwrap();
        assert_eq!(result.u, 8.0);
        assert!(result.p_value > 0.99);
    }

    #[test]
    fn separated_samples_are_significant_and_signed() {
        let a: Vec<f64> = (0..30).map(f64::from).collect();
        let b: Vec<f64> = (100..130).map(f64::from).collect();
        let result = test(&a, &b).unwrap();
        assert_eq!(result.u, 900.0);
        assert!(result.z > 6.0);
        assert!(result.p_value < 1e-9);
        assert!(test(&b, &a).unwrap().z < -6.0);
    }

    #[test]
    fn matches_a_textbook_value() {
        // Worked by hand: b beats a in 2 + 3 = 5 of 25 pairs; no ties, so
        // z = -(|5 - 12.5| - 0.5) / sqrt(25 * 11 / 12).
        let a = [10.0, 11.0, 12.0, 13.0, 14.0];
        let b = [1.0, 2.0, 3.0, 11.5, 12.5];
        let result = test(&a, &b).unwrap();
        assert_eq!(result.u, 5.0);
        let z = 7.0 / (25.0f64 * 11.0 / 12.0).sqrt();
        assert!((result.z + z).abs() < 1e-12);
    }

    #[test]
    fn all_tied_values_are_not_significant() {
        let result = test(&[5.0; 12], &[5.0; 12]).unwrap();
        assert_eq!(result.p_value, 1.0);
    }
}
