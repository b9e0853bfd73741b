//! Wallet request signatures on the server side (the profile is in
//! `docket_core::portal_api::signing`): parse the headers, find the key,
//! verify. The nonce is recorded afterwards, by the database job that
//! carries out the request, in the same transaction.

use crate::db::wallets::RetiredReason;
use crate::db::{Db, DbError, wallets};
use crate::problem::ApiError;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};
use docket_core::device::DevicePublicKey;
use docket_core::portal_api::ProblemCode;
use docket_core::portal_api::headers::{
    CONTENT_DIGEST, IDEMPOTENCY_KEY, SIGNATURE, SIGNATURE_INPUT,
};
use docket_core::portal_api::signing::{ReceivedSignature, RequestTarget, SignatureError};
use jiff::Timestamp;

/// A request whose signature verified: who signed it, and the nonce to
/// record.
pub(crate) struct Verified {
    /// Hex SHA-256 of the device key.
    pub key_id: String,
    /// The signature's nonce.
    pub nonce: String,
}

/// The value of a header that may appear at most once. `Ok(None)` when
/// absent; a repeated or non-ASCII value is refused as `malformed`.
pub(crate) fn single_header<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
    malformed: ProblemCode,
) -> Result<Option<&'a str>, ApiError> {
    let name = HeaderName::from_static(name);
    let mut values = headers.get_all(&name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::detail(
            malformed,
            format!("the {name} header must appear once"),
        ));
    }
    first
        .to_str()
        .map(Some)
        .map_err(|_| ApiError::detail(malformed, format!("the {name} header is not ASCII")))
}

/// Parses the three signature headers strictly.
pub(crate) fn parse(headers: &HeaderMap) -> Result<ReceivedSignature, ApiError> {
    let get = |name| single_header(headers, name, ProblemCode::SignatureMalformed);
    ReceivedSignature::parse(get(CONTENT_DIGEST)?, get(SIGNATURE_INPUT)?, get(SIGNATURE)?)
        .map_err(|error| signature_problem(&error, Timestamp::now()))
}

/// What the signature must cover: this request as received.
pub(crate) fn target<'a>(
    parts: &'a Parts,
    idempotency_key: Option<&'a str>,
    body: &'a [u8],
) -> RequestTarget<'a> {
    RequestTarget {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        idempotency_key,
        body,
    }
}

/// Verifies `received` over `target` with `key` at `now`.
pub(crate) fn verify(
    received: &ReceivedSignature,
    target: &RequestTarget<'_>,
    key: &DevicePublicKey,
    now: Timestamp,
) -> Result<Verified, ApiError> {
    received
        .verify(target, key, now)
        .map_err(|error| signature_problem(&error, now))?;
    Ok(Verified {
        key_id: received.key_id().to_owned(),
        nonce: received.nonce().to_owned(),
    })
}

/// A verified request from an enrolled wallet, and whose it is.
pub(crate) struct VerifiedWallet {
    /// The signature's key id and nonce.
    pub verified: Verified,
    /// The holder the wallet is bound to.
    pub holder_id: i64,
}

/// Verifies a request from an enrolled wallet: the key is the enrolled
/// wallet's with the signature's keyid, else `unknown_wallet`. A wallet
/// whose binding ended (replaced by a later enrollment, or reported lost)
/// is told so, `binding_revoked`, but only once its own signature has
/// verified: nobody else learns whether a key was ever enrolled.
pub(crate) async fn verify_wallet(
    db: &Db,
    parts: &Parts,
    idempotency_key: Option<&str>,
    body: &[u8],
    now: Timestamp,
) -> Result<VerifiedWallet, ApiError> {
    let received = parse(&parts.headers)?;
    let key_id = received.key_id().to_owned();
    let wallet = db
        .call(move |conn| wallets::get(conn, &key_id))
        .await?
        .ok_or_else(|| ApiError::new(ProblemCode::UnknownWallet))?;
    let key = DevicePublicKey::from_hex(&wallet.device_key)
        .map_err(|_| ApiError::from(DbError::Damaged("a stored device key".into())))?;
    let verified = verify(&received, &target(parts, idempotency_key, body), &key, now)?;
    if let Some(reason) = wallet.retired {
        return Err(ApiError::detail(
            ProblemCode::BindingRevoked,
            match reason {
                RetiredReason::Replaced => {
                    "this card was enrolled on another phone; this phone no longer holds it"
                }
                RetiredReason::ReportedLost => {
                    "this phone was reported lost; it no longer holds the card"
                }
            },
        ));
    }
    Ok(VerifiedWallet {
        verified,
        holder_id: wallet.holder_id,
    })
}

/// The problem for a refused signature; a stale one tells the client the
/// portal's time so it can correct its clock and sign again.
fn signature_problem(error: &SignatureError, now: Timestamp) -> ApiError {
    let problem = ApiError::detail(error.problem(), error.to_string());
    match error {
        SignatureError::Stale { .. } => problem.with_server_time(now),
        _ => problem,
    }
}

/// The `Idempotency-Key` header as sent (what the signature covers).
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    single_header(headers, IDEMPOTENCY_KEY, ProblemCode::IdempotencyKeyMissing)
}
