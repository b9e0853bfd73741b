//! What a portal server needs to run.

use crate::chaos::ChaosSpec;
use std::path::PathBuf;

/// A portal server's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalConfig {
    /// The SQLite file (created on first use).
    pub db: PathBuf,
    /// The issuer directory (`docket issuer init`): its key signs bound
    /// cards, and its trust and status lists are served and checked
    /// against, read again on every request so that `docket issuer
    /// revoke` and `refresh` take effect at once.
    pub issuer: PathBuf,
    /// Fault injection, for testing clients; `None` in normal use.
    pub chaos: Option<ChaosSpec>,
}
