//! The trust list: the issuer keys, signed by a root key the app pins.

use super::ed25519::{Ed25519PublicKey, Ed25519SigningKey};
use super::error::{ListKind, TrustError};
use super::keys::{IssuerKey, KeyId, KeyUsage};
use super::meta::{
    LIST_VERSION, ListMeta, open_list, signed_message, timestamp_from_wire, timestamp_to_wire,
};
use crate::encoding::reader::Reader;

const KIND: ListKind = ListKind::TrustList;
const MAGIC: &[u8; 4] = b"SCTL";
/// Domain separation: a root signature over anything else is never a trust
/// list signature.
const DOMAIN: &[u8] = b"SC1/trust-list\0";
const SIGNATURE_LEN: usize = 64;
const HEADER_LEN: usize = 4 + 1 + 3 * 8 + 1;
const KEY_ENTRY_LEN: usize = 2 + 1 + 8 + 8 + 32;

/// Most issuer keys one trust list may carry.
pub const MAX_TRUST_LIST_KEYS: usize = 64;
/// Largest possible trust list in bytes; anything larger is refused unread.
pub const MAX_TRUST_LIST_BYTES: usize =
    HEADER_LEN + MAX_TRUST_LIST_KEYS * KEY_ENTRY_LEN + SIGNATURE_LEN;

/// The issuer keys a verifier trusts, with the list's dating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    /// Sequence and validity of the list itself.
    pub meta: ListMeta,
    /// The keys, in the order the issuer listed them.
    pub keys: Vec<IssuerKey>,
}

impl TrustList {
    /// Encodes and signs the list with the root key.
    pub fn sign(&self, root: &Ed25519SigningKey) -> Result<Vec<u8>, TrustError> {
        self.check()?;
        let mut out =
            Vec::with_capacity(HEADER_LEN + self.keys.len() * KEY_ENTRY_LEN + SIGNATURE_LEN);
        out.extend_from_slice(MAGIC);
        out.push(LIST_VERSION);
        self.meta.write(&mut out);
        // check() bounds the count by MAX_TRUST_LIST_KEYS, which fits a byte.
        out.push(u8::try_from(self.keys.len()).unwrap_or(u8::MAX));
        for key in &self.keys {
            out.extend_from_slice(&key.id.0.to_be_bytes());
            out.push(key.usage.bits());
            out.extend_from_slice(&timestamp_to_wire(key.not_before).to_be_bytes());
            out.extend_from_slice(&timestamp_to_wire(key.not_after).to_be_bytes());
            out.extend_from_slice(&key.public.to_bytes());
        }
        let signature = root.sign(&signed_message(DOMAIN, &out));
        out.extend_from_slice(&signature);
        Ok(out)
    }

    /// Parses a signed list and checks its signature against the pinned
    /// roots. Dating and sequence are checked by the trust store.
    pub fn parse_and_verify(bytes: &[u8], roots: &[Ed25519PublicKey]) -> Result<Self, TrustError> {
        let bad = |e| TrustError::malformed(KIND, e);
        open_list(bytes, KIND, MAGIC, MAX_TRUST_LIST_BYTES)?;
        let body_len = bytes
            .len()
            .checked_sub(SIGNATURE_LEN)
            .ok_or_else(|| TrustError::malformed(KIND, "it is too short to carry a signature"))?;
        let (body, signature) = bytes.split_at(body_len);
        let signature: &[u8; 64] = signature
            .try_into()
            .map_err(|_| TrustError::BadSignature { kind: KIND })?;
        let message = signed_message(DOMAIN, body);
        if !roots.iter().any(|root| root.verify(&message, signature)) {
            return Err(TrustError::BadSignature { kind: KIND });
        }
        let mut reader = Reader::new(body);
        reader.take("header", 5).map_err(bad)?;
        let meta = ListMeta::read(&mut reader, KIND)?;
        let count = usize::from(reader.u8("key count").map_err(bad)?);
        let mut keys = Vec::with_capacity(count.min(MAX_TRUST_LIST_KEYS));
        for _ in 0..count {
            keys.push(read_key(&mut reader)?);
        }
        reader.finish().map_err(bad)?;
        let list = TrustList { meta, keys };
        list.check()?;
        Ok(list)
    }

    /// Every key with this id (usually one; short ids may collide).
    pub fn keys_with_id(&self, id: KeyId) -> impl Iterator<Item = &IssuerKey> {
        self.keys.iter().filter(move |key| key.id == id)
    }

    fn check(&self) -> Result<(), TrustError> {
        self.meta.check(KIND)?;
        if self.keys.is_empty() || self.keys.len() > MAX_TRUST_LIST_KEYS {
            return Err(TrustError::malformed(
                KIND,
                format!(
                    "it must carry 1 to {MAX_TRUST_LIST_KEYS} keys, not {}",
                    self.keys.len()
                ),
            ));
        }
        for (index, key) in self.keys.iter().enumerate() {
            if key.not_after < key.not_before {
                return Err(TrustError::malformed(
                    KIND,
                    format!("key {} ends before it starts", key.id),
                ));
            }
            if self
                .keys
                .iter()
                .skip(index + 1)
                .any(|other| other.id == key.id && other.public == key.public)
            {
                return Err(TrustError::malformed(
                    KIND,
                    format!("key {} is listed twice", key.id),
                ));
            }
        }
        Ok(())
    }
}

fn read_key(reader: &mut Reader<'_>) -> Result<IssuerKey, TrustError> {
    let bad = |e| TrustError::malformed(KIND, e);
    let id = KeyId(reader.u16("key id").map_err(bad)?);
    let usage_bits = reader.u8("key usage").map_err(bad)?;
    let usage = KeyUsage::from_bits(usage_bits).ok_or_else(|| {
        TrustError::malformed(
            KIND,
            format!("key {id} has unknown usage bits {usage_bits:#04x}"),
        )
    })?;
    let not_before = timestamp_from_wire(reader.u64("not_before").map_err(bad)?, KIND)?;
    let not_after = timestamp_from_wire(reader.u64("not_after").map_err(bad)?, KIND)?;
    let public = Ed25519PublicKey::from_bytes(&reader.array("public key").map_err(bad)?)
        .map_err(|e| TrustError::malformed(KIND, format!("key {id}: {e}")))?;
    Ok(IssuerKey {
        id,
        usage,
        not_before,
        not_after,
        public,
    })
}
