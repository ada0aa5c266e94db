//! The statistics behind a verdict, each piece in its own file.
//!
//! Timings are skewed (a long right tail from interrupts, cache misses and
//! frequency changes) and sometimes bimodal, so every test here is rank- or
//! resampling-based and assumes no distribution shape:
//!
//! - [`mann_whitney`]: is the current sample shifted against the baseline?
//! - [`sign_flip`]: the same question in paired mode, one vote per round.
//! - [`hodges_lehmann`]: by how much (a robust shift estimate)?
//! - [`bootstrap`]: how sure are we of the ratio of medians (an interval)?
//! - [`correction`]: many benchmarks tested at once must not cry wolf.
//! - [`detectable`]: the smallest regression the measured noise lets us see.
//! - [`normal`] and [`rng`]: the numeric pieces the others stand on.

pub mod bootstrap;
pub mod correction;
pub mod detectable;
pub mod hodges_lehmann;
pub mod mann_whitney;
pub mod normal;
pub mod rng;
pub mod sign_flip;

/// The median of `values`, or `None` when there are none or one is NaN.
///
/// Takes a copy because selection reorders the slice.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }

    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(median_of_sorted(&sorted))
}

/// The median of a non-empty slice, reordering it: selection is linear
/// where a sort is not, which matters inside a bootstrap loop.
pub fn median_in_place(values: &mut [f64]) -> f64 {
    let (mid, odd) = (values.len() / 2, values.len() % 2 == 1);
    let (left, upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    if odd {
        return upper;
    }
    let lower = left.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lower + upper) / 2.0
}

/// The median of an already sorted, non-empty slice.
pub fn median_of_sorted(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// The median absolute deviation from the median: a spread measure that a
/// few outliers cannot inflate, unlike the standard deviation.
pub fn median_abs_dev(values: &[f64]) -> Option<f64> {
    let center = median(values)?;
    let deviations: Vec<f64> = values.iter().map(|v| (v - center).abs()).collect();
    median(&deviations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_lengths() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn median_in_place_agrees_with_sorting() {
        let mut odd = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(median_in_place(&mut odd), 3.0);
        let mut even = [6.0, 1.0, 4.0, 2.0, 3.0, 5.0];
        assert_eq!(median_in_place(&mut even), 3.5);
    }

    #[test]
    fn median_abs_dev_ignores_one_outlier() {
        let mad = median_abs_dev(&[10.0, 11.0, 9.0, 10.0, 1000.0]).unwrap();
        assert_eq!(mad, 1.0);
    }
}
