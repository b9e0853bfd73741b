//! Wallet request signatures: a fixed profile of HTTP Message Signatures
//! (RFC 9421) over an RFC 9530 `Content-Digest`, signed by the device key.
//!
//! ```text
//! Content-Digest:  sha-256=:<base64 SHA-256 of the body>:
//! Signature-Input: wallet=("@method" "@path" "@query" "content-digest"
//!                  ["idempotency-key"]);created=<unix seconds>;
//!                  nonce="<16-64 base64url>";keyid="<64 hex>";alg="ecdsa-p256-sha256"
//! Signature:       wallet=:<base64 of the 64-byte r||s>:
//! ```
//!
//! `keyid` is the hex SHA-256 of the compressed device public key, so the
//! wallet needs nothing from the portal to name itself. The portal refuses
//! a request that is unsigned, signed otherwise than this profile, signed
//! by another key, more than [`MAX_CLOCK_SKEW`] from its clock, or whose
//! nonce it has already seen from that key. Every component list and
//! parameter is checked exactly: a profile this small is audited in place
//! rather than through a general RFC 9421 library.

use crate::device::{DevicePublicKey, DeviceSignature, DeviceSigner, SignerError};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::ProblemCode;

/// The signature label in `Signature-Input` and `Signature`.
pub const LABEL: &str = "wallet";
/// The only algorithm: ECDSA P-256 with SHA-256, `r || s`.
pub const ALGORITHM: &str = "ecdsa-p256-sha256";
/// How far `created` may be from the portal's clock, either way.
pub const MAX_CLOCK_SKEW: SignedDuration = SignedDuration::from_secs(300);
/// Random bytes in a nonce the wallet makes (Base64url, 22 characters).
pub const NONCE_BYTES: usize = 16;
/// Accepted nonce lengths, in characters.
const NONCE_CHARS: std::ops::RangeInclusive<usize> = 16..=64;
/// Longest signature header accepted, before any parsing.
const MAX_HEADER_LEN: usize = 1024;

const COMPONENTS: &str = r#"("@method" "@path" "@query" "content-digest")"#;
const COMPONENTS_WITH_KEY: &str =
    r#"("@method" "@path" "@query" "content-digest" "idempotency-key")"#;

/// What a signature covers: the request as the portal will see it.
#[derive(Debug, Clone, Copy)]
pub struct RequestTarget<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The path, e.g. `/v1/check-ins`.
    pub path: &'a str,
    /// The query without `?`, if any.
    pub query: Option<&'a str>,
    /// The `Idempotency-Key` header, on submissions.
    pub idempotency_key: Option<&'a str>,
    /// The exact body bytes (empty for `GET`).
    pub body: &'a [u8],
}

/// The three headers a signed request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeaders {
    /// `Content-Digest`.
    pub content_digest: String,
    /// `Signature-Input`.
    pub signature_input: String,
    /// `Signature`.
    pub signature: String,
}

/// Why the portal refuses a request's signature.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    /// No `Signature-Input` and no `Signature`.
    #[error("the request is not signed")]
    Missing,
    /// The headers do not follow the profile.
    #[error("the request signature is malformed: {0}")]
    Malformed(&'static str),
    /// `Content-Digest` is not the body's.
    #[error("the body does not match its Content-Digest")]
    DigestMismatch,
    /// The signature is not by this key over this request.
    #[error("the request signature does not verify")]
    Invalid,
    /// `created` is too far from the portal's clock.
    #[error("the request was signed at {created}, too far from the portal's time {now}")]
    Stale {
        /// When the wallet says it signed.
        created: Timestamp,
        /// The portal's clock.
        now: Timestamp,
    },
}

impl SignatureError {
    /// The problem code the portal answers with.
    pub fn problem(&self) -> ProblemCode {
        match self {
            SignatureError::Missing => ProblemCode::SignatureMissing,
            SignatureError::Malformed(_) => ProblemCode::SignatureMalformed,
            SignatureError::DigestMismatch => ProblemCode::DigestMismatch,
            SignatureError::Invalid => ProblemCode::SignatureInvalid,
            SignatureError::Stale { .. } => ProblemCode::SignatureStale,
        }
    }
}

/// The `keyid` of a device key: hex SHA-256 of its compressed SEC1 form.
pub fn key_id(key: &DevicePublicKey) -> String {
    hex::encode(Sha256::digest(key.to_compressed()))
}

/// The RFC 9530 `Content-Digest` of a body.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(Sha256::digest(body)))
}

/// A fresh random nonce.
pub fn new_nonce() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; NONCE_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Signs `target` with the device key, as of `created`.
pub fn sign(
    target: &RequestTarget<'_>,
    signer: &dyn DeviceSigner,
    created: Timestamp,
    nonce: &str,
) -> Result<SignatureHeaders, SignerError> {
    let key = signer.public_key()?;
    let components = if target.idempotency_key.is_some() {
        COMPONENTS_WITH_KEY
    } else {
        COMPONENTS
    };
    let params = format!(
        r#"{components};created={};nonce="{nonce}";keyid="{}";alg="{ALGORITHM}""#,
        created.as_second(),
        key_id(&key)
    );
    let digest = content_digest(target.body);
    let base = signature_base(target, &digest, &params);
    let signature = DeviceSignature::from_key_store(&signer.sign(base.as_bytes())?)?;
    Ok(SignatureHeaders {
        content_digest: digest,
        signature_input: format!("{LABEL}={params}"),
        signature: format!("{LABEL}=:{}:", STANDARD.encode(signature.to_bytes())),
    })
}

/// RFC 9421 §2.5: one line per covered component, then the parameters.
fn signature_base(target: &RequestTarget<'_>, digest: &str, params: &str) -> String {
    let mut base = format!(
        "\"@method\": {}\n\"@path\": {}\n\"@query\": ?{}\n\"content-digest\": {digest}\n",
        target.method.to_ascii_uppercase(),
        target.path,
        target.query.unwrap_or(""),
    );
    if let Some(key) = target.idempotency_key {
        base.push_str(&format!("\"idempotency-key\": {key}\n"));
    }
    base.push_str(&format!("\"@signature-params\": {params}"));
    base
}

/// A request signature as received, parsed but not yet verified.
#[derive(Debug, Clone)]
pub struct ReceivedSignature {
    key_id: String,
    nonce: String,
    created: Timestamp,
    covers_idempotency_key: bool,
    params: String,
    content_digest: String,
    signature: DeviceSignature,
}

impl ReceivedSignature {
    /// Parses the three headers strictly. `None` is an absent header.
    pub fn parse(
        content_digest: Option<&str>,
        signature_input: Option<&str>,
        signature: Option<&str>,
    ) -> Result<Self, SignatureError> {
        let (input, signature) = match (signature_input, signature) {
            (None, None) => return Err(SignatureError::Missing),
            (Some(input), Some(signature)) => (input, signature),
            _ => {
                return Err(SignatureError::Malformed(
                    "Signature-Input and Signature must both be present",
                ));
            }
        };
        let digest =
            content_digest.ok_or(SignatureError::Malformed("Content-Digest is required"))?;
        if [input, signature, digest]
            .iter()
            .any(|h| h.len() > MAX_HEADER_LEN)
        {
            return Err(SignatureError::Malformed("a signature header is too long"));
        }
        parse_digest(digest)?;
        let params = input
            .strip_prefix(LABEL)
            .and_then(|rest| rest.strip_prefix('='))
            .ok_or(SignatureError::Malformed(
                "Signature-Input must hold exactly one signature labelled wallet",
            ))?;
        let (covers_idempotency_key, rest) =
            if let Some(rest) = params.strip_prefix(COMPONENTS_WITH_KEY) {
                (true, rest)
            } else if let Some(rest) = params.strip_prefix(COMPONENTS) {
                (false, rest)
            } else {
                return Err(SignatureError::Malformed(
                    "the covered components are not the profile's",
                ));
            };
        let parsed = parse_params(rest)?;
        let signature = parse_signature_value(signature)?;
        Ok(ReceivedSignature {
            key_id: parsed.key_id,
            nonce: parsed.nonce,
            created: parsed.created,
            covers_idempotency_key,
            params: params.to_owned(),
            content_digest: digest.to_owned(),
            signature,
        })
    }

    /// The `keyid`: which wallet claims to have signed.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The nonce, for the portal's replay check.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// When the wallet says it signed.
    pub fn created(&self) -> Timestamp {
        self.created
    }

    /// Checks the signature against the request and `key`, then its age
    /// against `now`. The caller checks the nonce afterwards, so that
    /// only genuine requests can use up nonces.
    pub fn verify(
        &self,
        target: &RequestTarget<'_>,
        key: &DevicePublicKey,
        now: Timestamp,
    ) -> Result<(), SignatureError> {
        if self.covers_idempotency_key != target.idempotency_key.is_some() {
            return Err(SignatureError::Malformed(
                "the signature must cover Idempotency-Key exactly when the request has one",
            ));
        }
        if self.content_digest != content_digest(target.body) {
            return Err(SignatureError::DigestMismatch);
        }
        if key_id(key) != self.key_id {
            return Err(SignatureError::Invalid);
        }
        let base = signature_base(target, &self.content_digest, &self.params);
        if !key.verify(base.as_bytes(), &self.signature) {
            return Err(SignatureError::Invalid);
        }
        let skew = now.duration_since(self.created).abs();
        if skew > MAX_CLOCK_SKEW {
            return Err(SignatureError::Stale {
                created: self.created,
                now,
            });
        }
        Ok(())
    }
}

struct Params {
    created: Timestamp,
    nonce: String,
    key_id: String,
}

/// `;created=N;nonce="..";keyid="..";alg=".."`, each exactly once, in any
/// order, nothing else.
fn parse_params(mut rest: &str) -> Result<Params, SignatureError> {
    let mut created = None;
    let mut nonce = None;
    let mut key_id = None;
    let mut alg = None;
    while !rest.is_empty() {
        rest = rest.strip_prefix(';').ok_or(SignatureError::Malformed(
            "parameters must be separated by ;",
        ))?;
        let end = rest.find(';').unwrap_or(rest.len());
        let (param, tail) = rest.split_at(end);
        rest = tail;
        let (name, value) = param
            .split_once('=')
            .ok_or(SignatureError::Malformed("a parameter has no value"))?;
        let slot = match name {
            "created" => &mut created,
            "nonce" => &mut nonce,
            "keyid" => &mut key_id,
            "alg" => &mut alg,
            _ => return Err(SignatureError::Malformed("unknown signature parameter")),
        };
        if slot.replace(value).is_some() {
            return Err(SignatureError::Malformed(
                "a signature parameter is repeated",
            ));
        }
    }
    let created = created.ok_or(SignatureError::Malformed("created is required"))?;
    if created.is_empty() || created.len() > 12 || !created.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::Malformed("created must be Unix seconds"));
    }
    let created = created
        .parse::<i64>()
        .ok()
        .and_then(|s| Timestamp::from_second(s).ok())
        .ok_or(SignatureError::Malformed("created must be Unix seconds"))?;
    let nonce = quoted(nonce.ok_or(SignatureError::Malformed("nonce is required"))?)?;
    if !NONCE_CHARS.contains(&nonce.len())
        || !nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(SignatureError::Malformed(
            "nonce must be 16 to 64 Base64url characters",
        ));
    }
    let key_id = quoted(key_id.ok_or(SignatureError::Malformed("keyid is required"))?)?;
    if key_id.len() != 64
        || !key_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(SignatureError::Malformed(
            "keyid must be 64 lowercase hex digits",
        ));
    }
    let alg = quoted(alg.ok_or(SignatureError::Malformed("alg is required"))?)?;
    if alg != ALGORITHM {
        return Err(SignatureError::Malformed("alg must be ecdsa-p256-sha256"));
    }
    Ok(Params {
        created,
        nonce: nonce.to_owned(),
        key_id: key_id.to_owned(),
    })
}

fn quoted(value: &str) -> Result<&str, SignatureError> {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| !v.contains('"') && !v.contains('\\'))
        .ok_or(SignatureError::Malformed(
            "a string parameter must be quoted",
        ))
}

/// `wallet=:<base64>:` holding exactly 64 bytes.
fn parse_signature_value(header: &str) -> Result<DeviceSignature, SignatureError> {
    let bytes = header
        .strip_prefix(LABEL)
        .and_then(|v| v.strip_prefix("=:"))
        .and_then(|v| v.strip_suffix(':'))
        .and_then(|v| STANDARD.decode(v).ok())
        .ok_or(SignatureError::Malformed(
            "Signature must be wallet=:<base64>:",
        ))?;
    DeviceSignature::from_wire(&bytes)
        .map_err(|_| SignatureError::Malformed("the signature is not 64 bytes of r and s"))
}

/// `sha-256=:<base64 of 32 bytes>:` and nothing else.
fn parse_digest(header: &str) -> Result<(), SignatureError> {
    let decoded = header
        .strip_prefix("sha-256=:")
        .and_then(|v| v.strip_suffix(':'))
        .and_then(|v| STANDARD.decode(v).ok());
    match decoded {
        Some(bytes) if bytes.len() == 32 => Ok(()),
        _ => Err(SignatureError::Malformed(
            "Content-Digest must be a single sha-256 digest",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::SoftwareDeviceKey;

    const KEY: &str = "01890a5d-ac96-774b-bcce-b302099a8057";

    fn target<'a>(body: &'a [u8], idempotency_key: Option<&'a str>) -> RequestTarget<'a> {
        RequestTarget {
            method: "POST",
            path: "/v1/check-ins",
            query: None,
            idempotency_key,
            body,
        }
    }

    fn now() -> Timestamp {
        "2026-11-22T12:00:00Z".parse().unwrap()
    }

    fn signed(body: &[u8], idem: Option<&str>) -> (SoftwareDeviceKey, SignatureHeaders) {
        let key = SoftwareDeviceKey::from_seed(&[7; 32]).unwrap();
        let headers = sign(&target(body, idem), &key, now(), "AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        (key, headers)
    }

    fn parse(h: &SignatureHeaders) -> Result<ReceivedSignature, SignatureError> {
        ReceivedSignature::parse(
            Some(&h.content_digest),
            Some(&h.signature_input),
            Some(&h.signature),
        )
    }

    #[test]
    fn a_signed_request_verifies() {
        let (key, h) = signed(b"{}", Some(KEY));
        let received = parse(&h).unwrap();
        assert_eq!(received.key_id(), key_id(&key.public()));
        assert_eq!(received.nonce(), "AAAAAAAAAAAAAAAAAAAAAA");
        received
            .verify(&target(b"{}", Some(KEY)), &key.public(), now())
            .unwrap();
        assert!(h.signature_input.starts_with(
            r#"wallet=("@method" "@path" "@query" "content-digest" "idempotency-key");created="#
        ));
    }

    #[test]
    fn any_change_to_the_request_is_refused() {
        let (key, h) = signed(b"{}", Some(KEY));
        let received = parse(&h).unwrap();
        let public = key.public();
        assert_eq!(
            received.verify(&target(b"{ }", Some(KEY)), &public, now()),
            Err(SignatureError::DigestMismatch)
        );
        let other_key = "01890a5d-ac96-774b-bcce-b302099a8058";
        assert_eq!(
            received.verify(&target(b"{}", Some(other_key)), &public, now()),
            Err(SignatureError::Invalid)
        );
        let mut moved = target(b"{}", Some(KEY));
        moved.path = "/v1/address-changes";
        assert_eq!(
            received.verify(&moved, &public, now()),
            Err(SignatureError::Invalid)
        );
        let mut with_query = target(b"{}", Some(KEY));
        with_query.query = Some("x=1");
        assert_eq!(
            received.verify(&with_query, &public, now()),
            Err(SignatureError::Invalid)
        );
        assert!(matches!(
            received.verify(&target(b"{}", None), &public, now()),
            Err(SignatureError::Malformed(_))
        ));
        let stranger = SoftwareDeviceKey::from_seed(&[8; 32]).unwrap();
        assert_eq!(
            received.verify(&target(b"{}", Some(KEY)), &stranger.public(), now()),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn old_and_future_signatures_are_stale() {
        let (key, h) = signed(b"", None);
        let received = parse(&h).unwrap();
        let t = target(b"", None);
        let edge = now().checked_add(MAX_CLOCK_SKEW).unwrap();
        received.verify(&t, &key.public(), edge).unwrap();
        let late = edge.checked_add(SignedDuration::from_secs(1)).unwrap();
        assert!(matches!(
            received.verify(&t, &key.public(), late),
            Err(SignatureError::Stale { .. })
        ));
        let early = now().checked_sub(SignedDuration::from_secs(301)).unwrap();
        assert!(matches!(
            received.verify(&t, &key.public(), early),
            Err(SignatureError::Stale { .. })
        ));
    }

    #[test]
    fn headers_outside_the_profile_are_malformed() {
        let (_, h) = signed(b"", None);
        assert_eq!(
            ReceivedSignature::parse(Some(&h.content_digest), None, None).unwrap_err(),
            SignatureError::Missing
        );
        let cases: Vec<(Option<String>, String, String)> = vec![
            (None, h.signature_input.clone(), h.signature.clone()),
            (
                Some("sha-512=:AAAA:".into()),
                h.signature_input.clone(),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                h.signature_input.replace("wallet=", "other="),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                h.signature_input.replace("\"@query\" ", ""),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                h.signature_input.replace("ecdsa-p256-sha256", "ed25519"),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                format!("{};expires=1", h.signature_input),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                format!("{};created=1", h.signature_input),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                h.signature_input.replace("AAAAAAAAAAAAAAAAAAAAAA", "short"),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                h.signature_input
                    .replace("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAA\\\"AAAAAAAAAAA"),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                h.signature_input.replace("created=", "created=-"),
                h.signature.clone(),
            ),
            (
                Some(h.content_digest.clone()),
                h.signature_input.clone(),
                h.signature.replace("wallet=:", "wallet="),
            ),
            (
                Some(h.content_digest.clone()),
                h.signature_input.clone(),
                "wallet=:AAAA:".into(),
            ),
            (
                Some(h.content_digest.clone()),
                "x".repeat(2000),
                h.signature.clone(),
            ),
        ];
        for (digest, input, signature) in cases {
            let result =
                ReceivedSignature::parse(digest.as_deref(), Some(&input), Some(&signature));
            assert!(
                matches!(result, Err(SignatureError::Malformed(_))),
                "{input} / {signature}: {result:?}"
            );
        }
    }

    #[test]
    fn nonces_are_fresh_and_in_the_profile() {
        let a = new_nonce().unwrap();
        assert_ne!(a, new_nonce().unwrap());
        assert_eq!(a.len(), 22);
    }
}
