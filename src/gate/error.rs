//! Why the gate could not judge: every variant means "unusable input" and
//! maps to exit code 2, as opposed to a verdict, which is data.

use std::path::PathBuf;

/// A failure to read, parse or produce what the gate needs.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// A file exists but its shape is not one the gate knows.
    #[error("{path}: unknown shape: {reason}")]
    Shape {
        /// The offending file.
        path: PathBuf,
        /// What did not match.
        reason: String,
    },

    /// A file declares a schema version the gate does not read.
    #[error("{path}: unsupported {kind} version {found} (this gate reads {supported})")]
    Version {
        /// The offending file.
        path: PathBuf,
        /// Which format ("baseline", "results").
        kind: &'static str,
        /// The version found in the file.
        found: u32,
        /// The version this gate reads.
        supported: u32,
    },

    /// Two inputs claim the same benchmark id.
    #[error("benchmark {id} appears twice: in {first} and in {second}")]
    Duplicate {
        /// The benchmark id.
        id: String,
        /// Where it was seen first.
        first: PathBuf,
        /// Where it was seen again.
        second: PathBuf,
    },

    /// Nothing to judge: no results were found where they were looked for.
    #[error("no benchmark results found in {searched}; run the benchmarks first")]
    NoResults {
        /// The places searched, for the message.
        searched: String,
    },

    /// The thresholds file is malformed.
    #[error("{path}: invalid thresholds: {reason}")]
    Thresholds {
        /// The thresholds file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// An external program (git, cargo, valgrind, a bench binary) failed.
    #[error("running {program}: {reason}")]
    Command {
        /// The program and its main argument.
        program: String,
        /// How it failed.
        reason: String,
    },

    /// `baseline update` refused to write, and why.
    #[error("baseline update refused: {reason}")]
    Refused {
        /// The reason, with the flag that overrides it.
        reason: String,
    },
}

impl GateError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        GateError::Io {
            path: path.into(),
            source,
        }
    }

    /// A shape error for `path`.
    pub fn shape(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        GateError::Shape {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
