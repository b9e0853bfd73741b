//! Trust and status lists: fetched unsigned (they are public and carry
//! their own signatures), verified against the pinned roots, installed
//! only if their sequence does not go back, saved with their floors.

use super::client::{Call, CallError, PortalClient, Transport};
use super::report::ListRefresh;
use crate::portal_api::paths;
use crate::store::{StoreError, StoreThread, TrustData};
use crate::trust::{
    Ed25519PublicKey, InstallOutcome, ListKind, MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES,
    TrustStore,
};
use jiff::Timestamp;
use std::time::Duration;

/// Both lists as fetched: the bytes, or why they could not be fetched.
pub(crate) struct FetchedLists {
    pub trust: Result<Vec<u8>, CallError>,
    pub status: Result<Vec<u8>, CallError>,
}

impl FetchedLists {
    /// Whether the portal could not be reached at all.
    pub fn offline(&self) -> bool {
        matches!(self.trust, Err(CallError::Transport(Transport::Offline)))
    }
}

/// Fetches both lists; the status list is not asked for when the portal
/// is unreachable.
pub(crate) async fn fetch_lists(client: &PortalClient, timeout: Duration) -> FetchedLists {
    let trust = fetch(client, ListKind::TrustList, timeout).await;
    let status = if matches!(trust, Err(CallError::Transport(Transport::Offline))) {
        Err(Transport::Offline.into())
    } else {
        fetch(client, ListKind::StatusList, timeout).await
    };
    FetchedLists { trust, status }
}

async fn fetch(
    client: &PortalClient,
    kind: ListKind,
    timeout: Duration,
) -> Result<Vec<u8>, CallError> {
    match download_list(client, kind, None, timeout).await? {
        ListDownload::Sent { bytes, .. } => Ok(bytes),
        // Asked without an ETag, so a 304 names no list.
        ListDownload::NotModified => Err(CallError::Refused {
            status: 304,
            code: "not_modified".to_owned(),
        }),
    }
}

/// A signed list as the portal answered a `GET`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListDownload {
    /// The list's bytes, as served, and the `ETag` that names them.
    Sent {
        /// The signed list (not yet verified).
        bytes: Vec<u8>,
        /// The portal's `ETag` for it, if it sent one.
        etag: Option<String>,
    },
    /// `304 Not Modified`: the list is still the one the `ETag` named.
    NotModified,
}

/// `GET`s one list, unsigned (it is public and signed itself), under the
/// list's size limit; with `etag`, conditionally (`If-None-Match`).
pub(crate) async fn download_list(
    client: &PortalClient,
    kind: ListKind,
    etag: Option<&str>,
    timeout: Duration,
) -> Result<ListDownload, CallError> {
    let (path, max) = match kind {
        ListKind::TrustList => (paths::TRUST_LIST, MAX_TRUST_LIST_BYTES),
        ListKind::StatusList => (paths::STATUS_LIST, MAX_STATUS_LIST_BYTES),
    };
    let mut call = Call::get(path, max, timeout);
    call.signed = false;
    call.if_none_match = etag.map(str::to_owned);
    let answer = client.send(&call).await?;
    match answer.status {
        200 => Ok(ListDownload::Sent {
            bytes: answer.body,
            etag: answer.etag,
        }),
        304 => Ok(ListDownload::NotModified),
        status => Err(CallError::Refused {
            status,
            code: answer.problem_or_status().code,
        }),
    }
}

/// The lists installed over `data`: the resulting trust store, the data
/// to save, and what happened to each list. Pure: nothing is saved.
pub(crate) fn install_lists(
    data: &TrustData,
    roots: Vec<Ed25519PublicKey>,
    fetched: &FetchedLists,
    now: Timestamp,
) -> (TrustStore, TrustData, ListRefresh, ListRefresh) {
    let (mut store, _) = data.to_trust_store(roots, now);
    let mut trust_bytes = data.trust_list.clone();
    let mut status_bytes = data.status_list.clone();
    let trust = match &fetched.trust {
        Ok(bytes) => match store.install_trust_list(bytes, now) {
            Ok(outcome) => {
                trust_bytes = Some(bytes.clone());
                installed(outcome, store.trust_list().map(|l| l.meta.sequence))
            }
            Err(error) => ListRefresh::Refused(error),
        },
        Err(error) => ListRefresh::Failed(error.to_string()),
    };
    let status = match &fetched.status {
        Ok(bytes) => match store.install_status_list(bytes, now) {
            Ok(outcome) => {
                status_bytes = Some(bytes.clone());
                installed(outcome, store.status_list().map(|l| l.meta.sequence))
            }
            Err(error) => ListRefresh::Refused(error),
        },
        Err(error) => ListRefresh::Failed(error.to_string()),
    };
    let (trust_floor, status_floor) = store.floors();
    let saved = TrustData {
        trust_list: trust_bytes.filter(|_| store.trust_list().is_some()),
        status_list: status_bytes.filter(|_| store.status_list().is_some()),
        trust_floor,
        status_floor,
    };
    (store, saved, trust, status)
}

fn installed(outcome: InstallOutcome, sequence: Option<u64>) -> ListRefresh {
    match (outcome, sequence) {
        (InstallOutcome::Installed, Some(sequence)) => ListRefresh::Installed { sequence },
        _ => ListRefresh::AlreadyCurrent,
    }
}

/// Fetches, installs and saves both lists.
pub(crate) async fn refresh_lists(
    store: &StoreThread,
    client: &PortalClient,
    roots: Vec<Ed25519PublicKey>,
    timeout: Duration,
) -> Result<(ListRefresh, ListRefresh, bool), StoreError> {
    let fetched = fetch_lists(client, timeout).await;
    let offline = fetched.offline();
    let (trust, status) = store
        .run(move |s| {
            let now = Timestamp::now();
            let data = s.trust_data()?;
            let (_, saved, trust, status) = install_lists(&data, roots, &fetched, now);
            if saved != data {
                s.save_trust_data(&saved)?;
            }
            Ok((trust, status))
        })
        .await?;
    Ok((trust, status, offline))
}
