//! The holder's facade: the one API the CLI and the phone bindings use.
//! It owns the store's thread, the device key and the portal client, and
//! answers in what a screen shows. Every call is async and never blocks
//! an async worker: database work goes to the store's thread.

mod device_key;
mod error;

pub use device_key::DeviceKeyState;
pub use error::WalletError;
pub(crate) use error::device_key_message;

use crate::device::DeviceSigner;
use crate::files::StorageProblem;
use crate::outbox::{AddressChange, CheckIn, ItemId, OutboxItem};
use crate::sc1::LivePresentation;
use crate::store::{Enrollment, HearingCache, LoadedCard, SecretStore, StoreThread};
use crate::sync::{
    EnrollError, Enrolled, HearingsRefresh, PortalClient, PortalUrl, SyncConfig, SyncError,
    SyncOptions, SyncReport, run_pass,
};
use crate::trust::Ed25519PublicKey;
use crate::verify::Reason;
use jiff::Timestamp;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Everything a wallet needs from its platform.
pub struct WalletSetup {
    /// The database file (created on first open).
    pub database: PathBuf,
    /// Where the database key lives (Keystore / Keychain on a phone).
    pub secrets: Box<dyn SecretStore + Send>,
    /// The device key (hardware-backed on a phone).
    pub device_key: Arc<dyn DeviceSigner + Send + Sync>,
    /// The issuer roots built into the app. Empty only for the desktop
    /// stand-in, which pins the portal's root at enrollment.
    pub roots: Vec<Ed25519PublicKey>,
    /// Timeouts and backoff.
    pub sync: SyncConfig,
}

/// An open wallet.
pub struct Wallet {
    store: StoreThread,
    device_key: Arc<dyn DeviceSigner + Send + Sync>,
    built_in_roots: Vec<Ed25519PublicKey>,
    config: SyncConfig,
    client: Mutex<Option<Arc<PortalClient>>>,
    /// The key store against the card, as last checked.
    key_state: Mutex<DeviceKeyState>,
    /// One sync pass (or enrollment) at a time.
    busy: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet").finish_non_exhaustive()
    }
}

impl Wallet {
    /// Opens (or creates) the wallet. Interrupted sends go back to the
    /// queue here, and the key store's key is compared with the card's
    /// ([`Wallet::device_key_state`]); a lost key does not stop the wallet
    /// from opening (the card and the queue are still shown), it stops
    /// every signature.
    pub async fn open(setup: WalletSetup) -> Result<Wallet, WalletError> {
        let store = StoreThread::open(setup.database, setup.secrets).await?;
        let policy = setup.sync.retry_policy;
        store
            .run(move |s| {
                s.set_retry_policy(policy);
                Ok(())
            })
            .await?;
        let wallet = Wallet {
            store,
            device_key: setup.device_key,
            built_in_roots: setup.roots,
            config: setup.sync,
            client: Mutex::new(None),
            key_state: Mutex::new(DeviceKeyState::Unchecked),
            busy: tokio::sync::Mutex::new(()),
        };
        // A card that cannot be read here is reported by the call that
        // needs it; the wallet still opens so the queue can be shown.
        let _ = wallet.device_key_state().await;
        Ok(wallet)
    }

    /// Compares the key store's key with the enrolled card's, now.
    pub async fn device_key_state(&self) -> Result<DeviceKeyState, WalletError> {
        let card = self.card().await?;
        let state = DeviceKeyState::of(
            card.as_ref()
                .and_then(|c| c.card.card().device_key.as_ref()),
            self.device_key.as_ref(),
        );
        if let Ok(mut slot) = self.key_state.lock() {
            *slot = state.clone();
        }
        Ok(state)
    }

    /// The key state found when the wallet opened or last checked, without
    /// asking the key store again.
    pub fn last_device_key_state(&self) -> DeviceKeyState {
        self.key_state
            .lock()
            .map(|state| state.clone())
            .unwrap_or(DeviceKeyState::Unchecked)
    }

    /// Refuses to go on when the key store's key is not the card's.
    async fn require_card_key(&self) -> Result<(), WalletError> {
        match self.device_key_state().await? {
            lost if lost.is_lost() => Err(WalletError::DeviceKey(lost)),
            _ => Ok(()),
        }
    }

    /// Starts over with a new, empty wallet, then opens it as
    /// [`Wallet::open`] does. Only for a holder whose wallet data is gone
    /// ([`StoreError::DatabaseMissing`](crate::store::StoreError::DatabaseMissing))
    /// and who confirmed it: see [`Store::start_over`](crate::store::Store::start_over),
    /// which never replaces a database that holds anything.
    pub async fn start_over(setup: WalletSetup) -> Result<Wallet, WalletError> {
        let WalletSetup {
            database,
            secrets,
            device_key,
            roots,
            sync,
        } = setup;
        let secrets = StoreThread::start_over(database.clone(), secrets).await?;
        Wallet::open(WalletSetup {
            database,
            secrets,
            device_key,
            roots,
            sync,
        })
        .await
    }

    /// Why the wallet's data is open read-only (the phone's storage is full
    /// or read-only), or `None` if it can be written. While it is, the
    /// card, hearings and outbox read as usual and every change is refused
    /// with `disk_full` or `read_only` before anything is written.
    pub fn storage_problem(&self) -> Option<StorageProblem> {
        self.store.storage_problem()
    }

    /// Enrolls with the printed card's QR text and the activation code.
    ///
    /// A wallet that already holds a card enrolls again only when that is
    /// the way out: the key store lost the card's key, or the card's
    /// binding to this phone ended (`binding_revoked`). Then only the same
    /// card may be enrolled, and after it the items the portal turned away
    /// as not authorised go back in the queue, to be sent under their
    /// original keys by the new binding (the portal answers one it already
    /// has as it did the first time).
    pub async fn enroll(
        &self,
        portal_url: &str,
        card_qr: &str,
        activation_code: &str,
    ) -> Result<Enrolled, EnrollError> {
        let _busy = self.busy.lock().await;
        let url = PortalUrl::parse(portal_url)?;
        let replacing = self.card_to_replace().await?;
        let client = PortalClient::new(url, self.device_key.clone(), &self.config)?;
        let enrolled = crate::sync::enroll(
            &self.store,
            &client,
            &self.built_in_roots,
            card_qr,
            activation_code,
            &self.config,
            replacing,
        )
        .await?;
        self.set_client(Some(Arc::new(client)));
        if replacing.is_some() {
            self.store
                .run(|s| s.requeue_not_authorized(Timestamp::now()))
                .await?;
        }
        if let Ok(mut slot) = self.key_state.lock() {
            *slot = DeviceKeyState::Bound;
        }
        Ok(enrolled)
    }

    /// The card number an enrollment must present when this wallet
    /// already holds an enrolled card, or `None` for a first enrollment
    /// (or one that was interrupted before its last step).
    async fn card_to_replace(&self) -> Result<Option<crate::card::Serial>, EnrollError> {
        if self.store.run(|s| s.enrollment()).await?.is_none() {
            return Ok(None);
        }
        let card = self.card().await.map_err(|e| match e {
            WalletError::Store(e) => EnrollError::Store(e),
            _ => EnrollError::AlreadyEnrolled,
        })?;
        let Some(card) = card else {
            return Ok(None);
        };
        let binding_ended = card.verdict.reasons.contains(&Reason::BindingRevoked);
        match DeviceKeyState::of(
            card.card.card().device_key.as_ref(),
            self.device_key.as_ref(),
        ) {
            state if state.is_lost() || binding_ended => Ok(Some(card.card.card().serial)),
            DeviceKeyState::Unavailable(error) => Err(EnrollError::Signer(error)),
            _ => Err(EnrollError::AlreadyEnrolled),
        }
    }

    /// Where and when the wallet enrolled; `None` before enrollment.
    pub async fn enrollment(&self) -> Result<Option<Enrollment>, WalletError> {
        Ok(self.store.run(|s| s.enrollment()).await?)
    }

    /// The card, re-verified now against the stored trust data; `None`
    /// before enrollment.
    pub async fn card(&self) -> Result<Option<LoadedCard>, WalletError> {
        let roots = self.roots().await?;
        Ok(self
            .store
            .run(move |s| {
                let now = Timestamp::now();
                let (trust, _) = s.trust_data()?.to_trust_store(roots, now);
                s.load_card(&trust, now)
            })
            .await?)
    }

    /// A fresh live presentation of the card, signed by the device key.
    pub async fn live_presentation(&self) -> Result<LivePresentation, WalletError> {
        let card = self.card().await?.ok_or(WalletError::NotEnrolled)?;
        let state = DeviceKeyState::of(
            card.card.card().device_key.as_ref(),
            self.device_key.as_ref(),
        );
        if state.is_lost() {
            return Err(WalletError::DeviceKey(state));
        }
        Ok(LivePresentation::create(
            &card.card,
            self.device_key.as_ref(),
            Timestamp::now(),
        )?)
    }

    /// The cached hearings; `None` before the first fetch.
    pub async fn hearings(&self) -> Result<Option<HearingCache>, WalletError> {
        Ok(self.store.run(|s| s.hearing_cache()).await?)
    }

    /// Queues a check-in made now. On disk when this returns.
    pub async fn check_in(&self, check_in: CheckIn) -> Result<OutboxItem, WalletError> {
        Ok(self
            .store
            .run(move |s| s.enqueue_check_in(check_in, Timestamp::now()))
            .await?)
    }

    /// Queues a change of address. On disk when this returns.
    pub async fn report_move(&self, change: AddressChange) -> Result<OutboxItem, WalletError> {
        Ok(self
            .store
            .run(move |s| s.enqueue_address_change(change, Timestamp::now()))
            .await?)
    }

    /// Items not yet confirmed by the portal, oldest first.
    pub async fn pending(&self) -> Result<Vec<OutboxItem>, WalletError> {
        Ok(self.store.run(|s| s.pending()).await?)
    }

    /// Items the portal confirmed, newest first.
    pub async fn history(&self) -> Result<Vec<OutboxItem>, WalletError> {
        Ok(self.store.run(|s| s.history()).await?)
    }

    /// Sends an item again (same idempotency key) at the next sync.
    pub async fn resend(&self, id: ItemId) -> Result<OutboxItem, WalletError> {
        Ok(self
            .store
            .run(move |s| s.resend(id, Timestamp::now()))
            .await?)
    }

    /// Deletes an item the portal never received or refused.
    pub async fn discard(&self, id: ItemId) -> Result<(), WalletError> {
        Ok(self.store.run(move |s| s.discard(id)).await?)
    }

    /// When the next queued item is due, for scheduling background work.
    pub async fn next_attempt_at(&self) -> Result<Option<Timestamp>, WalletError> {
        Ok(self.store.run(|s| s.next_attempt_at()).await?)
    }

    /// One sync pass (see [`crate::sync`]). Passes never overlap: a second
    /// caller waits for the first.
    pub async fn sync(&self, options: SyncOptions) -> Result<SyncReport, SyncError> {
        let _busy = self.busy.lock().await;
        self.require_card_key().await.map_err(sync_error)?;
        let client = self.client().await?;
        let roots = self.roots().await.map_err(sync_error)?;
        run_pass(&self.store, &client, roots, &self.config, &options).await
    }

    /// Refreshes the hearings only (the hearings screen's pull to
    /// refresh). A failed request is reported in the result, not as an
    /// error: the cached list stays.
    pub async fn refresh_hearings(&self) -> Result<HearingsRefresh, SyncError> {
        let _busy = self.busy.lock().await;
        self.require_card_key().await.map_err(sync_error)?;
        let client = self.client().await?;
        Ok(
            match crate::sync::refresh_hearings(&self.store, &client, self.config.request_timeout)
                .await?
            {
                Ok(refresh) => refresh,
                Err(error) => HearingsRefresh::Failed(error.to_string()),
            },
        )
    }

    /// The roots cards are checked against: the app's, or the one pinned
    /// at enrollment by the desktop stand-in.
    async fn roots(&self) -> Result<Vec<Ed25519PublicKey>, WalletError> {
        if !self.built_in_roots.is_empty() {
            return Ok(self.built_in_roots.clone());
        }
        let enrollment = self.enrollment().await?;
        Ok(enrollment.and_then(|e| e.trust_root).into_iter().collect())
    }

    async fn client(&self) -> Result<Arc<PortalClient>, SyncError> {
        if let Some(client) = self.current_client() {
            return Ok(client);
        }
        let enrollment = self
            .store
            .run(|s| s.enrollment())
            .await?
            .ok_or(SyncError::NotEnrolled)?;
        let url = PortalUrl::parse(&enrollment.portal_url)?;
        let client = Arc::new(PortalClient::new(
            url,
            self.device_key.clone(),
            &self.config,
        )?);
        self.set_client(Some(client.clone()));
        Ok(client)
    }

    fn current_client(&self) -> Option<Arc<PortalClient>> {
        self.client.lock().ok().and_then(|c| c.clone())
    }

    fn set_client(&self, client: Option<Arc<PortalClient>>) {
        if let Ok(mut slot) = self.client.lock() {
            *slot = client;
        }
    }
}

/// A wallet error met while starting a sync pass.
fn sync_error(error: WalletError) -> SyncError {
    match error {
        WalletError::Store(e) => SyncError::Store(e),
        WalletError::DeviceKey(state) => SyncError::DeviceKey(state),
        WalletError::NotEnrolled | WalletError::Live(_) => SyncError::NotEnrolled,
    }
}
