//! `POST /v1/enrollments` (signed by the key being enrolled): the printed
//! card's QR and the activation code in, the card bound to the phone's key
//! out.
//!
//! Order: body, signature (by the key in the body), the printed card
//! against the issuer's current lists, then — in one transaction with the
//! nonce — the stored printed card, lockout, code, reuse, expiry and the
//! binding (a status index of this phone's own, the holder's earlier
//! phones ended: `db/enroll.rs`). Nothing changes before the signature has
//! verified, so a code guess counts only when it comes from a genuinely
//! signed request.

use super::{AppState, json, read_body, require_json};
use crate::auth;
use crate::db::enroll::{self, EnrollInput, EnrollOutcome, PresentedCard};
use crate::problem::ApiError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use docket_core::device::DevicePublicKey;
use docket_core::portal_api::{ActivationCode, EnrollmentRequest, EnrollmentResponse, ProblemCode};
use docket_core::sc1::{Presentation, SignedCard};
use docket_core::trust::{MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES, TrustStore};
use docket_core::verify::{Reason, Verifier};
use docket_issuer::{IssuerDir, STATUS_LIST, TRUST_LIST};
use jiff::Timestamp;
use serde_json::value::RawValue;
use std::path::Path;

/// One answer for every card that is not a genuine, current printed card
/// of this portal, so that the answer does not tell a forger how close
/// they came.
fn card_invalid() -> ApiError {
    ApiError::detail(
        ProblemCode::CardQrInvalid,
        "this is not the QR code of a current printed card from this portal",
    )
}

pub(super) async fn enroll(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let now = Timestamp::now();
    let (parts, body) = request.into_parts();
    require_json(&parts.headers)?;
    let body = read_body(&parts.headers, body).await?;
    let received = auth::parse(&parts.headers)?;
    let request: EnrollmentRequest = serde_json::from_slice(&body).map_err(|error| {
        ApiError::detail(
            ProblemCode::InvalidRequest,
            format!("the body is not an enrollment request: {error}"),
        )
    })?;
    let device_key = parse_device_key(&request.device_public_key)?;
    let idempotency_key = auth::idempotency_key(&parts.headers)?;
    let verified = auth::verify(
        &received,
        &auth::target(&parts, idempotency_key, &body),
        &device_key,
        now,
    )?;

    let issuer = state.issuer.clone();
    let qr = request.card_qr;
    let checked = tokio::task::spawn_blocking(move || check_printed(&issuer, &qr, now))
        .await
        .map_err(|e| ApiError::internal(&e))??;

    let trust_root = checked.trust_root;
    let card = checked.printed.map(|printed| PresentedCard {
        serial: printed.card().serial.to_string(),
        printed,
    });
    let input = EnrollInput {
        key_id: verified.key_id,
        nonce: verified.nonce,
        now,
        card,
        code: ActivationCode::parse(&request.activation_code).ok(),
        device_key,
        issuer: state.issuer.to_path_buf(),
    };
    let outcome = state
        .db
        .call(move |conn| enroll::enroll(conn, input))
        .await?;
    let enrolled = match outcome {
        EnrollOutcome::Enrolled(enrolled) => enrolled,
        EnrollOutcome::Replayed => return Err(ApiError::new(ProblemCode::SignatureReplayed)),
        EnrollOutcome::CardUnknown => return Err(card_invalid()),
        EnrollOutcome::Locked | EnrollOutcome::LockedNow => {
            return Err(ApiError::detail(
                ProblemCode::EnrollmentLocked,
                "too many wrong activation codes; ask the issuing office for a new code",
            ));
        }
        EnrollOutcome::Wrong { attempts_left } => {
            return Err(ApiError::detail(
                ProblemCode::ActivationCodeWrong,
                "check the code on your letter and type it again",
            )
            .with_attempts_left(attempts_left));
        }
        EnrollOutcome::Used => {
            return Err(ApiError::detail(
                ProblemCode::ActivationCodeUsed,
                "this code was already used on another phone; ask the issuing office for a new code",
            ));
        }
        EnrollOutcome::Expired => {
            return Err(ApiError::detail(
                ProblemCode::ActivationCodeExpired,
                "this code has expired; ask the issuing office for a new code",
            ));
        }
        EnrollOutcome::KeyTaken => {
            return Err(ApiError::detail(
                ProblemCode::DeviceKeyInvalid,
                "this phone's key is already enrolled for another card",
            ));
        }
    };
    let hearings = RawValue::from_string(enrolled.hearings)
        .map_err(|e| ApiError::internal(&format!("stored hearings: {e}")))?;
    let response = EnrollmentResponse {
        card: enrolled.bound_card,
        photo: STANDARD.encode(&enrolled.photo),
        hearings,
        hearings_etag: enrolled.hearings_etag,
        trust_root,
    };
    let body = serde_json::to_vec(&response).map_err(|e| ApiError::internal(&e))?;
    Ok(json(StatusCode::CREATED, body))
}

/// Compressed SEC1 P-256, hex, exactly.
fn parse_device_key(text: &str) -> Result<DevicePublicKey, ApiError> {
    hex::decode(text)
        .ok()
        .and_then(|bytes| DevicePublicKey::from_compressed(&bytes).ok())
        .ok_or_else(|| {
            ApiError::detail(
                ProblemCode::DeviceKeyInvalid,
                "device_public_key must be a compressed P-256 public key in hex (66 digits)",
            )
        })
}

/// The issuer's root key, and the presented card if it is a current
/// printed card of this issuer (`None` otherwise).
struct CardCheck {
    printed: Option<SignedCard>,
    trust_root: String,
}

/// Reasons that are about the portal's trust data rather than the card:
/// the operator must act (`docket issuer refresh`), not the holder.
fn is_trust_data_problem(reason: &Reason) -> bool {
    matches!(
        reason,
        Reason::TrustData(_)
            | Reason::TrustListMissing
            | Reason::TrustListExpired
            | Reason::TrustListStale
            | Reason::StatusListMissing
            | Reason::StatusListExpired
            | Reason::StatusListStale
            | Reason::VerifierClockBehind
    )
}

fn check_printed(issuer: &Path, qr: &str, now: Timestamp) -> Result<CardCheck, ApiError> {
    let internal = |e: anyhow::Error| ApiError::internal(&format!("issuer directory: {e:#}"));
    let dir = IssuerDir::open(issuer).map_err(internal)?;
    let root = dir.root_public().map_err(internal)?;
    let trust_root = root.to_hex();
    let refused = || {
        Ok(CardCheck {
            printed: None,
            trust_root: trust_root.clone(),
        })
    };
    let printed = match Presentation::from_text(qr) {
        Ok(Presentation::Static(card)) if !card.card().is_bound() => card,
        _ => return refused(),
    };
    let read = |name: &str, max: usize| {
        docket_core::files::read_limited(&dir.file(name), max as u64, "signed list")
            .map_err(|e| internal(e.into()))
    };
    let mut store = TrustStore::new(vec![root]);
    store
        .install_trust_list(&read(TRUST_LIST, MAX_TRUST_LIST_BYTES)?, now)
        .map_err(|e| internal(e.into()))?;
    store
        .install_status_list(&read(STATUS_LIST, MAX_STATUS_LIST_BYTES)?, now)
        .map_err(|e| internal(e.into()))?;
    let verdict = Verifier::new(store, crate::lists_policy()).check_card(&printed, now);
    if let Some(reason) = verdict.reasons.iter().find(|r| is_trust_data_problem(r)) {
        return Err(ApiError::internal(&format!(
            "the issuer's lists cannot be used ({}); run `docket issuer refresh`",
            reason.code()
        )));
    }
    if !verdict.reasons.is_empty() || verdict.holder.is_none() {
        return refused();
    }
    Ok(CardCheck {
        printed: Some(printed),
        trust_root,
    })
}
