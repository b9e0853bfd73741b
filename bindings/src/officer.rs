//! The officer's verifier over the FFI: offline checks of SC1 texts and
//! of camera frames (luma bytes), with the replay memory of this phone.

use crate::error::DocketError;
use crate::records::VerdictView;
use crate::runtime::guard;
use docket_core::qr::GrayFrame;
use docket_core::qr::scan::{ScanMode, scan};
use docket_core::trust::{Ed25519PublicKey, TrustStore};
use docket_core::verify::{Verifier as CoreVerifier, VerifierPolicy};
use jiff::Timestamp;
use std::sync::Mutex;

/// An officer's verifier: pinned roots, the installed lists, the codes
/// already seen. Safe to share between threads (one check at a time).
#[derive(uniffi::Object)]
pub struct Verifier {
    inner: Mutex<CoreVerifier>,
}

#[uniffi::export]
impl Verifier {
    /// A verifier trusting `root_keys` (Ed25519, hex) with the signed trust
    /// and status lists as downloaded.
    #[uniffi::constructor]
    pub fn new(
        root_keys: Vec<String>,
        trust_list: Vec<u8>,
        status_list: Vec<u8>,
    ) -> Result<std::sync::Arc<Self>, DocketError> {
        guard(|| {
            let mut store = TrustStore::new(parse_root_keys(&root_keys)?);
            install(&mut store, &trust_list, &status_list)?;
            Ok(std::sync::Arc::new(Verifier {
                inner: Mutex::new(CoreVerifier::new(store, VerifierPolicy::default())),
            }))
        })
    }

    /// Installs newer lists (a lower sequence is refused; the installed
    /// lists stay).
    pub fn update_lists(
        &self,
        trust_list: Vec<u8>,
        status_list: Vec<u8>,
    ) -> Result<(), DocketError> {
        guard(|| install(self.lock().store_mut(), &trust_list, &status_list))
    }

    /// Checks an SC1 text now.
    pub fn verify_text(&self, text: String) -> Result<VerdictView, DocketError> {
        guard(|| {
            let verdict = self.lock().verify_text(&text, Timestamp::now());
            Ok(VerdictView::from(&verdict))
        })
    }

    /// Scans one camera frame (8-bit luma, `row_stride` bytes per row) for
    /// an SC1 code and checks the first one found; `None` if the frame
    /// holds none. Work per frame is bounded whatever the frame holds.
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
            let Some(found) = scan(&frame, ScanMode::Sc1).into_iter().next() else {
                return Ok(None);
            };
            let verdict = self.lock().verify_text(&found.text, Timestamp::now());
            Ok(Some(VerdictView::from(&verdict)))
        })
    }
}

/// The issuer root keys built into an app (Ed25519, hex), for a wallet or
/// a verifier.
pub(crate) fn parse_root_keys(hex_keys: &[String]) -> Result<Vec<Ed25519PublicKey>, DocketError> {
    hex_keys
        .iter()
        .map(|hex| Ed25519PublicKey::from_hex(hex))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DocketError::input("root_key", e))
}

/// Installs both lists now; a refused one leaves what was installed.
fn install(
    store: &mut TrustStore,
    trust_list: &[u8],
    status_list: &[u8],
) -> Result<(), DocketError> {
    let now = Timestamp::now();
    store
        .install_trust_list(trust_list, now)
        .map_err(|e| DocketError::input(e.code(), e))?;
    store
        .install_status_list(status_list, now)
        .map_err(|e| DocketError::input(e.code(), e))?;
    Ok(())
}

impl Verifier {
    fn lock(&self) -> std::sync::MutexGuard<'_, CoreVerifier> {
        // A panic while checking poisons the lock; the verifier's state
        // (lists, seen codes) is still consistent, so keep using it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
