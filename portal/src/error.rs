//! Why a portal server could not start.

use crate::db::DbError;
use thiserror::Error;

/// A server could not be started (requests never fail with this: they
/// answer with a problem document instead).
#[derive(Debug, Error)]
pub enum PortalError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The issuer directory is missing or unusable.
    #[error("issuer directory: {0:#}")]
    Issuer(anyhow::Error),
    /// A socket, thread or runtime could not be set up.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The background server thread stopped before it was ready.
    #[error("the portal thread stopped before it started serving")]
    ThreadDied,
}

impl From<std::io::Error> for PortalError {
    fn from(source: std::io::Error) -> Self {
        PortalError::Io {
            context: "I/O",
            source,
        }
    }
}
