//! Why trust data was refused.

use super::keys::KeyId;
use thiserror::Error;

/// Which signed list a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// The root-signed list of issuer keys.
    TrustList,
    /// The issuer-signed revocation list.
    StatusList,
}

impl ListKind {
    /// The snake_case stem used in reason codes.
    pub fn code(self) -> &'static str {
        match self {
            ListKind::TrustList => "trust_list",
            ListKind::StatusList => "status_list",
        }
    }
}

impl std::fmt::Display for ListKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ListKind::TrustList => "trust list",
            ListKind::StatusList => "status list",
        })
    }
}

/// A trust or status list that cannot be installed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrustError {
    /// Larger than any genuine list; refused before parsing.
    #[error("the {kind} is {len} bytes, more than the {max} allowed")]
    TooLarge {
        /// Which list.
        kind: ListKind,
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not a well-formed list.
    #[error("the {kind} is damaged or not a {kind}: {detail}")]
    Malformed {
        /// Which list.
        kind: ListKind,
        /// What is wrong, for the log.
        detail: String,
    },
    /// No pinned root (trust list) or trusted issuer key (status list)
    /// made the signature.
    #[error(
        "the {kind} signature does not verify: it may be forged; download it again from the issuer"
    )]
    BadSignature {
        /// Which list.
        kind: ListKind,
    },
    /// The status list names a signer the trust list does not have.
    #[error(
        "the status list is signed by issuer key {key_id}, which the trust list does not contain; update the trust list"
    )]
    UnknownSigner {
        /// The signer's id.
        key_id: KeyId,
    },
    /// Past its expiry.
    #[error("the {kind} has expired; connect to download a new one")]
    Expired {
        /// Which list.
        kind: ListKind,
    },
    /// Issued after this device's clock: the clock is wrong.
    #[error(
        "this phone's clock is behind the {kind}'s issue time; set the date and time correctly"
    )]
    ClockBehind {
        /// Which list.
        kind: ListKind,
    },
    /// Older than what is already installed: a rollback.
    #[error(
        "the {kind} (sequence {offered}) is older than the one already accepted (sequence {installed}); it is refused"
    )]
    RolledBack {
        /// Which list.
        kind: ListKind,
        /// The highest sequence accepted before.
        installed: u64,
        /// The sequence offered now.
        offered: u64,
    },
    /// Same sequence, different content: the signer equivocated.
    #[error("the {kind} reuses sequence {sequence} with different content; it is refused")]
    SequenceReused {
        /// Which list.
        kind: ListKind,
        /// The reused sequence.
        sequence: u64,
    },
    /// A status list cannot be checked before a trust list is installed.
    #[error("no trust list is installed; install the trust list first")]
    NoTrustList,
}

impl TrustError {
    /// Which list the error is about.
    pub fn kind(&self) -> ListKind {
        match self {
            TrustError::TooLarge { kind, .. }
            | TrustError::Malformed { kind, .. }
            | TrustError::BadSignature { kind }
            | TrustError::Expired { kind }
            | TrustError::ClockBehind { kind }
            | TrustError::RolledBack { kind, .. }
            | TrustError::SequenceReused { kind, .. } => *kind,
            TrustError::UnknownSigner { .. } => ListKind::StatusList,
            TrustError::NoTrustList => ListKind::TrustList,
        }
    }

    /// A stable snake_case code for machines (JSON output, test vectors).
    pub fn code(&self) -> &'static str {
        use ListKind::{StatusList, TrustList};
        match (self, self.kind()) {
            (TrustError::ClockBehind { .. }, _) => "verifier_clock_behind",
            (TrustError::NoTrustList, _) => "trust_list_missing",
            (TrustError::UnknownSigner { .. }, _) => "status_list_unknown_signer",
            (TrustError::TooLarge { .. }, TrustList) => "trust_list_too_large",
            (TrustError::TooLarge { .. }, StatusList) => "status_list_too_large",
            (TrustError::Malformed { .. }, TrustList) => "trust_list_malformed",
            (TrustError::Malformed { .. }, StatusList) => "status_list_malformed",
            (TrustError::BadSignature { .. }, TrustList) => "trust_list_bad_signature",
            (TrustError::BadSignature { .. }, StatusList) => "status_list_bad_signature",
            (TrustError::Expired { .. }, TrustList) => "trust_list_expired",
            (TrustError::Expired { .. }, StatusList) => "status_list_expired",
            (TrustError::RolledBack { .. }, TrustList) => "trust_list_rolled_back",
            (TrustError::RolledBack { .. }, StatusList) => "status_list_rolled_back",
            (TrustError::SequenceReused { .. }, TrustList) => "trust_list_sequence_reused",
            (TrustError::SequenceReused { .. }, StatusList) => "status_list_sequence_reused",
        }
    }

    pub(crate) fn malformed(kind: ListKind, detail: impl std::fmt::Display) -> Self {
        TrustError::Malformed {
            kind,
            detail: detail.to_string(),
        }
    }
}
