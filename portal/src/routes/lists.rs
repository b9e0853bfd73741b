//! `GET /v1/trust-list`, `GET /v1/status-list`: the issuer directory's
//! signed lists, byte for byte, read at request time so that a revocation
//! or refresh (`docket issuer revoke | refresh`) is served at once.

use super::{AppState, tagged};
use crate::etag;
use crate::problem::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use docket_core::portal_api::LIST_CONTENT_TYPE;
use docket_core::trust::{MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES};
use docket_issuer::{STATUS_LIST, TRUST_LIST};

pub(super) async fn trust_list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_file(&state, &headers, TRUST_LIST, MAX_TRUST_LIST_BYTES).await
}

pub(super) async fn status_list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_file(&state, &headers, STATUS_LIST, MAX_STATUS_LIST_BYTES).await
}

async fn serve_file(
    state: &AppState,
    headers: &HeaderMap,
    name: &'static str,
    max: usize,
) -> Result<Response, ApiError> {
    let path = state.issuer.join(name);
    // File reads block: off the async workers.
    let bytes = tokio::task::spawn_blocking(move || {
        docket_core::files::read_limited(&path, max as u64, "signed list")
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| ApiError::internal(&format!("{e:#}")))?;
    let tag = etag::of(&bytes);
    Ok(tagged(headers, LIST_CONTENT_TYPE, bytes, tag))
}
