//! Enrollment: the printed card's QR text, the activation code and the
//! device public key go to the portal; the bound card, the photo and the
//! hearings come back, and are saved only after every check passes.

use super::client::{Call, PortalClient};
use super::error::EnrollError;
use super::lists::{fetch_lists, install_lists};
use super::report::ListRefresh;
use super::{MAX_ENROLLMENT_ANSWER, SyncConfig};
use crate::card::Serial;
use crate::hearings::parse_hearings_json;
use crate::portal_api::{
    ActivationCode, EnrollmentRequest, EnrollmentResponse, ProblemCode, paths,
};
use crate::sc1::{Presentation, SignedCard};
use crate::store::StoreThread;
use crate::trust::Ed25519PublicKey;
use crate::verify::{Verdict, Verifier, VerifierPolicy};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;

/// A completed enrollment.
#[derive(Debug, Clone)]
pub struct Enrolled {
    /// The bound card, as saved.
    pub card: SignedCard,
    /// Its check against the fresh trust data (valid).
    pub verdict: Verdict,
    /// How many hearings came with it.
    pub hearings: usize,
    /// The root pinned from the portal's answer, when the wallet has no
    /// built-in roots (the desktop stand-in); `None` otherwise.
    pub pinned_root: Option<Ed25519PublicKey>,
}

/// Enrolls: see the module doc. `built_in_roots` empty means "pin the
/// portal's root on first use" (desktop only). `replacing` is the card
/// number of the card this wallet already holds when it enrolls again
/// (its key was lost, or its binding ended): only that card may be
/// enrolled, so the queued items stay with their holder.
pub(crate) async fn enroll(
    store: &StoreThread,
    client: &PortalClient,
    built_in_roots: &[Ed25519PublicKey],
    card_qr: &str,
    code: &str,
    config: &SyncConfig,
    replacing: Option<Serial>,
) -> Result<Enrolled, EnrollError> {
    let printed = match Presentation::from_text(card_qr.trim()) {
        Ok(Presentation::Static(card)) if !card.card().is_bound() => card,
        Ok(_) => {
            return Err(EnrollError::NotACardQr(
                "it is a code shown by a phone, not the printed one".to_owned(),
            ));
        }
        Err(error) => return Err(EnrollError::NotACardQr(error.to_string())),
    };
    let code = ActivationCode::parse(code)?;
    match replacing {
        Some(held) if held != printed.card().serial => {
            return Err(EnrollError::OtherCard { held });
        }
        Some(_) => {}
        None => {
            if store.run(|s| s.enrollment()).await?.is_some() {
                return Err(EnrollError::AlreadyEnrolled);
            }
        }
    }
    let device_key = client.device_public_key()?;
    let request = EnrollmentRequest {
        card_qr: printed.to_text(),
        activation_code: code.to_string(),
        device_public_key: hex::encode(device_key.to_compressed()),
    };
    let body = serde_json::to_vec(&request).map_err(|e| bad_answer(e.to_string()))?;
    let answer = client
        .send(&Call::post_json(
            paths::ENROLLMENTS,
            body,
            MAX_ENROLLMENT_ANSWER,
            config.request_timeout,
        ))
        .await?;
    if answer.status != 201 && answer.status != 200 {
        return Err(refusal(&answer.problem_or_status()));
    }
    let response: EnrollmentResponse = serde_json::from_slice(&answer.body)
        .map_err(|e| bad_answer(format!("not an enrollment answer: {e}")))?;

    let bound = SignedCard::from_text(&response.card)
        .map_err(|e| bad_answer(format!("the card sent is not valid: {e}")))?;
    if bound.card().device_key.as_ref() != Some(&device_key) {
        return Err(bad_answer("the card sent is not bound to this phone"));
    }
    // The same card in every field but two: this phone's key, and the
    // binding's own status index (so this phone can be cut off alone).
    let mut unbound = bound.card().clone();
    unbound.device_key = None;
    unbound.status_index = printed.card().status_index;
    if &unbound != printed.card() {
        return Err(bad_answer("the card sent is not the printed card"));
    }
    let photo = STANDARD
        .decode(response.photo.as_bytes())
        .map_err(|_| bad_answer("the photo is not Base64"))?;
    if !bound.card().photo_digest.matches(&photo) {
        return Err(bad_answer("the photo is not the one the card names"));
    }
    let hearings = parse_hearings_json(response.hearings.get().as_bytes())
        .map_err(|e| bad_answer(format!("the hearing list is not valid: {e}")))?;

    let (roots, pinned_root) = if built_in_roots.is_empty() {
        let root = Ed25519PublicKey::from_hex(&response.trust_root)
            .map_err(|e| bad_answer(format!("the trust root is not valid: {e}")))?;
        (vec![root], Some(root))
    } else {
        (built_in_roots.to_vec(), None)
    };
    let fetched = fetch_lists(client, config.request_timeout).await;
    // A list that could not be fetched is a network or portal failure the
    // holder can retry; only a list that arrived and does not check out
    // means the answer cannot be trusted.
    for result in [&fetched.trust, &fetched.status] {
        if let Err(error) = result {
            return Err(error.clone().into());
        }
    }
    let now = Timestamp::now();
    let data = store.run(|s| s.trust_data()).await?;
    let (trust, saved_trust, trust_refresh, status_refresh) =
        install_lists(&data, roots, &fetched, now);
    for refresh in [&trust_refresh, &status_refresh] {
        match refresh {
            ListRefresh::Refused(error) => {
                return Err(bad_answer(format!("{error}")));
            }
            ListRefresh::Failed(error) => {
                return Err(bad_answer(format!(
                    "the trust lists could not be fetched: {error}"
                )));
            }
            _ => {}
        }
    }
    let verdict = Verifier::new(trust, VerifierPolicy::default()).check_card(&bound, now);
    if !verdict.is_valid() {
        return Err(bad_answer(format!(
            "the card does not verify: {}",
            verdict.reason_codes().join(", ")
        )));
    }

    let count = hearings.len();
    let saved_card = bound.clone();
    let url = client.url().as_str().to_owned();
    let etag = response.hearings_etag.clone();
    store
        .run(move |s| {
            s.save_trust_data(&saved_trust)?;
            s.save_card(&saved_card, &photo, now)?;
            s.replace_hearings(hearings, Some(&etag), now)?;
            // Last: a wallet without this row enrolls again, harmlessly.
            s.save_enrollment(&url, pinned_root.as_ref(), now)
        })
        .await?;
    Ok(Enrolled {
        card: bound,
        verdict,
        hearings: count,
        pinned_root,
    })
}

/// An answer that breaks the contract. Its explanation may quote what the
/// portal sent (a parser's message does), so it is made safe to show.
fn bad_answer(explanation: impl AsRef<str>) -> EnrollError {
    EnrollError::BadAnswer(crate::text::display_safe(explanation.as_ref(), 300))
}

fn refusal(problem: &crate::portal_api::Problem) -> EnrollError {
    match problem.known_code() {
        Some(ProblemCode::ActivationCodeWrong) => EnrollError::WrongCode {
            attempts_left: problem.attempts_left,
        },
        Some(ProblemCode::EnrollmentLocked) => EnrollError::Locked,
        Some(ProblemCode::ActivationCodeUsed) => EnrollError::CodeUsed,
        Some(ProblemCode::ActivationCodeExpired) => EnrollError::CodeExpired,
        Some(ProblemCode::CardQrInvalid) => EnrollError::CardRefused,
        _ => EnrollError::Portal {
            code: problem.code.clone(),
            detail: problem.detail.clone(),
        },
    }
}
