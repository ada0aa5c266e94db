//! The workload the gate's own tests and calibration runs slow down on
//! purpose.
//!
//! A gate is only trusted once it has been seen to pass unchanged code and
//! to catch a slowdown that was really there. `spin` is a fixed amount of
//! integer mixing whose length is scaled by [`SLOWDOWN_ENV`], so "10 %
//! slower" is real code doing 10 % more work, in criterion and under
//! callgrind alike.

/// Percent of extra work, e.g. `10` for a 10 % slowdown. Unset means 0.
pub const SLOWDOWN_ENV: &str = "MCP_PERF_SELFTEST_SLOWDOWN_PCT";

/// The number of rounds for a base of `rounds`, after the slowdown asked
/// for in [`SLOWDOWN_ENV`]. An unparsable value counts as 0.
pub fn scaled_rounds(rounds: u64) -> u64 {
    let percent: u64 = std::env::var(SLOWDOWN_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    rounds + rounds * percent / 100
}

/// Mixes `seed` for `rounds` rounds: pure integer work with a loop-carried
/// dependency, so its cost is proportional to `rounds` and cannot be
/// vectorised or folded away.
#[inline(never)]
pub fn spin(seed: u64, rounds: u64) -> u64 {
    let mut x = seed | 1;
    for i in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x.wrapping_add(i);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spin_depends_on_every_round() {
        assert_ne!(spin(1, 10), spin(1, 11));
        assert_eq!(spin(7, 100), spin(7, 100));
    }
}
