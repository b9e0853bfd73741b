//! The request body of each kind of item, format version 1: JSON, made
//! once when the item is queued and stored verbatim (sealed).
//!
//! docs/portal-api.yaml describes the same bodies; this is the one place
//! that writes and reads them.

use super::item::Submission;
use super::{AddressChange, CheckIn, ItemKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The body format version this app writes.
pub const BODY_FORMAT_VERSION: u32 = 1;

/// A stored body that this app cannot read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BodyError {
    /// Written by a newer app.
    #[error("this item was saved by a newer version of the app (format {0}); update the app")]
    UnknownVersion(u32),
    /// Not a valid body of its kind.
    #[error("this item's stored content is damaged: {0}")]
    Invalid(String),
    /// A body received from a wallet that the rules refuse (the portal's
    /// reason; the message is the rule's own).
    #[error("{0}")]
    Refused(String),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckInBody {
    checked_in_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// The body of `submission`.
pub(crate) fn encode(submission: &Submission) -> Result<Vec<u8>, BodyError> {
    let encoded = match submission {
        Submission::CheckIn {
            checked_in_at,
            check_in,
        } => serde_json::to_vec(&CheckInBody {
            checked_in_at: *checked_in_at,
            note: check_in.note().map(str::to_owned),
        }),
        Submission::AddressChange(change) => serde_json::to_vec(change),
        Submission::Unreadable { .. } => {
            return Err(BodyError::Invalid(
                "an item that could not be read back has no content".to_owned(),
            ));
        }
    };
    encoded.map_err(|e| BodyError::Invalid(e.to_string()))
}

/// Reads a stored body back, re-validating every field.
pub(crate) fn decode(kind: ItemKind, version: u32, body: &[u8]) -> Result<Submission, BodyError> {
    if version != BODY_FORMAT_VERSION {
        return Err(BodyError::UnknownVersion(version));
    }
    let invalid = |e: serde_json::Error| BodyError::Invalid(e.to_string());
    Ok(match kind {
        ItemKind::CheckIn => {
            let body: CheckInBody = serde_json::from_slice(body).map_err(invalid)?;
            let check_in = CheckIn::new(body.note.as_deref())
                .map_err(|e| BodyError::Invalid(e.to_string()))?;
            Submission::CheckIn {
                checked_in_at: body.checked_in_at,
                check_in,
            }
        }
        ItemKind::AddressChange => Submission::AddressChange(
            serde_json::from_slice::<AddressChange>(body).map_err(invalid)?,
        ),
    })
}
