//! Why an officer could not be opened or could not save.

use crate::files::FileError;
use std::path::PathBuf;
use thiserror::Error;

/// The officer's files could not be read or written. A state file that
/// is refused is left exactly as it was: there is no reset.
#[derive(Debug, Error)]
pub enum OfficerError {
    /// The state file is not a state file (cut short, edited, another
    /// program's file).
    #[error(
        "the officer's state file {} is damaged ({detail}); it was left as it is. Moving it aside starts afresh, but forgets the newest lists accepted and the live codes seen",
        path.display()
    )]
    StateDamaged {
        /// The file.
        path: PathBuf,
        /// What is wrong, for the log (no holder data is in the file).
        detail: String,
    },
    /// The state file is of a format this version does not read (written
    /// by a newer version of the app).
    #[error(
        "the officer's state file {} is format {found}, which this version does not read; it was left as it is: update the app",
        path.display()
    )]
    StateUnknownFormat {
        /// The file.
        path: PathBuf,
        /// The format it declares.
        found: u64,
    },
    /// A file could not be read or written (disk full, read-only, ...).
    #[error(transparent)]
    Storage(#[from] FileError),
}

impl OfficerError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            OfficerError::StateDamaged { .. } => "officer_state_damaged",
            OfficerError::StateUnknownFormat { .. } => "officer_state_unknown_format",
            OfficerError::Storage(e) => e.code(),
        }
    }
}
