//! The officer's phone over the FFI: core's `Officer` facade, which keeps
//! its list floors and the live codes it has seen in a state directory,
//! downloads the lists itself, and refuses a live code it could not
//! record.
//!
//! Checks (`verify_text`, `scan_frame`) are synchronous: CPU work the
//! camera's queue calls frame by frame. A check that records a live code
//! writes the small state file before it answers (fail closed), so apps
//! call them off the main thread. `update_lists` and `install_lists` run on
//! the library's runtime; the download happens without the officer's lock,
//! which is taken only to read the ETags and to install.

use crate::error::DocketError;
use crate::records::{ListsUpdate, OfficerFreshness, VerdictView};
use crate::runtime::{guard, run};
use docket_core::files::create_private_dir;
use docket_core::officer::{
    FetchedLists, Officer as CoreOfficer, OfficerError, OfficerFiles, fetch_lists,
};
use docket_core::qr::GrayFrame;
use docket_core::sync::{PortalClient, PortalUrl, SyncConfig};
use docket_core::trust::Ed25519PublicKey;
use docket_core::verify::VerifierPolicy;
use jiff::Timestamp;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How an officer is opened.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OfficerConfig {
    /// The officer's directory in the app's private storage (created if
    /// missing): its state file and the lists as last installed.
    pub state_dir: String,
    /// The issuer root keys built into the app (Ed25519, hex). Must not
    /// be empty: a phone never trusts a root it is sent.
    pub root_keys: Vec<String>,
    /// The portal the lists are downloaded from; without one, lists only
    /// arrive through `install_lists`.
    pub portal_url: Option<String>,
    /// Longest wait for one list download, in milliseconds (20,000 if 0).
    pub request_timeout_ms: u64,
}

/// The officer's phone: built-in roots, the installed lists, and what it
/// must not forget. Safe to share between threads; one call at a time
/// touches its state.
#[derive(uniffi::Object)]
pub struct Officer {
    inner: Arc<Mutex<CoreOfficer>>,
    portal: Option<Portal>,
}

/// Where lists are downloaded from.
#[derive(Clone)]
struct Portal {
    client: Arc<PortalClient>,
    timeout: Duration,
}

/// Opens (or creates) the officer in `config.state_dir`: reads its state
/// (a damaged one is an error and stays as it is) and installs the lists
/// kept there over its floors.
#[uniffi::export]
pub async fn open_officer(config: OfficerConfig) -> Result<Arc<Officer>, DocketError> {
    run(async move {
        let roots = parse_root_keys(&config.root_keys)?;
        if roots.is_empty() {
            return Err(DocketError::input(
                "root_key",
                "at least one issuer root key must be built into the app",
            ));
        }
        let mut sync = SyncConfig::default();
        if config.request_timeout_ms > 0 {
            sync.request_timeout = Duration::from_millis(config.request_timeout_ms);
        }
        let portal = match &config.portal_url {
            Some(url) => {
                let url =
                    PortalUrl::parse(url).map_err(|e| DocketError::input("bad_portal_url", e))?;
                let client =
                    PortalClient::unsigned(url, &sync).map_err(|e| DocketError::Internal {
                        message: format!("cannot make the HTTP client: {e}"),
                    })?;
                Some(Portal {
                    client: Arc::new(client),
                    timeout: sync.request_timeout,
                })
            }
            None => None,
        };
        let dir = PathBuf::from(config.state_dir);
        // Reading files and checking list signatures: off the async workers.
        let officer = tokio::task::block_in_place(|| {
            create_private_dir(&dir).map_err(|e| DocketError::from(OfficerError::from(e)))?;
            CoreOfficer::open(
                OfficerFiles::in_dir(&dir),
                roots,
                VerifierPolicy::default(),
                Timestamp::now(),
            )
            .map_err(DocketError::from)
        })?;
        Ok(Arc::new(Officer {
            inner: Arc::new(Mutex::new(officer)),
            portal,
        }))
    })
    .await
}

#[uniffi::export]
impl Officer {
    /// Downloads both lists from the portal (unchanged ones answer 304)
    /// and installs them; a list that is refused or cannot be downloaded
    /// leaves the installed one. Reports each list and the freshness after.
    pub async fn update_lists(&self) -> Result<ListsUpdate, DocketError> {
        let inner = self.inner.clone();
        let portal = self.portal.clone().ok_or_else(|| {
            DocketError::input(
                "no_portal",
                "this officer was opened without a portal address, so it cannot download lists",
            )
        })?;
        run(async move {
            let etags = lock(&inner).etags();
            let fetched = fetch_lists(&portal.client, &etags, portal.timeout).await;
            tokio::task::block_in_place(|| install(&inner, fetched))
        })
        .await
    }

    /// Installs signed lists that arrived another way (both `.sctl` and
    /// `.scsl` bytes), as `update_lists` installs downloaded ones.
    pub async fn install_lists(
        &self,
        trust_list: Vec<u8>,
        status_list: Vec<u8>,
    ) -> Result<ListsUpdate, DocketError> {
        let inner = self.inner.clone();
        run(async move {
            tokio::task::block_in_place(|| {
                install(&inner, FetchedLists::given(trust_list, status_list))
            })
        })
        .await
    }

    /// Checks an SC1 text now. A live code is recorded before the answer;
    /// one that cannot be recorded is not valid (`replay_not_recorded`).
    pub fn verify_text(&self, text: String) -> Result<VerdictView, DocketError> {
        guard(|| {
            let verdict = lock(&self.inner).check_text(&text, Timestamp::now());
            Ok(VerdictView::from(&verdict))
        })
    }

    /// Scans one camera frame (8-bit luma, `row_stride` bytes per row) for
    /// an SC1 code and checks the first one found, as `verify_text`; `None`
    /// if the frame holds none. Work per frame is bounded whatever the
    /// frame holds.
    pub fn scan_frame(
        &self,
        luma: Vec<u8>,
        width: u32,
        height: u32,
        row_stride: u32,
    ) -> Result<Option<VerdictView>, DocketError> {
        guard(|| {
            let size = |v: u32| usize::try_from(v).unwrap_or(usize::MAX);
            let frame = GrayFrame::new(size(width), size(height), size(row_stride), &luma)
                .map_err(|e| DocketError::input("bad_frame", e))?;
            let checked = lock(&self.inner).check_frame(&frame, Timestamp::now());
            Ok(checked.map(|checked| VerdictView::from(&checked.verdict)))
        })
    }

    /// Whether the lists are fresh enough to check cards offline now, and
    /// why not.
    pub fn freshness(&self) -> Result<OfficerFreshness, DocketError> {
        guard(|| {
            let freshness = lock(&self.inner).freshness(Timestamp::now());
            Ok(OfficerFreshness::from(&freshness))
        })
    }
}

fn install(inner: &Mutex<CoreOfficer>, fetched: FetchedLists) -> Result<ListsUpdate, DocketError> {
    let mut officer = lock(inner);
    let now = Timestamp::now();
    let report = officer.install_fetched(fetched, now)?;
    Ok(ListsUpdate::new(&report, &officer.freshness(now)))
}

fn lock(inner: &Mutex<CoreOfficer>) -> MutexGuard<'_, CoreOfficer> {
    // A panic while checking poisons the lock; the officer's state is
    // still consistent (an update commits to memory only once saved, a
    // check's recorded code is at worst unsaved), so keep using it.
    inner
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The issuer root keys built into an app (Ed25519, hex), for a wallet or
/// an officer.
pub(crate) fn parse_root_keys(hex_keys: &[String]) -> Result<Vec<Ed25519PublicKey>, DocketError> {
    hex_keys
        .iter()
        .map(|hex| Ed25519PublicKey::from_hex(hex))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DocketError::input("root_key", e))
}
