//! `POST /v1/check-ins`, `POST /v1/address-changes` (signed, with an
//! `Idempotency-Key`): validated by core's body rules, stored with the
//! exact bytes, answered once and the same way on every repeat.

use super::{AppState, json, read_body, require_json};
use crate::auth;
use crate::db::submissions::{self, SubmitInput, SubmitOutcome};
use crate::problem::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use docket_core::outbox::{ItemKind, accept_body};
use docket_core::portal_api::ProblemCode;
use docket_core::portal_api::headers::IDEMPOTENT_REPLAYED;
use jiff::Timestamp;

pub(super) async fn check_in(
    state: State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    submit(state, request, ItemKind::CheckIn).await
}

pub(super) async fn address_change(
    state: State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    submit(state, request, ItemKind::AddressChange).await
}

async fn submit(
    State(state): State<AppState>,
    request: Request,
    kind: ItemKind,
) -> Result<Response, ApiError> {
    // Whole seconds: the receipt's time is shown to the holder as proof.
    let now = Timestamp::now();
    let now = Timestamp::from_second(now.as_second()).unwrap_or(now);
    let (parts, body) = request.into_parts();
    require_json(&parts.headers)?;
    let body = read_body(&parts.headers, body).await?;
    let sent_key = auth::idempotency_key(&parts.headers)?;
    let auth::VerifiedWallet {
        verified,
        holder_id,
    } = auth::verify_wallet(&state.db, &parts, sent_key, &body, now).await?;
    let idempotency_key = sent_key
        .and_then(|key| uuid::Uuid::try_parse(key).ok().filter(|_| key.len() == 36))
        .ok_or_else(|| {
            ApiError::detail(
                ProblemCode::IdempotencyKeyMissing,
                "send an Idempotency-Key header holding a UUID (8-4-4-4-12 hex digits)",
            )
        })?
        .hyphenated()
        .to_string();
    let refusal = accept_body(kind, &body, now)
        .err()
        .map(|error| ApiError::detail(ProblemCode::SubmissionInvalid, error.to_string()).to_json());
    let input = SubmitInput {
        key_id: verified.key_id,
        holder_id,
        nonce: verified.nonce,
        now,
        idempotency_key,
        kind,
        body: body.to_vec(),
        refusal,
    };
    let outcome = state
        .db
        .call(move |conn| submissions::submit(conn, input))
        .await?;
    let (status, response, replayed) = match outcome {
        SubmitOutcome::Replayed => return Err(ApiError::new(ProblemCode::SignatureReplayed)),
        SubmitOutcome::KeyReused => {
            return Err(ApiError::detail(
                ProblemCode::IdempotencyKeyReused,
                "this Idempotency-Key was first used for a different request; make a new key for a new item",
            ));
        }
        SubmitOutcome::First { status, response } => (status, response, false),
        SubmitOutcome::Repeat { status, response } => (status, response, true),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut answer = json(status, response);
    if status != StatusCode::CREATED {
        answer.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static(docket_core::portal_api::PROBLEM_CONTENT_TYPE),
        );
    }
    if replayed {
        answer
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(answer)
}
