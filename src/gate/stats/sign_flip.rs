//! The paired test for interleaved runs: one difference per round, tested
//! by flipping signs.
//!
//! In paired mode each round runs base and candidate back to back, so a
//! neighbour's burst or a frequency change hits both sides of that round.
//! Samples within one round share that state and are not independent;
//! pooling them into one rank test treats a 1.5-second burst as a hundred
//! pieces of evidence and cries wolf (measured: see docs/gate.md). The
//! honest unit of evidence is the round: `d = ln(median B / median A)`.
//! Under "no change" each `d` is as likely positive as negative, so the
//! exact p-value is the share of the 2^R sign patterns whose sum is at
//! least as extreme as the observed one. No distribution is assumed; the
//! price is a floor on the p-value of 2 / 2^R, so a suite needs enough
//! rounds for its correction (see [`min_rounds`]).

/// Above this many rounds the test uses the first [`MAX_EXACT`] only for
/// enumeration cost; callers keep R well below it.
pub const MAX_EXACT: usize = 20;

/// The outcome of the sign-flip test on per-round log ratios.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignFlip {
    /// Two-sided exact p-value.
    pub p_value: f64,
    /// Hodges-Lehmann estimate of the log ratio: the median of the Walsh
    /// averages `(d_i + d_j) / 2`, i <= j.
    pub log_shift: f64,
    /// Standard error of the mean log ratio, `sd(d) / sqrt(R)`.
    pub log_std_error: f64,
}

/// Tests per-round log ratios; `None` for fewer than two rounds.
pub fn test(log_ratios: &[f64]) -> Option<SignFlip> {
    let d = &log_ratios[..log_ratios.len().min(MAX_EXACT)];
    if d.len() < 2 {
        return None;
    }

    let observed = d.iter().sum::<f64>().abs();
    let patterns = 1u64 << d.len();
    let tolerance = 1e-12 * (1.0 + observed);
    let extreme = (0..patterns)
        .filter(|signs| {
            let sum: f64 = d
                .iter()
                .enumerate()
                .map(|(i, v)| if signs >> i & 1 == 1 { -v } else { *v })
                .sum();
            sum.abs() >= observed - tolerance
        })
        .count();

    Some(SignFlip {
        p_value: extreme as f64 / patterns as f64,
        log_shift: walsh_median(d),
        log_std_error: std_error(d),
    })
}

/// The fewest rounds whose smallest possible p-value (2 / 2^R) clears
/// `hurdle`.
pub fn min_rounds(hurdle: f64) -> usize {
    (1..=MAX_EXACT)
        .find(|r| 2.0 / (1u64 << r) as f64 <= hurdle)
        .unwrap_or(MAX_EXACT)
}

fn walsh_median(d: &[f64]) -> f64 {
    let mut averages = Vec::with_capacity(d.len() * (d.len() + 1) / 2);
    for i in 0..d.len() {
        for j in i..d.len() {
            averages.push((d[i] + d[j]) / 2.0);
        }
    }
    super::median_in_place(&mut averages)
}

fn std_error(d: &[f64]) -> f64 {
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let variance = d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (variance / n).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unanimous_rounds_reach_the_floor() {
        let result = test(&[0.05, 0.06, 0.04, 0.05, 0.07, 0.05]).unwrap();
        assert!((result.p_value - 2.0 / 64.0).abs() < 1e-12);
        assert!((result.log_shift - 0.0525).abs() < 0.006);
    }

    #[test]
    fn mixed_signs_are_not_significant() {
        let result = test(&[0.05, -0.04, 0.01, -0.02, 0.03, -0.05]).unwrap();
        assert!(result.p_value > 0.5, "{result:?}");
    }

    #[test]
    fn rounds_needed_for_a_hurdle() {
        assert_eq!(min_rounds(0.05), 6);
        assert_eq!(min_rounds(0.05 / 10.0), 9);
        assert!(test(&[0.1]).is_none());
    }
}
