//! The dating and sequencing both lists share.

use super::error::{ListKind, TrustError};
use crate::encoding::reader::Reader;
use jiff::Timestamp;

/// When a list was issued, until when it may be used, and its place in
/// the issuer's sequence (which never goes back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListMeta {
    /// Strictly increasing with each list the signer publishes.
    pub sequence: u64,
    /// When it was signed.
    pub issued_at: Timestamp,
    /// After this instant it must not be used.
    pub expires_at: Timestamp,
}

impl ListMeta {
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&timestamp_to_wire(self.issued_at).to_be_bytes());
        out.extend_from_slice(&timestamp_to_wire(self.expires_at).to_be_bytes());
    }

    pub(crate) fn read(reader: &mut Reader<'_>, kind: ListKind) -> Result<Self, TrustError> {
        let bad = |e: crate::encoding::reader::ReadError| TrustError::malformed(kind, e);
        let sequence = reader.u64("sequence").map_err(bad)?;
        let issued_at = timestamp_from_wire(reader.u64("issued_at").map_err(bad)?, kind)?;
        let expires_at = timestamp_from_wire(reader.u64("expires_at").map_err(bad)?, kind)?;
        let meta = ListMeta {
            sequence,
            issued_at,
            expires_at,
        };
        meta.check(kind)?;
        Ok(meta)
    }

    pub(crate) fn check(&self, kind: ListKind) -> Result<(), TrustError> {
        if self.expires_at <= self.issued_at {
            return Err(TrustError::malformed(
                kind,
                "it expires before it is issued",
            ));
        }
        Ok(())
    }
}

/// The version of both list formats this code reads and writes.
pub(crate) const LIST_VERSION: u8 = 1;

/// The prologue both lists share: refuses oversize input unread, then
/// checks the magic and the version. Returns a reader after the version.
pub(crate) fn open_list<'a>(
    bytes: &'a [u8],
    kind: ListKind,
    magic: &[u8; 4],
    max_len: usize,
) -> Result<Reader<'a>, TrustError> {
    if bytes.len() > max_len {
        return Err(TrustError::TooLarge {
            kind,
            len: bytes.len(),
            max: max_len,
        });
    }
    let bad = |e| TrustError::malformed(kind, e);
    let mut reader = Reader::new(bytes);
    if reader.take("magic", 4).map_err(bad)? != magic {
        return Err(TrustError::malformed(kind, format!("this is not a {kind}")));
    }
    let version = reader.u8("version").map_err(bad)?;
    if version != LIST_VERSION {
        return Err(TrustError::malformed(
            kind,
            format!("unsupported {kind} version {version}"),
        ));
    }
    Ok(reader)
}

/// What a list's signature covers: its domain string, then every byte
/// before the signature.
pub(crate) fn signed_message(domain: &[u8], body: &[u8]) -> Vec<u8> {
    [domain, body].concat()
}

/// Seconds since 1970 as stored on the wire (instants before 1970 are not
/// used by any list).
pub(crate) fn timestamp_to_wire(at: Timestamp) -> u64 {
    u64::try_from(at.as_second()).unwrap_or(0)
}

pub(crate) fn timestamp_from_wire(seconds: u64, kind: ListKind) -> Result<Timestamp, TrustError> {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| Timestamp::from_second(s).ok())
        .ok_or_else(|| TrustError::malformed(kind, format!("time {seconds} is out of range")))
}
