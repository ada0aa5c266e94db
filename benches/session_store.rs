//! Placeholder until the benchmarks of issue 2 land.

fn main() {}
