//! The verifier's trust store: the installed trust and status lists and
//! the rule that neither ever goes backwards.
//!
//! The highest sequence accepted for each list (with a digest of that
//! list) is the store's *floor*. The caller persists the floors and hands
//! them back after a restart, so a rollback is refused even when the lists
//! themselves are read again from files.

use super::ed25519::Ed25519PublicKey;
use super::error::{ListKind, TrustError};
use super::meta::ListMeta;
use super::status_list::StatusList;
use super::trust_list::TrustList;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How far a list's issue time may be ahead of this device's clock before
/// the clock is considered wrong (docs/sc1-format.md, "Verifier clock").
pub const ISSUE_TIME_TOLERANCE: SignedDuration = SignedDuration::from_mins(5);

/// The highest sequence of a list ever accepted, and which list that was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFloor {
    /// The sequence.
    pub sequence: u64,
    /// SHA-256 of the signed list bytes.
    #[serde(with = "hex_digest")]
    pub digest: [u8; 32],
}

/// What installing a list did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallOutcome {
    /// A newer list replaced the previous one (or the first was installed).
    Installed,
    /// The same list was already current.
    AlreadyCurrent,
}

/// Installed trust data for one verifier.
#[derive(Debug, Clone)]
pub struct TrustStore {
    roots: Vec<Ed25519PublicKey>,
    trust_list: Option<TrustList>,
    status_list: Option<StatusList>,
    trust_floor: Option<ListFloor>,
    status_floor: Option<ListFloor>,
}

impl TrustStore {
    /// A store that trusts lists signed by any of `roots` (the keys pinned
    /// in the app).
    pub fn new(roots: Vec<Ed25519PublicKey>) -> Self {
        TrustStore {
            roots,
            trust_list: None,
            status_list: None,
            trust_floor: None,
            status_floor: None,
        }
    }

    /// Restores the floors persisted from an earlier session.
    pub fn with_floors(mut self, trust: Option<ListFloor>, status: Option<ListFloor>) -> Self {
        self.trust_floor = trust;
        self.status_floor = status;
        self
    }

    /// The floors to persist.
    pub fn floors(&self) -> (Option<ListFloor>, Option<ListFloor>) {
        (self.trust_floor, self.status_floor)
    }

    /// The installed trust list.
    pub fn trust_list(&self) -> Option<&TrustList> {
        self.trust_list.as_ref()
    }

    /// The installed status list.
    pub fn status_list(&self) -> Option<&StatusList> {
        self.status_list.as_ref()
    }

    /// Verifies and installs a signed trust list. If the installed status
    /// list is no longer signed by a key of the new trust list, it is
    /// dropped (verification then fails closed until a new one arrives).
    pub fn install_trust_list(
        &mut self,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<InstallOutcome, TrustError> {
        let list = TrustList::parse_and_verify(bytes, &self.roots)?;
        let floor = admit(
            ListKind::TrustList,
            &list.meta,
            bytes,
            self.trust_floor,
            now,
        )?;
        if self.trust_floor == Some(floor) && self.trust_list.is_some() {
            return Ok(InstallOutcome::AlreadyCurrent);
        }
        self.trust_floor = Some(floor);
        if self
            .status_list
            .as_ref()
            .is_some_and(|status| !status.still_trusted_by(&list))
        {
            self.status_list = None;
        }
        self.trust_list = Some(list);
        Ok(InstallOutcome::Installed)
    }

    /// Verifies and installs a signed status list against the installed
    /// trust list.
    pub fn install_status_list(
        &mut self,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<InstallOutcome, TrustError> {
        let trust = self.trust_list.as_ref().ok_or(TrustError::NoTrustList)?;
        let list = StatusList::parse_and_verify(bytes, trust)?;
        let floor = admit(
            ListKind::StatusList,
            &list.meta,
            bytes,
            self.status_floor,
            now,
        )?;
        if self.status_floor == Some(floor) && self.status_list.is_some() {
            return Ok(InstallOutcome::AlreadyCurrent);
        }
        self.status_floor = Some(floor);
        self.status_list = Some(list);
        Ok(InstallOutcome::Installed)
    }
}

/// The dating and sequence checks shared by both lists; returns the new
/// floor if the list may be installed.
fn admit(
    kind: ListKind,
    meta: &ListMeta,
    bytes: &[u8],
    floor: Option<ListFloor>,
    now: Timestamp,
) -> Result<ListFloor, TrustError> {
    if now.saturating_add(ISSUE_TIME_TOLERANCE).unwrap_or(now) < meta.issued_at {
        return Err(TrustError::ClockBehind { kind });
    }
    if now >= meta.expires_at {
        return Err(TrustError::Expired { kind });
    }
    let offered = ListFloor {
        sequence: meta.sequence,
        digest: Sha256::digest(bytes).into(),
    };
    match floor {
        Some(current) if offered.sequence < current.sequence => Err(TrustError::RolledBack {
            kind,
            installed: current.sequence,
            offered: offered.sequence,
        }),
        Some(current)
            if offered.sequence == current.sequence && offered.digest != current.digest =>
        {
            Err(TrustError::SequenceReused {
                kind,
                sequence: offered.sequence,
            })
        }
        _ => Ok(offered),
    }
}

mod hex_digest {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(digest: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(digest))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        let mut digest = [0u8; 32];
        hex::decode_to_slice(text, &mut digest).map_err(D::Error::custom)?;
        Ok(digest)
    }
}
