//! The regression gate: reads fresh results, compares them with the
//! committed baselines (or with a base revision run alongside), decides
//! with statistics, and reports.
//!
//! Data flows through the parts in this order:
//!
//! - readers: [`criterion`] (criterion's files) and [`results`] (our own
//!   format for other producers, such as [`instructions`]) give
//!   [`measurement::Measurement`]s, each with its [`environment`];
//! - [`baseline`] reads and writes `baselines/*.json`, [`thresholds`] reads
//!   `baselines/thresholds.toml` (patterns by [`glob`]);
//! - [`comparison`] runs the [`stats`] per benchmark and applies the
//!   correction, [`verdict`] decides each benchmark, [`evaluation`] the run;
//! - [`report`] writes the outcome; [`paired`] runs base and candidate
//!   interleaved; [`update`] writes new baselines; [`cli`] is the command
//!   line; [`selftest`] is the workload the gate's own tests slow down.

pub mod baseline;
pub mod cli;
pub mod comparison;
pub mod criterion;
pub mod environment;
pub mod error;
pub mod evaluation;
pub mod glob;
pub mod instructions;
pub mod measurement;
pub mod paired;
pub mod report;
pub mod results;
pub mod selftest;
pub mod stats;
pub mod thresholds;
pub mod update;
pub mod verdict;
mod versioned;

pub use error::GateError;
pub use evaluation::{Evaluation, Outcome, Status};
pub use measurement::{Measurement, Tier};
