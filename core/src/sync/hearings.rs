//! The hearing list, fetched with `If-None-Match` so an unchanged list
//! costs a few hundred bytes.

use super::client::{Call, CallError, PortalClient};
use super::report::HearingsRefresh;
use crate::hearings::{MAX_HEARINGS_JSON_BYTES, parse_hearings_json};
use crate::portal_api::paths;
use crate::store::{StoreError, StoreThread};
use jiff::Timestamp;
use std::time::Duration;

/// Refreshes the cached hearings. The outer error is the store's; the
/// inner one is the request's (the pass decides what "offline" means).
pub(crate) async fn refresh_hearings(
    store: &StoreThread,
    client: &PortalClient,
    timeout: Duration,
) -> Result<Result<HearingsRefresh, CallError>, StoreError> {
    let etag = store
        .run(|s| Ok(s.hearing_cache()?.and_then(|cache| cache.etag)))
        .await?;
    let mut call = Call::get(paths::HEARINGS, MAX_HEARINGS_JSON_BYTES, timeout);
    call.if_none_match = etag;
    let answer = match client.send(&call).await {
        Ok(answer) => answer,
        Err(error) => return Ok(Err(error)),
    };
    let refresh = match answer.status {
        304 => {
            store.run(|s| s.confirm_hearings(Timestamp::now())).await?;
            HearingsRefresh::Unchanged
        }
        200 => match parse_hearings_json(&answer.body) {
            Ok(hearings) => {
                let etag = answer.etag.clone();
                let changes = store
                    .run(move |s| s.replace_hearings(hearings, etag.as_deref(), Timestamp::now()))
                    .await?;
                HearingsRefresh::Updated(changes)
            }
            Err(error) => HearingsRefresh::Failed(format!("the hearing list was refused: {error}")),
        },
        _ => HearingsRefresh::Failed(answer.problem_or_status().code),
    };
    Ok(Ok(refresh))
}
