//! Corrections for testing many benchmarks at once.
//!
//! A suite of 50 benchmarks each tested at 5 % raises a false alarm on most
//! pull requests even when nothing changed. Holm's step-down method keeps the
//! chance of even one false alarm across the suite (the family-wise error
//! rate) at the chosen level and is never weaker than Bonferroni; it is the
//! default because a gate fails the build on a single alarm. Benjamini-
//! Hochberg controls the expected share of false alarms among the alarms
//! instead: more power on a large suite, but more red builds on A/A runs.

use serde::{Deserialize, Serialize};

/// Which multiple-testing correction to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Correction {
    /// Holm-Bonferroni: controls the family-wise error rate.
    #[default]
    Holm,
    /// Benjamini-Hochberg: controls the false discovery rate.
    BenjaminiHochberg,
    /// No correction: each benchmark at the nominal level (not advised).
    None,
}

impl Correction {
    /// Adjusted p-values, in the order of `p_values`; compare each with the
    /// nominal level.
    pub fn adjust(self, p_values: &[f64]) -> Vec<f64> {
        match self {
            Correction::Holm => holm(p_values),
            Correction::BenjaminiHochberg => benjamini_hochberg(p_values),
            Correction::None => p_values.to_vec(),
        }
    }

    /// The level the smallest p-value of `tests` tests must reach: the
    /// strictest hurdle, used for the minimal detectable effect.
    pub fn first_hurdle(self, alpha: f64, tests: usize) -> f64 {
        match self {
            Correction::Holm | Correction::BenjaminiHochberg => alpha / tests.max(1) as f64,
            Correction::None => alpha,
        }
    }
}

impl std::fmt::Display for Correction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Correction::Holm => "Holm",
            Correction::BenjaminiHochberg => "Benjamini-Hochberg",
            Correction::None => "no",
        })
    }
}

/// Indices of `p_values` in increasing order of p.
fn ascending_order(p_values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p_values.len()).collect();
    order.sort_by(|a, b| p_values[*a].total_cmp(&p_values[*b]));
    order
}

/// Holm: the i-th smallest p (from 0) is multiplied by m - i, and adjusted
/// values are made non-decreasing along that order.
fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut adjusted = vec![0.0; m];
    let mut running_max: f64 = 0.0;
    for (rank, &index) in ascending_order(p_values).iter().enumerate() {
        let value = (p_values[index] * (m - rank) as f64).min(1.0);
        running_max = running_max.max(value);
        adjusted[index] = running_max;
    }
    adjusted
}

/// Benjamini-Hochberg: the i-th smallest p (from 1) is multiplied by m / i,
/// and adjusted values are made non-increasing from the largest down.
fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut adjusted = vec![0.0; m];
    let mut running_min: f64 = 1.0;
    let order = ascending_order(p_values);
    for (rank, &index) in order.iter().enumerate().rev() {
        let value = p_values[index] * m as f64 / (rank + 1) as f64;
        running_min = running_min.min(value);
        adjusted[index] = running_min;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn holm_matches_a_worked_example() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let adjusted = Correction::Holm.adjust(&p);
        assert!(close(&adjusted, &[0.03, 0.06, 0.06, 0.02]), "{adjusted:?}");
    }

    #[test]
    fn benjamini_hochberg_matches_a_worked_example() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let adjusted = Correction::BenjaminiHochberg.adjust(&p);
        assert!(close(&adjusted, &[0.02, 0.04, 0.04, 0.02]), "{adjusted:?}");
    }

    #[test]
    fn empty_input_is_fine() {
        assert!(Correction::Holm.adjust(&[]).is_empty());
    }
}
