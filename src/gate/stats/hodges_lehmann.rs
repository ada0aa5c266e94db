//! The Hodges-Lehmann estimate of the shift between two samples: the median
//! of all pairwise differences.
//!
//! It is the estimate that belongs to the Mann-Whitney test (the shift that
//! makes U balanced), keeps most of the mean's efficiency on clean data and
//! ignores a handful of outliers, unlike a difference of means.

use super::median_in_place;

/// Above this many pairs the estimate is taken from a deterministic,
/// evenly strided subset of the pairs, to bound memory and time.
const MAX_PAIRS: usize = 1 << 20;

/// The shift `current - baseline` in the samples' own unit, or `None` when a
/// side is empty.
pub fn shift(baseline: &[f64], current: &[f64]) -> Option<f64> {
    if baseline.is_empty() || current.is_empty() {
        return None;
    }

    let pairs = baseline.len() * current.len();
    let stride = pairs.div_ceil(MAX_PAIRS).max(1);
    let mut differences = Vec::with_capacity(pairs / stride + 1);
    let mut index = 0usize;
    for b in current {
        for a in baseline {
            if index.is_multiple_of(stride) {
                differences.push(b - a);
            }
            index += 1;
        }
    }

    Some(median_in_place(&mut differences))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_pure_shift() {
        let a = [10.0, 12.0, 11.0, 13.0, 9.0];
        let b: Vec<f64> = a.iter().map(|v| v + 3.0).collect();
        assert_eq!(shift(&a, &b), Some(3.0));
    }

    #[test]
    fn one_outlier_does_not_move_it() {
        let a = [10.0, 10.0, 10.0, 10.0, 10.0];
        let b = [11.0, 11.0, 11.0, 11.0, 500.0];
        assert_eq!(shift(&a, &b), Some(1.0));
    }
}
