//! The holder's wallet over the FFI: core's `Wallet`, every call on the
//! library's runtime, answers as records.

use crate::enums::{DeviceKeyStatus, ListUpdate, StorageStatus};
use crate::error::DocketError;
use crate::officer::parse_root_keys;
use crate::platform::{
    ForeignSecrets, ForeignSigner, KeyStore, LogLevel, SecretStore, log, platform_call,
    signer_error,
};
use crate::records::{
    AddressInput, CardView, EnrollmentSummary, HearingChangesView, HearingView, HearingsView,
    OutboxItemView, QrCode, SyncSummary, VerdictView,
};
use crate::runtime::run;
use docket_core::hearings::{staleness, upcoming};
use docket_core::outbox::{AddressChange, CheckIn, ItemId, OutboxItem, RetryPolicy, UsAddress};
use docket_core::qr::QrMatrix;
use docket_core::sync::{HearingsRefresh, ItemOutcome, SyncConfig, SyncOptions};
use docket_core::wallet::{Wallet as CoreWallet, WalletSetup};
use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How a wallet is opened.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletConfig {
    /// The database file (created on first open), in the app's private
    /// storage.
    pub database_path: String,
    /// The issuer root keys built into the app (Ed25519, hex). Must not
    /// be empty: a phone never trusts a root it is sent.
    pub root_keys: Vec<String>,
    /// Longest wait for one portal request, in milliseconds (20,000 if 0).
    pub request_timeout_ms: u64,
    /// First retry delay in milliseconds; it doubles per attempt (10,000
    /// if 0). Tests shorten it.
    pub retry_base_ms: u64,
}

/// Told when the outbox or the hearings change, so screens can follow
/// (the Kotlin facade makes Flows of it, the Swift one AsyncStreams).
#[uniffi::export(with_foreign)]
pub trait WalletObserver: Send + Sync {
    /// The items not yet confirmed, after any change to the outbox.
    fn outbox_changed(&self, pending: Vec<OutboxItemView>);
    /// A hearing refresh found changes.
    fn hearings_changed(&self, changes: HearingChangesView);
}

/// The holder's wallet.
#[derive(uniffi::Object)]
pub struct Wallet {
    inner: Arc<CoreWallet>,
    observer: Arc<Observer>,
}

/// The observer slot, and the order of its outbox notifications: each one
/// reads the pending list and delivers it under one lock, so the last list
/// an observer receives is always the current one.
#[derive(Default)]
struct Observer {
    slot: RwLock<Option<Arc<dyn WalletObserver>>>,
    outbox_order: tokio::sync::Mutex<()>,
}

/// Opens (or creates) the wallet: creates the device key in the key store
/// if needed, opens the database with the key from the secret store, and
/// puts interrupted sends back in the queue.
#[uniffi::export]
pub async fn open_wallet(
    config: WalletConfig,
    key_store: Arc<dyn KeyStore>,
    secret_store: Arc<dyn SecretStore>,
) -> Result<Arc<Wallet>, DocketError> {
    run(async move {
        let inner = CoreWallet::open(wallet_setup(config, key_store, secret_store)?).await?;
        Ok(Arc::new(Wallet {
            inner: Arc::new(inner),
            observer: Arc::new(Observer::default()),
        }))
    })
    .await
}

/// Starts over with a new, empty wallet where the wallet's data is gone
/// (`database_missing` from [`open_wallet`]). Call it only after the
/// holder confirmed: it never touches a database that holds anything
/// (`database_exists`), and the holder enrolls again afterwards.
#[uniffi::export]
pub async fn start_over_wallet(
    config: WalletConfig,
    key_store: Arc<dyn KeyStore>,
    secret_store: Arc<dyn SecretStore>,
) -> Result<Arc<Wallet>, DocketError> {
    run(async move {
        let setup = wallet_setup(config, key_store, secret_store)?;
        let inner = CoreWallet::start_over(setup).await?;
        Ok(Arc::new(Wallet {
            inner: Arc::new(inner),
            observer: Arc::new(Observer::default()),
        }))
    })
    .await
}

/// What core's wallet opens with: the built-in roots (required), the
/// device key (created in the key store if missing), the secret store.
fn wallet_setup(
    config: WalletConfig,
    key_store: Arc<dyn KeyStore>,
    secret_store: Arc<dyn SecretStore>,
) -> Result<WalletSetup, DocketError> {
    let roots = parse_root_keys(&config.root_keys)?;
    if roots.is_empty() {
        return Err(DocketError::input(
            "root_key",
            "at least one issuer root key must be built into the app",
        ));
    }
    platform_call(|| key_store.create_key()).map_err(signer_error)?;
    Ok(WalletSetup {
        database: config.database_path.into(),
        secrets: Box::new(ForeignSecrets(secret_store)),
        device_key: Arc::new(ForeignSigner(key_store)),
        roots,
        sync: sync_config(config.request_timeout_ms, config.retry_base_ms),
    })
}

fn sync_config(request_timeout_ms: u64, retry_base_ms: u64) -> SyncConfig {
    let defaults = SyncConfig::default();
    let mut config = defaults;
    if request_timeout_ms > 0 {
        config.request_timeout = Duration::from_millis(request_timeout_ms);
    }
    if retry_base_ms > 0 {
        let base = SignedDuration::from_millis(i64::try_from(retry_base_ms).unwrap_or(i64::MAX));
        config.retry_policy = RetryPolicy {
            base,
            // Cannot overflow: i64::MAX ms is ~9.2e15 s, and 180 times
            // that is below SignedDuration::MAX (~9.2e18 s).
            cap: defaults.retry_policy.cap.min(base * 180),
            ..defaults.retry_policy
        };
    }
    config
}

#[uniffi::export]
impl Wallet {
    /// Sets (or removes) the observer of outbox and hearing changes.
    pub fn set_observer(&self, observer: Option<Arc<dyn WalletObserver>>) {
        if let Ok(mut slot) = self.observer.slot.write() {
            *slot = observer;
        }
    }

    /// Enrolls with the printed card's QR text and the activation code.
    pub async fn enroll(
        &self,
        portal_url: String,
        card_qr: String,
        activation_code: String,
    ) -> Result<EnrollmentSummary, DocketError> {
        let inner = self.inner.clone();
        run(async move {
            let enrolled = inner
                .enroll(&portal_url, &card_qr, &activation_code)
                .await?;
            log(LogLevel::Info, "enrolled".to_owned());
            Ok(EnrollmentSummary {
                verdict: VerdictView::from(&enrolled.verdict),
                hearings: u32::try_from(enrolled.hearings).unwrap_or(u32::MAX),
            })
        })
        .await
    }

    /// The card, re-verified now, with whether this phone still holds
    /// its key (checked now) and whether storage takes writes; `None`
    /// before enrollment.
    pub async fn card(&self) -> Result<Option<CardView>, DocketError> {
        let inner = self.inner.clone();
        run(async move {
            let Some(card) = inner.card().await? else {
                return Ok(None);
            };
            let key = inner.device_key_state().await?;
            Ok(Some(CardView {
                verdict: VerdictView::from(&card.verdict),
                photo: card.photo,
                device_key: DeviceKeyStatus::from(&key),
                storage: StorageStatus::from(inner.storage_problem()),
            }))
        })
        .await
    }

    /// A fresh live QR code (card + the device key's signature over now).
    pub async fn live_qr(&self) -> Result<QrCode, DocketError> {
        let inner = self.inner.clone();
        run(async move {
            let live = inner.live_presentation().await?;
            let text = live.to_text();
            let matrix = QrMatrix::encode(&text).map_err(|e| DocketError::Internal {
                message: e.to_string(),
            })?;
            let size = matrix.width();
            let modules = matrix
                .rows()
                .flat_map(|row| row.iter().map(|&dark| u8::from(dark)))
                .collect();
            Ok(QrCode {
                text,
                version: matrix.version(),
                size: u32::try_from(size).unwrap_or(0),
                modules,
                made_at_unix: live.timestamp().as_second(),
            })
        })
        .await
    }

    /// The cached hearings, upcoming first, and how fresh they are.
    pub async fn hearings(&self) -> Result<HearingsView, DocketError> {
        let inner = self.inner.clone();
        run(async move {
            let cache = inner.hearings().await?;
            let now = Timestamp::now();
            let fresh = staleness(cache.as_ref().map(|c| c.fetched_at), now);
            let list = cache
                .as_ref()
                .map(|c| c.hearings.as_slice())
                .unwrap_or_default();
            Ok(HearingsView {
                upcoming: upcoming(list, now)
                    .into_iter()
                    .map(HearingView::from)
                    .collect(),
                freshness: fresh.level.into(),
                fetched_at_unix: cache.map(|c| c.fetched_at.as_second()),
            })
        })
        .await
    }

    /// Queues a check-in; on disk when this returns.
    pub async fn check_in(&self, note: Option<String>) -> Result<OutboxItemView, DocketError> {
        let inner = self.inner.clone();
        let observer = self.observer.clone();
        run(async move {
            let check_in =
                CheckIn::new(note.as_deref()).map_err(|e| DocketError::input(e.code(), &e))?;
            let item = inner.check_in(check_in).await?;
            notify_outbox(&inner, &observer).await;
            Ok(OutboxItemView::from(&item))
        })
        .await
    }

    /// Queues a change of address (`moved_on` is `YYYY-MM-DD`; `today` is
    /// the phone's date, which bounds it).
    pub async fn report_move(
        &self,
        address: AddressInput,
        moved_on: String,
        today: String,
    ) -> Result<OutboxItemView, DocketError> {
        let inner = self.inner.clone();
        let observer = self.observer.clone();
        // Validation runs inside `run` too, so even a panic in it comes
        // back as an error.
        run(async move {
            let address = UsAddress::new(
                &address.street1,
                address.street2.as_deref(),
                &address.city,
                &address.state,
                &address.zip,
            )
            .map_err(|e| DocketError::input(e.code(), &e))?;
            let date = |text: &str, field: &str| {
                text.parse::<jiff::civil::Date>().map_err(|_| {
                    DocketError::input(
                        "bad_date",
                        format!("{field} {text:?} is not a date like 2026-11-20"),
                    )
                })
            };
            let change = AddressChange::new(
                address,
                date(&moved_on, "moved_on")?,
                date(&today, "today")?,
            )
            .map_err(|e| DocketError::input(e.code(), &e))?;
            let item = inner.report_move(change).await?;
            notify_outbox(&inner, &observer).await;
            Ok(OutboxItemView::from(&item))
        })
        .await
    }

    /// Items not yet confirmed, oldest first.
    pub async fn pending(&self) -> Result<Vec<OutboxItemView>, DocketError> {
        let inner = self.inner.clone();
        run(async move { Ok(views(&inner.pending().await?)) }).await
    }

    /// Items the portal confirmed, newest first.
    pub async fn history(&self) -> Result<Vec<OutboxItemView>, DocketError> {
        let inner = self.inner.clone();
        run(async move { Ok(views(&inner.history().await?)) }).await
    }

    /// Sends an item again at the next sync, under the same key.
    pub async fn resend(&self, id: i64) -> Result<OutboxItemView, DocketError> {
        let inner = self.inner.clone();
        let observer = self.observer.clone();
        run(async move {
            let item = inner.resend(ItemId(id)).await?;
            notify_outbox(&inner, &observer).await;
            Ok(OutboxItemView::from(&item))
        })
        .await
    }

    /// Deletes an item the portal never received or refused.
    pub async fn discard(&self, id: i64) -> Result<(), DocketError> {
        let inner = self.inner.clone();
        let observer = self.observer.clone();
        run(async move {
            inner.discard(ItemId(id)).await?;
            notify_outbox(&inner, &observer).await;
            Ok(())
        })
        .await
    }

    /// One sync pass: the outbox, then hearings, then trust data. Stops
    /// cleanly `deadline_ms` from now (iOS background tasks get about
    /// 30 s); with `wait_for_retries`, waits out backoffs until then.
    pub async fn sync(
        &self,
        deadline_ms: Option<u64>,
        wait_for_retries: bool,
    ) -> Result<SyncSummary, DocketError> {
        let inner = self.inner.clone();
        let observer = self.observer.clone();
        run(async move {
            let options = SyncOptions {
                // A deadline past what the clock can hold is no deadline.
                deadline: deadline_ms
                    .and_then(|ms| Instant::now().checked_add(Duration::from_millis(ms))),
                wait_for_retries,
                expedite: false,
                outbox_only: false,
                progress: None,
            };
            let report = inner.sync(options).await?;
            let count = |f: fn(&ItemOutcome) -> bool| {
                u32::try_from(report.items.iter().filter(|(_, _, o)| f(o)).count())
                    .unwrap_or(u32::MAX)
            };
            let hearing_changes = match &report.hearings {
                HearingsRefresh::Updated(changes) if !changes.is_empty() => {
                    Some(HearingChangesView::from(changes))
                }
                _ => None,
            };
            let summary = SyncSummary {
                stop: report.stop.into(),
                sent: count(|o| matches!(o, ItemOutcome::Sent(_))),
                parked: count(|o| matches!(o, ItemOutcome::Parked(_))),
                retrying: count(|o| matches!(o, ItemOutcome::WillRetry { .. })),
                still_pending: u32::try_from(report.still_pending).unwrap_or(u32::MAX),
                next_attempt_at_unix: report.next_attempt_at.map(Timestamp::as_second),
                hearing_changes: hearing_changes.clone(),
                trust_list: ListUpdate::from(&report.trust_list),
                status_list: ListUpdate::from(&report.status_list),
            };
            log(
                LogLevel::Info,
                format!(
                    "sync {:?}: sent {}, parked {}, retrying {}, pending {}",
                    summary.stop,
                    summary.sent,
                    summary.parked,
                    summary.retrying,
                    summary.still_pending
                ),
            );
            if !report.items.is_empty() {
                notify_outbox(&inner, &observer).await;
            }
            if let (Some(changes), Some(observer)) = (hearing_changes, current(&observer)) {
                platform_call(|| observer.hearings_changed(changes));
            }
            Ok(summary)
        })
        .await
    }
}

fn views(items: &[OutboxItem]) -> Vec<OutboxItemView> {
    items.iter().map(OutboxItemView::from).collect()
}

fn current(observer: &Observer) -> Option<Arc<dyn WalletObserver>> {
    observer.slot.read().ok().and_then(|slot| slot.clone())
}

/// Tells the observer the pending list after a change (nothing if none is
/// set, or if the list cannot be read: the change itself succeeded).
async fn notify_outbox(inner: &CoreWallet, observer: &Observer) {
    let Some(target) = current(observer) else {
        return;
    };
    let _in_order = observer.outbox_order.lock().await;
    match inner.pending().await {
        Ok(pending) => platform_call(|| target.outbox_changed(views(&pending))),
        Err(error) => log(
            LogLevel::Warn,
            format!("outbox not readable: {}", error.code()),
        ),
    }
}
