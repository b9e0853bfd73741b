//! The officer's state file: what must survive a restart, as JSON.
//!
//! Format 1 is a superset of the desktop verifier's older
//! `verifier-state.json` (`trust_list`, `status_list`, `live_codes_seen`),
//! which it reads as format 1: a file without `format` is that file. Any
//! field this version does not know is refused rather than dropped, because
//! the file is rewritten after every live code and a newer app's data
//! would otherwise be lost without a word.

use super::error::OfficerError;
use crate::files::{FileError, read_limited, write_atomic};
use crate::trust::ListFloor;
use crate::verify::ReplayEntry;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The format this version reads and writes.
pub(super) const STATE_FORMAT: u64 = 1;

/// Largest state file read. The replay memory holds only codes that can
/// still pass the staleness check (a minute's worth of scans); even the
/// policy's full 10,000 codes are under 1.5 MB pretty-printed.
const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

/// Everything an officer keeps between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OfficerState {
    /// Absent in the desktop verifier's files, which are format 1.
    #[serde(default = "first_format")]
    pub format: u64,
    /// The trust list's floor (the name the older file used).
    pub trust_list: Option<ListFloor>,
    /// The status list's floor.
    pub status_list: Option<ListFloor>,
    /// The replay memory.
    #[serde(default)]
    pub live_codes_seen: Vec<ReplayEntry>,
    /// The portal's `ETag` for the trust list installed from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_list_etag: Option<String>,
    /// The portal's `ETag` for the status list installed from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_list_etag: Option<String>,
    /// When an update last left both lists current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update: Option<Timestamp>,
}

fn first_format() -> u64 {
    STATE_FORMAT
}

impl OfficerState {
    /// Reads the state file; `None` if there is none (a new officer).
    /// Anything else that is not a state file of this format is an error
    /// and the file is not touched.
    pub fn load(path: &Path) -> Result<Option<OfficerState>, OfficerError> {
        let bytes = match read_limited(path, MAX_STATE_BYTES, "officer state") {
            Ok(bytes) => bytes,
            Err(FileError::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        OfficerState::parse(&bytes, path).map(Some)
    }

    fn parse(bytes: &[u8], path: &Path) -> Result<OfficerState, OfficerError> {
        let damaged = |detail: String| OfficerError::StateDamaged {
            path: path.to_owned(),
            detail,
        };
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| damaged(e.to_string()))?;
        // The format is read first, so that a newer app's file is told
        // apart from a damaged one.
        let format = match value.get("format") {
            None => STATE_FORMAT,
            Some(format) => format
                .as_u64()
                .ok_or_else(|| damaged("its format is not a number".to_owned()))?,
        };
        if format != STATE_FORMAT {
            return Err(OfficerError::StateUnknownFormat {
                path: path.to_owned(),
                found: format,
            });
        }
        serde_json::from_value(value).map_err(|e| damaged(e.to_string()))
    }

    /// Replaces the state file atomically and durably.
    pub fn save(&self, path: &Path) -> Result<(), OfficerError> {
        let json = serde_json::to_vec(self).map_err(|e| OfficerError::StateDamaged {
            path: path.to_owned(),
            detail: format!("cannot be encoded: {e}"),
        })?;
        Ok(write_atomic(path, &json)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<OfficerState, OfficerError> {
        OfficerState::parse(text.as_bytes(), Path::new("state.json"))
    }

    #[test]
    fn the_desktop_verifiers_file_is_format_1() {
        let legacy = r#"{
  "trust_list": {"sequence": 3, "digest": "0000000000000000000000000000000000000000000000000000000000000001"},
  "status_list": null,
  "live_codes_seen": [{"serial": 42, "timestamp": 1000, "forget_after": 1030}]
}"#;
        let state = parse(legacy).unwrap();
        assert_eq!(state.format, 1);
        assert_eq!(state.trust_list.map(|f| f.sequence), Some(3));
        assert_eq!(state.status_list, None);
        assert_eq!(state.live_codes_seen.len(), 1);
        assert_eq!(state.last_update, None);
        assert!(parse(r#"{"trust_list": null, "status_list": null}"#).is_ok());
    }

    #[test]
    fn a_saved_state_reads_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let state = OfficerState {
            format: STATE_FORMAT,
            trust_list: Some(ListFloor {
                sequence: 9,
                digest: [7; 32],
            }),
            status_list: None,
            live_codes_seen: vec![ReplayEntry {
                serial: 1,
                status_index: 5,
                timestamp: 2,
                forget_after: 3,
            }],
            trust_list_etag: Some("\"abc\"".to_owned()),
            status_list_etag: None,
            last_update: Some(Timestamp::from_second(1_800_000_000).unwrap()),
        };
        state.save(&path).unwrap();
        assert_eq!(OfficerState::load(&path).unwrap(), Some(state));
        assert_eq!(
            OfficerState::load(&dir.path().join("none.json")).unwrap(),
            None
        );
    }

    #[test]
    fn what_is_not_a_state_of_this_format_is_refused_with_its_code() {
        for damaged in [
            "",
            "{",
            "[]",
            "null",
            r#"{"format": "one"}"#,
            r#"{"trust_list": 5}"#,
            r#"{"trust_list": {"sequence": 1, "digest": "zz"}}"#,
            r#"{"live_codes_seen": [{"serial": -1, "timestamp": 0, "forget_after": 0}]}"#,
            r#"{"format": 1, "a_field_from_the_future": true}"#,
        ] {
            let error = parse(damaged).unwrap_err();
            assert_eq!(
                error.code(),
                "officer_state_damaged",
                "{damaged:?}: {error}"
            );
        }
        for format in ["0", "2", "18446744073709551615"] {
            let error = parse(&format!(r#"{{"format": {format}}}"#)).unwrap_err();
            assert_eq!(error.code(), "officer_state_unknown_format", "{format}");
        }
    }
}
