//! Trust material: the keys an officer's phone trusts and the revocation
//! data it checks, both signed, dated and sequenced so that they can be
//! carried offline and never go backwards.
//!
//! The chain: a root key pinned in the app signs the *trust list* of issuer
//! keys; an issuer key with the status usage signs the *status list*; an
//! issuer key with the cards usage signs each card. Binary layouts are in
//! docs/sc1-format.md, "Trust list" and "Status list".

mod ed25519;
mod error;
mod keys;
mod meta;
mod status_list;
mod store;
mod trust_list;

pub use ed25519::{Ed25519KeyError, Ed25519KeyFileError, Ed25519PublicKey, Ed25519SigningKey};
pub use error::{ListKind, TrustError};
pub use keys::{IssuerKey, KeyId, KeyUsage};
pub use meta::ListMeta;
pub use status_list::{CardStatus, MAX_STATUS_LIST_BYTES, MAX_STATUS_LIST_ENTRIES, StatusList};
pub use store::{ISSUE_TIME_TOLERANCE, InstallOutcome, ListFloor, TrustStore};
pub use trust_list::{MAX_TRUST_LIST_BYTES, MAX_TRUST_LIST_KEYS, TrustList};
