//! Reading the gate's own versioned JSON files (baselines, results).
//!
//! The header is read first, so a file written by a future version fails on
//! its version, with a message saying so, rather than on a field it renamed.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::GateError;

#[derive(Deserialize)]
struct Header {
    schema: String,
    version: u32,
}

/// Reads `path` as a `T`, after checking its `schema` and `version`;
/// `kind` names the file in the version error ("baseline", "results").
pub(crate) fn read<T: DeserializeOwned>(
    path: &Path,
    schema: &str,
    version: u32,
    kind: &'static str,
) -> Result<T, GateError> {
    let text = std::fs::read_to_string(path).map_err(|e| GateError::io(path, e))?;
    let header: Header =
        serde_json::from_str(&text).map_err(|e| GateError::shape(path, e.to_string()))?;
    if header.schema != schema {
        let reason = format!("schema is {:?}, expected {schema:?}", header.schema);
        return Err(GateError::shape(path, reason));
    }
    if header.version != version {
        return Err(GateError::Version {
            path: path.into(),
            kind,
            found: header.version,
            supported: version,
        });
    }

    serde_json::from_str(&text).map_err(|e| GateError::shape(path, e.to_string()))
}
