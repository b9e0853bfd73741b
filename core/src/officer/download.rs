//! Downloading the lists, apart from the officer: [`fetch_lists`] borrows
//! nothing of it, so a caller that keeps the officer behind a lock takes
//! the `ETag`s, lets go, awaits the network, and locks again only to
//! install ([`super::Officer::install_fetched`]).

use crate::sync::{CallError, ListDownload, PortalClient, Transport, download_list};
use crate::trust::ListKind;
use std::time::Duration;

/// The `ETag`s to send as `If-None-Match`: the portal's tags of the lists
/// installed from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListEtags {
    /// The trust list's.
    pub trust_list: Option<String>,
    /// The status list's.
    pub status_list: Option<String>,
}

/// Both lists as the portal answered, or why it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedLists {
    /// The trust list.
    pub trust_list: Result<ListDownload, CallError>,
    /// The status list.
    pub status_list: Result<ListDownload, CallError>,
}

impl FetchedLists {
    /// Lists that arrived some other way (a file, another app), as if the
    /// portal had sent them without `ETag`s.
    pub fn given(trust_list: Vec<u8>, status_list: Vec<u8>) -> FetchedLists {
        let sent = |bytes| Ok(ListDownload::Sent { bytes, etag: None });
        FetchedLists {
            trust_list: sent(trust_list),
            status_list: sent(status_list),
        }
    }
}

/// `GET`s both lists from the portal, each with `If-None-Match` when an
/// `ETag` is known and each under its size limit and `timeout`. The status
/// list is not asked for when the portal could not be reached at all.
pub async fn fetch_lists(
    client: &PortalClient,
    etags: &ListEtags,
    timeout: Duration,
) -> FetchedLists {
    let trust_list = download_list(
        client,
        ListKind::TrustList,
        etags.trust_list.as_deref(),
        timeout,
    )
    .await;
    let status_list = if matches!(trust_list, Err(CallError::Transport(Transport::Offline))) {
        Err(Transport::Offline.into())
    } else {
        download_list(
            client,
            ListKind::StatusList,
            etags.status_list.as_deref(),
            timeout,
        )
        .await
    };
    FetchedLists {
        trust_list,
        status_list,
    }
}
