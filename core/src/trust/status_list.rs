//! The status list: two bits per card (valid, revoked, suspended), raw
//! DEFLATE-compressed and signed by an issuer key with the status usage.
//!
//! Inflation is bounded before it starts: the header declares the entry
//! count, the count is capped, the compressed size is capped relative to
//! it, the signature is checked first, and the inflater writes into a
//! buffer of exactly the declared size, so a compression bomb costs at most
//! the declared (and capped) size.

use super::ed25519::{Ed25519PublicKey, Ed25519SigningKey};
use super::error::{ListKind, TrustError};
use super::keys::{KeyId, KeyUsage};
use super::meta::{LIST_VERSION, ListMeta, open_list, signed_message};
use super::trust_list::TrustList;
use crate::card::StatusIndex;
use flate2::{Compression, Decompress, FlushDecompress, Status, write::DeflateEncoder};
use std::io::Write;

const KIND: ListKind = ListKind::StatusList;
const MAGIC: &[u8; 4] = b"SCSL";
const DOMAIN: &[u8] = b"SC1/status-list\0";
const BITS_PER_STATUS: u8 = 2;
const SIGNATURE_LEN: usize = 64;
const HEADER_LEN: usize = 4 + 1 + 2 + 3 * 8 + 1 + 4 + 4;

/// Most cards one status list covers (the card's 24-bit index).
pub const MAX_STATUS_LIST_ENTRIES: u32 = StatusIndex::MAX + 1;
/// Largest possible status list in bytes; anything larger is refused unread.
pub const MAX_STATUS_LIST_BYTES: usize =
    HEADER_LEN + max_compressed_len(raw_len(MAX_STATUS_LIST_ENTRIES)) + SIGNATURE_LEN;

/// Bytes of bitstring for `count` entries.
const fn raw_len(count: u32) -> usize {
    (count as usize).div_ceil(4)
}

/// DEFLATE never needs more than its stored-block overhead (5 bytes per
/// 65,535) beyond the input; anything bigger is not an honest encoding.
const fn max_compressed_len(raw: usize) -> usize {
    raw + raw / 1024 + 64
}

/// One entry's status.
///
/// Every card has an entry of its own (the printed card's), and every
/// enrollment on a phone — each *binding* — gets another: the bound card
/// the phone holds is the same card signed again with the phone's key and
/// the binding's own status index. So one phone can be cut off (lost,
/// replaced) while the printed card and the holder's other phone stay
/// valid (docs/sc1-format.md, 10.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardStatus {
    /// Not revoked or suspended.
    Valid,
    /// Permanently withdrawn.
    Revoked,
    /// Temporarily withdrawn.
    Suspended,
    /// Value 3: on a bound card's entry, this phone's binding was ended
    /// (the card was enrolled on another phone, or this phone was
    /// reported lost); the card itself is not revoked. On an unbound
    /// card's entry it means nothing and is treated as not valid.
    BindingRevoked,
}

impl CardStatus {
    fn from_bits(bits: u8) -> Self {
        match bits & 0b11 {
            0 => CardStatus::Valid,
            1 => CardStatus::Revoked,
            2 => CardStatus::Suspended,
            _ => CardStatus::BindingRevoked,
        }
    }

    fn bits(self) -> u8 {
        match self {
            CardStatus::Valid => 0,
            CardStatus::Revoked => 1,
            CardStatus::Suspended => 2,
            CardStatus::BindingRevoked => 3,
        }
    }

    /// The entry an issuer publishes for one binding of a card whose own
    /// entry is `card`: the card's revocation or suspension first (it
    /// applies on every phone), then whether this binding was ended.
    pub fn of_binding(card: CardStatus, binding_ended: bool) -> CardStatus {
        match card {
            CardStatus::Revoked | CardStatus::Suspended => card,
            _ if binding_ended => CardStatus::BindingRevoked,
            CardStatus::BindingRevoked => CardStatus::BindingRevoked,
            CardStatus::Valid => CardStatus::Valid,
        }
    }
}

/// A status list, inflated and ready for lookups.
#[derive(Debug, Clone)]
pub struct StatusList {
    /// Sequence and validity of the list itself.
    pub meta: ListMeta,
    /// The issuer key that signs it.
    pub signer: KeyId,
    count: u32,
    bits: Vec<u8>,
    /// The key whose signature was checked, for lists that were parsed.
    verified_by: Option<Ed25519PublicKey>,
}

/// Two lists are equal when they say the same thing, however they were
/// obtained (built by an issuer, or parsed and verified).
impl PartialEq for StatusList {
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
            && self.signer == other.signer
            && self.count == other.count
            && self.bits == other.bits
    }
}

impl Eq for StatusList {}

impl StatusList {
    /// A list of `count` valid cards.
    pub fn new(meta: ListMeta, signer: KeyId, count: u32) -> Result<Self, TrustError> {
        if count > MAX_STATUS_LIST_ENTRIES {
            return Err(TrustError::malformed(
                KIND,
                format!(
                    "{count} entries is more than the {MAX_STATUS_LIST_ENTRIES} a list can hold"
                ),
            ));
        }
        Ok(StatusList {
            meta,
            signer,
            count,
            bits: vec![0; raw_len(count)],
            verified_by: None,
        })
    }

    /// How many cards the list covers.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// Whether the list covers no card at all.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The status at `index`, or `None` if the list does not reach it.
    pub fn status(&self, index: StatusIndex) -> Option<CardStatus> {
        let index = index.value();
        if index >= self.count {
            return None;
        }
        let byte = self.bits.get(index as usize / 4)?;
        Some(CardStatus::from_bits(byte >> ((index % 4) * 2)))
    }

    /// Sets the status at `index`; false if the list does not reach it.
    #[must_use]
    pub fn set(&mut self, index: StatusIndex, status: CardStatus) -> bool {
        let index = index.value();
        if index >= self.count {
            return false;
        }
        let shift = (index % 4) * 2;
        match self.bits.get_mut(index as usize / 4) {
            Some(byte) => {
                *byte = (*byte & !(0b11 << shift)) | (status.bits() << shift);
                true
            }
            None => false,
        }
    }

    /// Grows the list to `count` entries (new ones valid); never shrinks.
    pub fn grow(&mut self, count: u32) -> Result<(), TrustError> {
        if count > MAX_STATUS_LIST_ENTRIES {
            return Err(TrustError::malformed(
                KIND,
                format!("{count} entries is too many"),
            ));
        }
        if count > self.count {
            self.count = count;
            self.bits.resize(raw_len(count), 0);
        }
        Ok(())
    }

    /// How many entries have `status`.
    pub fn count_of(&self, status: CardStatus) -> usize {
        let wanted = status.bits();
        let slots = self
            .bits
            .iter()
            .flat_map(|byte| (0..4).map(move |slot| (byte >> (slot * 2)) & 0b11));
        slots
            .take(self.count as usize)
            .filter(|bits| *bits == wanted)
            .count()
    }

    /// Compresses, encodes and signs the list.
    pub fn sign(&self, key: &Ed25519SigningKey) -> Result<Vec<u8>, TrustError> {
        self.meta.check(KIND)?;
        let compressed = deflate(&self.bits)?;
        let mut out = Vec::with_capacity(HEADER_LEN + compressed.len() + SIGNATURE_LEN);
        out.extend_from_slice(MAGIC);
        out.push(LIST_VERSION);
        out.extend_from_slice(&self.signer.0.to_be_bytes());
        self.meta.write(&mut out);
        out.push(BITS_PER_STATUS);
        out.extend_from_slice(&self.count.to_be_bytes());
        let compressed_len = u32::try_from(compressed.len())
            .map_err(|_| TrustError::malformed(KIND, "the compressed list is too large"))?;
        out.extend_from_slice(&compressed_len.to_be_bytes());
        out.extend_from_slice(&compressed);
        let signature = key.sign(&signed_message(DOMAIN, &out));
        out.extend_from_slice(&signature);
        Ok(out)
    }

    /// Parses a signed list, checks its signature against the trust list's
    /// status keys, then inflates it within the declared size.
    pub fn parse_and_verify(bytes: &[u8], trust: &TrustList) -> Result<Self, TrustError> {
        let bad = |e| TrustError::malformed(KIND, e);
        let mut reader = open_list(bytes, KIND, MAGIC, MAX_STATUS_LIST_BYTES)?;
        let signer = KeyId(reader.u16("signer key id").map_err(bad)?);
        let meta = ListMeta::read(&mut reader, KIND)?;
        let bits_per_status = reader.u8("bits per status").map_err(bad)?;
        if bits_per_status != BITS_PER_STATUS {
            return Err(TrustError::malformed(
                KIND,
                format!("{bits_per_status} bits per status is not supported"),
            ));
        }
        let count = reader.u32("entry count").map_err(bad)?;
        if count > MAX_STATUS_LIST_ENTRIES {
            return Err(TrustError::malformed(
                KIND,
                format!("{count} entries is more than a list can hold"),
            ));
        }
        let compressed_len = reader.u32("compressed length").map_err(bad)? as usize;
        if compressed_len > max_compressed_len(raw_len(count)) {
            return Err(TrustError::malformed(
                KIND,
                "the compressed data is larger than the entries need",
            ));
        }
        let compressed = reader
            .take("compressed entries", compressed_len)
            .map_err(bad)?;
        let message = signed_message(DOMAIN, reader.consumed());
        let signature: [u8; 64] = reader.array("signature").map_err(bad)?;
        reader.finish().map_err(bad)?;

        let verified_by = verify_signer(trust, signer, &meta, &message, &signature)?;
        let bits = inflate_exact(compressed, raw_len(count))?;
        let unused_bits = (raw_len(count) * 4 - count as usize) * 2;
        if unused_bits > 0
            && bits
                .last()
                .is_some_and(|last| last >> (8 - unused_bits) != 0)
        {
            return Err(TrustError::malformed(
                KIND,
                "bits past the last entry are set",
            ));
        }
        Ok(StatusList {
            meta,
            signer,
            count,
            bits,
            verified_by: Some(verified_by),
        })
    }

    /// Whether `trust` still holds the exact key that signed this list,
    /// with the status usage and valid when the list was issued. A new
    /// trust list that drops the key, or gives its id to another key,
    /// makes this false.
    pub fn still_trusted_by(&self, trust: &TrustList) -> bool {
        self.verified_by.is_some_and(|signer_key| {
            trust.keys_with_id(self.signer).any(|key| {
                key.public == signer_key
                    && key.usage.allows(KeyUsage::STATUS)
                    && key.valid_at(self.meta.issued_at)
            })
        })
    }
}

/// Accepts the signature if a key with the signer's id, allowed to sign
/// status lists and valid when the list was issued, made it; returns that
/// key.
fn verify_signer(
    trust: &TrustList,
    signer: KeyId,
    meta: &ListMeta,
    message: &[u8],
    signature: &[u8; 64],
) -> Result<Ed25519PublicKey, TrustError> {
    let mut candidates = trust.keys_with_id(signer).peekable();
    if candidates.peek().is_none() {
        return Err(TrustError::UnknownSigner { key_id: signer });
    }
    candidates
        .find(|key| {
            key.usage.allows(KeyUsage::STATUS)
                && key.valid_at(meta.issued_at)
                && key.public.verify(message, signature)
        })
        .map(|key| key.public)
        .ok_or(TrustError::BadSignature { kind: KIND })
}

fn deflate(bits: &[u8]) -> Result<Vec<u8>, TrustError> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(bits)
        .and_then(|()| encoder.finish())
        .map_err(|e| TrustError::malformed(KIND, format!("compression failed: {e}")))
}

/// Inflates raw DEFLATE that must produce exactly `expected` bytes and end
/// exactly at the end of the input.
fn inflate_exact(compressed: &[u8], expected: usize) -> Result<Vec<u8>, TrustError> {
    // One spare byte: if the inflater fills it, the stream holds more than
    // it declared.
    let mut out = vec![0u8; expected + 1];
    let mut inflater = Decompress::new(false);
    let status = inflater
        .decompress(compressed, &mut out, FlushDecompress::Finish)
        .map_err(|e| {
            TrustError::malformed(KIND, format!("the compressed entries are corrupt: {e}"))
        })?;
    let produced = usize::try_from(inflater.total_out()).unwrap_or(usize::MAX);
    let consumed = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
    if status != Status::StreamEnd || produced != expected || consumed != compressed.len() {
        return Err(TrustError::malformed(
            KIND,
            "the compressed entries do not match the declared count",
        ));
    }
    out.truncate(expected);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bindings_entry_follows_its_card_first() {
        use CardStatus::*;
        for (card, ended, entry) in [
            (Valid, false, Valid),
            (Valid, true, BindingRevoked),
            (Suspended, false, Suspended),
            (Suspended, true, Suspended),
            (Revoked, false, Revoked),
            (Revoked, true, Revoked),
        ] {
            assert_eq!(
                CardStatus::of_binding(card, ended),
                entry,
                "{card:?} {ended}"
            );
        }
    }

    use super::*;

    #[test]
    fn statuses_pack_two_bits_each_least_significant_first() {
        let meta = ListMeta {
            sequence: 1,
            issued_at: jiff::Timestamp::from_second(1_000).unwrap(),
            expires_at: jiff::Timestamp::from_second(2_000).unwrap(),
        };
        let mut list = StatusList::new(meta, KeyId(1), 6).unwrap();
        let at = |i| StatusIndex::new(i).unwrap();
        assert!(list.set(at(0), CardStatus::Revoked));
        assert!(list.set(at(3), CardStatus::Suspended));
        assert!(list.set(at(5), CardStatus::BindingRevoked));
        assert!(!list.set(at(6), CardStatus::Revoked));
        assert_eq!(list.bits, [0b1000_0001, 0b0000_1100]);
        assert_eq!(list.status(at(0)), Some(CardStatus::Revoked));
        assert_eq!(list.status(at(1)), Some(CardStatus::Valid));
        assert_eq!(list.status(at(6)), None);
        assert!(list.set(at(0), CardStatus::Valid));
        assert_eq!(list.status(at(0)), Some(CardStatus::Valid));
        list.grow(9).unwrap();
        assert_eq!(list.bits.len(), 3);
        assert_eq!(list.status(at(8)), Some(CardStatus::Valid));
        assert_eq!(list.count_of(CardStatus::Suspended), 1);
    }

    #[test]
    fn inflation_is_exact() {
        let raw = vec![0u8; 1000];
        let compressed = deflate(&raw).unwrap();
        assert_eq!(inflate_exact(&compressed, 1000).unwrap(), raw);
        // The stream holds more than declared: stopped at the spare byte.
        assert!(inflate_exact(&compressed, 999).is_err());
        // Less than declared.
        assert!(inflate_exact(&compressed, 1001).is_err());
        // Garbage after the end of the stream.
        let mut trailing = compressed.clone();
        trailing.push(0);
        assert!(inflate_exact(&trailing, 1000).is_err());
        // Cut short.
        assert!(inflate_exact(&compressed[..compressed.len() - 1], 1000).is_err());
        assert!(inflate_exact(&[0xFF; 16], 1000).is_err());
    }

    #[test]
    fn a_bomb_stops_at_the_declared_size() {
        // 5 MB of zeros compresses to about 5 kB; declared as 1 byte,
        // inflation stops after 2 bytes.
        let bomb = deflate(&vec![0u8; 5_000_000]).unwrap();
        assert!(inflate_exact(&bomb, 1).is_err());
    }
}
