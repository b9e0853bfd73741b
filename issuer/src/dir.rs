//! The test issuer's directory: keys, published lists and the card
//! registry (card numbers and status indices only, no personal data).
//!
//! ```text
//! DIR/root.key          root private key (PKCS#8 PEM, 0600)
//! DIR/root.pub          root public key, hex: the key verifiers pin
//! DIR/issuer.key        issuer private key (PKCS#8 PEM, 0600)
//! DIR/trust-list.sctl   signed trust list
//! DIR/status-list.scsl  signed status list
//! DIR/issuer.json       registry: issuer key id; each card number with its
//!                       status index and its bindings to phones (registry.rs)
//! DIR/.lock             held by every read-modify-write (see `IssuerDir::lock`)
//! ```
//!
//! A development tool; writers take `DIR/.lock`, so the portal and the
//! `docket issuer` commands may share a directory.

use crate::registry::{Binding, BindingEnd, EndReason, RegisteredCard, Registry};
use anyhow::{Context, Result, bail};
use docket_core::card::{Serial, StatusIndex};
use docket_core::device::DevicePublicKey;
use docket_core::files::{read_limited, read_text_limited, write_atomic, write_new_private};
use docket_core::portal_api::signing::key_id;
use docket_core::sc1::SignedCard;
use docket_core::trust::{
    CardStatus, Ed25519PublicKey, Ed25519SigningKey, IssuerKey, KeyId, KeyUsage, ListMeta,
    MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES, StatusList, TrustList,
};
use jiff::{SignedDuration, Timestamp};
use std::path::{Path, PathBuf};

/// The root private key (PKCS#8 PEM, 0600).
pub const ROOT_KEY: &str = "root.key";
/// The root public key, hex: the key verifiers pin.
pub const ROOT_PUB: &str = "root.pub";
/// The issuer private key (PKCS#8 PEM, 0600).
pub const ISSUER_KEY: &str = "issuer.key";
/// The signed trust list (named as in an officer's lists folder, so that
/// `docket verify --trust` reads an issuer directory as one).
pub const TRUST_LIST: &str = docket_core::officer::TRUST_LIST_FILE;
/// The signed status list (named as in an officer's lists folder).
pub const STATUS_LIST: &str = docket_core::officer::STATUS_LIST_FILE;
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
        Ok(write_atomic(&self.file(REGISTRY), json.as_bytes())?)
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
        Ok(write_atomic(
            &self.file(TRUST_LIST),
            &list.sign(&self.root_key()?)?,
        )?)
    }

    /// Signs and writes `list` with the next sequence number and fresh
    /// dates.
    pub fn publish_status_list(&self, mut list: StatusList, now: Timestamp) -> Result<()> {
        list.meta = list_meta(list.meta.sequence + 1, now, STATUS_LIST_VALIDITY)?;
        Ok(write_atomic(
            &self.file(STATUS_LIST),
            &list.sign(&self.issuer_key()?)?,
        )?)
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
            if !registry.has_serial(candidate) {
                break candidate;
            }
        };
        let index = registry.next_index()?;
        self.grow_to_cover(index, now)?;
        registry.cards.push(RegisteredCard {
            serial: serial.to_string(),
            status_index: index.value(),
            bindings: Vec::new(),
        });
        self.save_registry(&registry)?;
        Ok((serial, index))
    }

    /// The status index of a registered card (its own, the printed
    /// card's).
    pub fn status_index_of(&self, serial: Serial) -> Result<StatusIndex> {
        let registry = self.registry()?;
        let card = self.registered(&registry, serial)?;
        Ok(StatusIndex::new(card.status_index)?)
    }

    /// The card's status, as its own entry in the published list says.
    pub fn card_status(&self, serial: Serial) -> Result<CardStatus> {
        let index = self.status_index_of(serial)?;
        self.status_list()?
            .status(index)
            .context("the card is beyond the status list; the issuer directory is inconsistent")
    }

    /// Sets a card's status on its own entry and on every binding's (a
    /// revoked or suspended card is so on every phone; lifting it restores
    /// each binding to what it was), and publishes the list. Returns the
    /// list's new sequence.
    pub fn set_card_status(
        &self,
        serial: Serial,
        status: CardStatus,
        now: Timestamp,
    ) -> Result<u64> {
        if status == CardStatus::BindingRevoked {
            bail!("a card's own status is valid, revoked or suspended");
        }
        let _lock = self.lock()?;
        let registry = self.registry()?;
        let card = self.registered(&registry, serial)?;
        let mut list = self.status_list()?;
        set_entry(&mut list, card.status_index, status)?;
        for binding in &card.bindings {
            let entry = CardStatus::of_binding(status, binding.ended.is_some());
            set_entry(&mut list, binding.status_index, entry)?;
        }
        self.publish_status_list(list, now)?;
        Ok(self.status_list()?.meta.sequence)
    }

    /// Binds a registered printed card to a phone: the same card, with
    /// `device_key` and a status index of its own, signed again. Every
    /// earlier binding of the card still in force is ended as
    /// [`EndReason::Replaced`] (one phone per card: the lost or old phone's
    /// live code is refused once verifiers load the new list), and the list
    /// is published once with all of it.
    pub fn bind_card(
        &self,
        printed: &SignedCard,
        device_key: DevicePublicKey,
        now: Timestamp,
    ) -> Result<NewBinding> {
        if printed.card().is_bound() {
            bail!("only a printed (unbound) card can be bound to a phone");
        }
        let serial = printed.card().serial;
        let issuer_key = self.issuer_key()?;
        let _lock = self.lock()?;
        let mut registry = self.registry()?;
        let index = registry.next_index()?;
        let card = self.registered(&registry, serial)?;
        if card.status_index != printed.card().status_index.value() {
            bail!("card {serial} is registered under another status index");
        }
        self.grow_to_cover(index, now)?;
        let mut list = self.status_list()?;
        let card_status = list
            .status(StatusIndex::new(card.status_index)?)
            .context("the card is beyond the status list")?;
        let card = registry
            .card_mut(serial)
            .context("the card left the registry")?;
        let ended = end_active(card, EndReason::Replaced, now);
        for &ended_index in &ended {
            set_entry(
                &mut list,
                ended_index.value(),
                CardStatus::of_binding(card_status, true),
            )?;
        }
        set_entry(
            &mut list,
            index.value(),
            CardStatus::of_binding(card_status, false),
        )?;
        card.bindings.push(Binding {
            status_index: index.value(),
            device_key_id: key_id(&device_key),
            bound_at: now,
            ended: None,
        });
        let mut bound = printed.card().clone();
        bound.device_key = Some(device_key);
        bound.status_index = index;
        let signed =
            SignedCard::issue(&bound, &issuer_key).context("cannot sign the bound card")?;
        // The registry first: an index it records but no list marks is
        // harmless (valid, and no card names it until the portal hands one
        // out); a list that marks an index the registry forgot is not.
        self.save_registry(&registry)?;
        self.publish_status_list(list, now)?;
        Ok(NewBinding {
            card: signed,
            ended,
        })
    }

    /// Ends every binding of the card still in force (`reason`: the phone
    /// was reported lost, say) without touching the card itself or its
    /// printed copy, and publishes the list. Returns the ended indices.
    pub fn end_bindings(
        &self,
        serial: Serial,
        reason: EndReason,
        now: Timestamp,
    ) -> Result<Vec<StatusIndex>> {
        let _lock = self.lock()?;
        let mut registry = self.registry()?;
        let mut list = self.status_list()?;
        let own = StatusIndex::new(self.registered(&registry, serial)?.status_index)?;
        let card_status = list
            .status(own)
            .context("the card is beyond the status list")?;
        let card = registry
            .card_mut(serial)
            .context("the card left the registry")?;
        let ended = end_active(card, reason, now);
        if ended.is_empty() {
            return Ok(ended);
        }
        for &index in &ended {
            set_entry(
                &mut list,
                index.value(),
                CardStatus::of_binding(card_status, true),
            )?;
        }
        self.save_registry(&registry)?;
        self.publish_status_list(list, now)?;
        Ok(ended)
    }

    fn registered<'r>(&self, registry: &'r Registry, serial: Serial) -> Result<&'r RegisteredCard> {
        registry
            .card(serial)
            .with_context(|| format!("no card {serial} was issued from {}", self.path.display()))
    }

    /// Grows (and publishes) the status list so that it covers `index`,
    /// in blocks.
    fn grow_to_cover(&self, index: StatusIndex, now: Timestamp) -> Result<()> {
        let mut status = self.status_list()?;
        if index.value() >= status.len() {
            status.grow((index.value() / STATUS_BLOCK + 1) * STATUS_BLOCK)?;
            self.publish_status_list(status, now)?;
        }
        Ok(())
    }
}

/// A card bound to a phone.
#[derive(Debug, Clone)]
pub struct NewBinding {
    /// The bound card.
    pub card: SignedCard,
    /// The status indices of the bindings this one replaced.
    pub ended: Vec<StatusIndex>,
}

/// Ends the card's bindings still in force; returns their indices.
fn end_active(card: &mut RegisteredCard, reason: EndReason, now: Timestamp) -> Vec<StatusIndex> {
    card.bindings
        .iter_mut()
        .filter(|b| b.ended.is_none())
        .filter_map(|binding| {
            binding.ended = Some(BindingEnd { at: now, reason });
            StatusIndex::new(binding.status_index).ok()
        })
        .collect()
}

fn set_entry(list: &mut StatusList, index: u32, status: CardStatus) -> Result<()> {
    if !list.set(StatusIndex::new(index)?, status) {
        bail!(
            "status index {index} is beyond the status list; the issuer directory is inconsistent"
        );
    }
    Ok(())
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
