//! `GET /v1/hearings` (signed): the holder's hearing list with a strong
//! `ETag`; `304` when the wallet's copy is current.

use super::{AppState, read_body, tagged};
use crate::auth;
use crate::db::{DbError, holders, nonces};
use crate::problem::ApiError;
use axum::extract::{Request, State};
use axum::response::Response;
use docket_core::portal_api::ProblemCode;
use jiff::Timestamp;

pub(super) async fn hearings(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let now = Timestamp::now();
    let (parts, body) = request.into_parts();
    let body = read_body(&parts.headers, body).await?;
    let idempotency_key = auth::idempotency_key(&parts.headers)?;
    let auth::VerifiedWallet {
        verified,
        holder_id,
    } = auth::verify_wallet(&state.db, &parts, idempotency_key, &body, now).await?;
    let found = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if !nonces::record(&tx, &verified.key_id, &verified.nonce, now)? {
                return Ok::<_, DbError>(None);
            }
            let list = holders::hearings(&tx, holder_id)?;
            tx.commit()?;
            Ok(Some(list))
        })
        .await?;
    let (list, tag) = found.ok_or_else(|| ApiError::new(ProblemCode::SignatureReplayed))?;
    Ok(tagged(
        &parts.headers,
        "application/json",
        list.into_bytes(),
        tag,
    ))
}
