//! Trust and status lists: fetched unsigned (they are public and carry
//! their own signatures), verified against the pinned roots, installed
//! only if their sequence does not go back, saved with their floors.

use super::client::{Call, CallError, PortalClient, Transport};
use super::report::ListRefresh;
use crate::portal_api::paths;
use crate::store::{StoreError, StoreThread, TrustData};
use crate::trust::{
    Ed25519PublicKey, InstallOutcome, MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES, TrustStore,
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
    let trust = fetch(client, paths::TRUST_LIST, MAX_TRUST_LIST_BYTES, timeout).await;
    let status = if matches!(trust, Err(CallError::Transport(Transport::Offline))) {
        Err(Transport::Offline.into())
    } else {
        fetch(client, paths::STATUS_LIST, MAX_STATUS_LIST_BYTES, timeout).await
    };
    FetchedLists { trust, status }
}

async fn fetch(
    client: &PortalClient,
    path: &'static str,
    max: usize,
    timeout: Duration,
) -> Result<Vec<u8>, CallError> {
    let mut call = Call::get(path, max, timeout);
    call.signed = false;
    let answer = client.send(&call).await?;
    if answer.status == 200 {
        Ok(answer.body)
    } else {
        Err(CallError::Refused {
            status: answer.status,
            code: answer.problem_or_status().code,
        })
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
