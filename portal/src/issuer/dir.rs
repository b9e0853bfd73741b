//! The test issuer's directory: keys, published lists and the card
//! registry (card numbers and status indices only, no personal data).
//!
//! ```text
//! DIR/root.key          root private key (PKCS#8 PEM, 0600)
//! DIR/root.pub          root public key, hex: the key verifiers pin
//! DIR/issuer.key        issuer private key (PKCS#8 PEM, 0600)
//! DIR/trust-list.sctl   signed trust list
//! DIR/status-list.scsl  signed status list
//! DIR/issuer.json       registry: issuer key id, card number -> status index
//! DIR/.lock             held by every read-modify-write (see `IssuerDir::lock`)
//! ```
//!
//! A development tool; writers take `DIR/.lock`, so the portal and the
//! `docket issuer` commands may share a directory.

use crate::files::{read_limited, read_text_limited, write_atomic, write_new_private};
use anyhow::{Context, Result, bail};
use docket_core::card::{Serial, StatusIndex};
use docket_core::trust::{
    Ed25519PublicKey, Ed25519SigningKey, IssuerKey, KeyId, KeyUsage, ListMeta,
    MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES, StatusList, TrustList,
};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The root private key (PKCS#8 PEM, 0600).
pub const ROOT_KEY: &str = "root.key";
/// The root public key, hex: the key verifiers pin.
pub const ROOT_PUB: &str = "root.pub";
/// The issuer private key (PKCS#8 PEM, 0600).
pub const ISSUER_KEY: &str = "issuer.key";
/// The signed trust list.
pub const TRUST_LIST: &str = "trust-list.sctl";
/// The signed status list.
pub const STATUS_LIST: &str = "status-list.scsl";
/// The registry: issuer key id, card number -> status index.
pub const REGISTRY: &str = "issuer.json";
/// The lock file every read-modify-write holds.
pub const LOCK: &str = ".lock";

/// How long a published trust list is valid.
const TRUST_LIST_VALIDITY: SignedDuration = SignedDuration::from_hours(365 * 24);
/// How long a published status list is valid (verifiers call it stale
/// sooner; see VerifierPolicy).
const STATUS_LIST_VALIDITY: SignedDuration = SignedDuration::from_hours(30 * 24);
/// How long the issuer key may sign.
const ISSUER_KEY_VALIDITY: SignedDuration = SignedDuration::from_hours(3653 * 24);
/// The status list grows in blocks, so issuing a card rarely changes it
/// and the list's length says little about how many cards exist.
const STATUS_BLOCK: u32 = 1024;
const KEY_FILE_MAX: u64 = 16 * 1024;
const REGISTRY_MAX: u64 = 64 * 1024 * 1024;

/// One issued card in the registry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegisteredCard {
    /// Card number, `XXXX-XXXX`.
    pub serial: String,
    /// Its entry in the status list.
    pub status_index: u32,
}

/// What the issuer remembers besides its keys and lists.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registry {
    /// The issuer key's id.
    pub issuer_key_id: u16,
    /// Every card issued, in order.
    pub cards: Vec<RegisteredCard>,
}

/// The issuer directory's lock (see [`IssuerDir::lock`]); released when
/// dropped.
pub struct IssuerLock {
    _file: std::fs::File,
}

/// An issuer directory on disk.
pub struct IssuerDir {
    path: PathBuf,
}

impl IssuerDir {
    /// Creates a new issuer in `path`.
    pub fn create(path: &Path, key_id: KeyId, now: Timestamp) -> Result<Self> {
        std::fs::create_dir_all(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let dir = IssuerDir {
            path: path.to_owned(),
        };
        if dir.file(REGISTRY).exists() || dir.file(ROOT_KEY).exists() {
            bail!(
                "{} already holds an issuer; choose an empty directory",
                path.display()
            );
        }
        let root = Ed25519SigningKey::generate()?;
        let issuer = Ed25519SigningKey::generate()?;
        write_new_private(&dir.file(ROOT_KEY), root.to_pkcs8_pem()?.as_bytes())?;
        write_new_private(&dir.file(ISSUER_KEY), issuer.to_pkcs8_pem()?.as_bytes())?;
        write_atomic(
            &dir.file(ROOT_PUB),
            format!("{}\n", root.public().to_hex()).as_bytes(),
        )?;
        let start_of_today =
            Timestamp::from_second(now.as_second() - now.as_second().rem_euclid(86_400))?;
        let trust_list = TrustList {
            meta: list_meta(0, now, TRUST_LIST_VALIDITY)?,
            keys: vec![IssuerKey {
                id: key_id,
                usage: KeyUsage::ALL,
                not_before: start_of_today,
                not_after: start_of_today.checked_add(ISSUER_KEY_VALIDITY)?,
                public: issuer.public(),
            }],
        };
        dir.publish_trust_list(trust_list, now)?;
        let empty = StatusList::new(list_meta(0, now, STATUS_LIST_VALIDITY)?, key_id, 0)?;
        dir.publish_status_list(empty, now)?;
        dir.save_registry(&Registry {
            issuer_key_id: key_id.0,
            cards: Vec::new(),
        })?;
        Ok(dir)
    }

    /// Opens an existing issuer directory.
    pub fn open(path: &Path) -> Result<Self> {
        let dir = IssuerDir {
            path: path.to_owned(),
        };
        if !dir.file(REGISTRY).exists() {
            bail!(
                "{} is not an issuer directory (no {REGISTRY}); create one with `docket issuer init --dir {}`",
                path.display(),
                path.display()
            );
        }
        Ok(dir)
    }

    /// The path of `name` (one of the file constants) in the directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The root public key.
    pub fn root_public(&self) -> Result<Ed25519PublicKey> {
        read_root_pin(&self.file(ROOT_PUB))
    }

    /// The issuer's signing key.
    pub fn issuer_key(&self) -> Result<Ed25519SigningKey> {
        let pem = read_text_limited(&self.file(ISSUER_KEY), KEY_FILE_MAX, "issuer key")?;
        Ok(Ed25519SigningKey::from_pkcs8_pem(&pem)?)
    }

    fn root_key(&self) -> Result<Ed25519SigningKey> {
        let pem = read_text_limited(&self.file(ROOT_KEY), KEY_FILE_MAX, "root key")?;
        Ok(Ed25519SigningKey::from_pkcs8_pem(&pem)?)
    }

    /// The registry of issued cards.
    pub fn registry(&self) -> Result<Registry> {
        let text = read_text_limited(&self.file(REGISTRY), REGISTRY_MAX, "issuer registry")?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is damaged", self.file(REGISTRY).display()))
    }

    /// Replaces the registry atomically.
    pub fn save_registry(&self, registry: &Registry) -> Result<()> {
        let mut json = serde_json::to_string_pretty(registry)?;
        json.push('\n');
        write_atomic(&self.file(REGISTRY), json.as_bytes())
    }

    /// The published trust list, checked against the root key.
    pub fn trust_list(&self) -> Result<TrustList> {
        let bytes = read_limited(
            &self.file(TRUST_LIST),
            MAX_TRUST_LIST_BYTES as u64,
            "trust list",
        )?;
        Ok(TrustList::parse_and_verify(&bytes, &[self.root_public()?])?)
    }

    /// The published status list, checked against the trust list.
    pub fn status_list(&self) -> Result<StatusList> {
        let bytes = read_limited(
            &self.file(STATUS_LIST),
            MAX_STATUS_LIST_BYTES as u64,
            "status list",
        )?;
        Ok(StatusList::parse_and_verify(&bytes, &self.trust_list()?)?)
    }

    /// The key entry cards are signed under.
    pub fn card_key_entry(&self) -> Result<IssuerKey> {
        let id = KeyId(self.registry()?.issuer_key_id);
        let public = self.issuer_key()?.public();
        self.trust_list()?
            .keys
            .into_iter()
            .find(|k| k.id == id && k.public == public)
            .context("the trust list no longer contains this issuer's key")
    }

    /// Signs and writes `list` with the next sequence number and fresh
    /// dates.
    pub fn publish_trust_list(&self, mut list: TrustList, now: Timestamp) -> Result<()> {
        list.meta = list_meta(list.meta.sequence + 1, now, TRUST_LIST_VALIDITY)?;
        write_atomic(&self.file(TRUST_LIST), &list.sign(&self.root_key()?)?)
    }

    /// Signs and writes `list` with the next sequence number and fresh
    /// dates.
    pub fn publish_status_list(&self, mut list: StatusList, now: Timestamp) -> Result<()> {
        list.meta = list_meta(list.meta.sequence + 1, now, STATUS_LIST_VALIDITY)?;
        write_atomic(&self.file(STATUS_LIST), &list.sign(&self.issuer_key()?)?)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the directory's lock, held until the guard is dropped. Every
    /// read-modify-write of the registry or a list holds it, so processes
    /// (the portal's admin calls, `docket issuer ...`) never interleave
    /// and lose a registration or a revocation.
    pub fn lock(&self) -> Result<IssuerLock> {
        let path = self.file(LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(IssuerLock { _file: file })
    }

    /// Registers a new card: a fresh card number and the next status
    /// index, growing the status list when the index is beyond it.
    pub fn register_card(&self, now: Timestamp) -> Result<(Serial, StatusIndex)> {
        let _lock = self.lock()?;
        let mut registry = self.registry()?;
        let serial = loop {
            let candidate = Serial::random()?;
            if !registry
                .cards
                .iter()
                .any(|c| c.serial == candidate.to_string())
            {
                break candidate;
            }
        };
        let next = u32::try_from(registry.cards.len()).context("too many cards")?;
        let index = StatusIndex::new(next).context("the status list is full")?;
        let mut status = self.status_list()?;
        if index.value() >= status.len() {
            status.grow((index.value() / STATUS_BLOCK + 1) * STATUS_BLOCK)?;
            self.publish_status_list(status, now)?;
        }
        registry.cards.push(RegisteredCard {
            serial: serial.to_string(),
            status_index: index.value(),
        });
        self.save_registry(&registry)?;
        Ok((serial, index))
    }

    /// The status index of a registered card.
    pub fn status_index_of(&self, serial: Serial) -> Result<StatusIndex> {
        let wanted = serial.to_string();
        let card = self
            .registry()?
            .cards
            .into_iter()
            .find(|c| c.serial == wanted)
            .with_context(|| format!("no card {wanted} was issued from {}", self.path.display()))?;
        Ok(StatusIndex::new(card.status_index)?)
    }
}

/// Reads a pinned root key file (hex).
pub fn read_root_pin(path: &Path) -> Result<Ed25519PublicKey> {
    let text = read_text_limited(path, 1024, "root key")?;
    Ed25519PublicKey::from_hex(text.trim())
        .with_context(|| format!("{} is not a root public key", path.display()))
}

fn list_meta(sequence: u64, now: Timestamp, validity: SignedDuration) -> Result<ListMeta> {
    Ok(ListMeta {
        sequence,
        issued_at: now,
        expires_at: now.checked_add(validity)?,
    })
}
