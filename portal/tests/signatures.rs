//! Request signatures, as the portal checks them on every wallet route.

mod common;

use common::*;
use docket_core::portal_api::paths;
use jiff::{SignedDuration, Timestamp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_and_malformed_requests_are_refused() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    h.get(paths::HEARINGS, &[])
        .await
        .assert_problem(401, "signature_missing");

    let good = wallet.sign(&Signing {
        method: "GET",
        path: paths::HEARINGS,
        idempotency_key: None,
        body: b"",
        created: Timestamp::now(),
    });
    let cases: Vec<Vec<(&str, String)>> = vec![
        // Only one of the pair.
        vec![
            ("content-digest", good.content_digest.clone()),
            ("signature-input", good.signature_input.clone()),
        ],
        // No digest.
        vec![
            ("signature-input", good.signature_input.clone()),
            ("signature", good.signature.clone()),
        ],
        // Another label, another algorithm, garbage.
        vec![
            ("content-digest", good.content_digest.clone()),
            (
                "signature-input",
                good.signature_input.replace("wallet=", "sig1="),
            ),
            ("signature", good.signature.clone()),
        ],
        vec![
            ("content-digest", good.content_digest.clone()),
            (
                "signature-input",
                good.signature_input.replace("ecdsa-p256-sha256", "ed25519"),
            ),
            ("signature", good.signature.clone()),
        ],
        vec![
            ("content-digest", good.content_digest.clone()),
            ("signature-input", good.signature_input.clone()),
            ("signature", "wallet=:AAAA:".into()),
        ],
        // The header twice.
        vec![
            ("content-digest", good.content_digest.clone()),
            ("signature-input", good.signature_input.clone()),
            ("signature-input", good.signature_input.clone()),
            ("signature", good.signature.clone()),
        ],
    ];
    for headers in cases {
        let mut request = h.client.get(h.url(paths::HEARINGS));
        for (name, value) in &headers {
            request = request.header(*name, value);
        }
        let answer = read(request.send().await.unwrap()).await;
        answer.assert_problem(401, "signature_malformed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_enrolled_key_signs() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let stranger = Wallet::new();
    stranger
        .hearings(&h, &[])
        .await
        .assert_problem(401, "unknown_wallet");
    // Signed by the stranger but naming the enrolled wallet's keyid.
    let headers = stranger.sign(&Signing {
        method: "GET",
        path: paths::HEARINGS,
        idempotency_key: None,
        body: b"",
        created: Timestamp::now(),
    });
    let mut forged = headers.clone();
    forged.signature_input = headers
        .signature_input
        .replace(&stranger.key_id(), &wallet.key_id());
    assert_ne!(forged.signature_input, headers.signature_input);
    send_signed(&h, "GET", paths::HEARINGS, None, b"", &forged, &[])
        .await
        .assert_problem(401, "signature_invalid");
    // Signed for another path.
    let other_path = wallet.sign(&Signing {
        method: "GET",
        path: paths::TRUST_LIST,
        idempotency_key: None,
        body: b"",
        created: Timestamp::now(),
    });
    send_signed(&h, "GET", paths::HEARINGS, None, b"", &other_path, &[])
        .await
        .assert_problem(401, "signature_invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_signatures_tell_the_portal_time() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    for offset in [-400i64, 400] {
        let created = Timestamp::now()
            .checked_add(SignedDuration::from_secs(offset))
            .unwrap();
        let headers = wallet.sign(&Signing {
            method: "GET",
            path: paths::HEARINGS,
            idempotency_key: None,
            body: b"",
            created,
        });
        let before = Timestamp::now();
        let answer = send_signed(&h, "GET", paths::HEARINGS, None, b"", &headers, &[]).await;
        let problem = answer.assert_problem(401, "signature_stale");
        let server_time: Timestamp = problem["server_time"].as_str().unwrap().parse().unwrap();
        assert!(server_time >= before.checked_sub(SignedDuration::from_secs(1)).unwrap());
        assert!(server_time <= Timestamp::now());
    }
    // Within the allowed skew is fine.
    let headers = wallet.sign(&Signing {
        method: "GET",
        path: paths::HEARINGS,
        idempotency_key: None,
        body: b"",
        created: minutes_ago(4),
    });
    let answer = send_signed(&h, "GET", paths::HEARINGS, None, b"", &headers, &[]).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_request_is_refused() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let headers = wallet.sign(&Signing {
        method: "GET",
        path: paths::HEARINGS,
        idempotency_key: None,
        body: b"",
        created: Timestamp::now(),
    });
    let first = send_signed(&h, "GET", paths::HEARINGS, None, b"", &headers, &[]).await;
    assert_eq!(first.status, 200);
    send_signed(&h, "GET", paths::HEARINGS, None, b"", &headers, &[])
        .await
        .assert_problem(401, "signature_replayed");

    // A captured submission replayed is refused as a replay, not answered
    // as an idempotent repeat.
    let key = new_key();
    let headers = wallet.sign(&Signing {
        method: "POST",
        path: paths::CHECK_INS,
        idempotency_key: Some(&key),
        body: check_in().as_bytes(),
        created: Timestamp::now(),
    });
    let json = [("content-type", "application/json")];
    let first = send_signed(
        &h,
        "POST",
        paths::CHECK_INS,
        Some(&key),
        check_in().as_bytes(),
        &headers,
        &json,
    )
    .await;
    assert_eq!(first.status, 201);
    send_signed(
        &h,
        "POST",
        paths::CHECK_INS,
        Some(&key),
        check_in().as_bytes(),
        &headers,
        &json,
    )
    .await
    .assert_problem(401, "signature_replayed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_must_match_its_digest() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let key = new_key();
    let headers = wallet.sign(&Signing {
        method: "POST",
        path: paths::CHECK_INS,
        idempotency_key: Some(&key),
        body: check_in().as_bytes(),
        created: Timestamp::now(),
    });
    let other = &check_in().replace("aquí", "aqui");
    send_signed(
        &h,
        "POST",
        paths::CHECK_INS,
        Some(&key),
        other.as_bytes(),
        &headers,
        &[("content-type", "application/json")],
    )
    .await
    .assert_problem(400, "digest_mismatch");
    // The Idempotency-Key is covered too.
    send_signed(
        &h,
        "POST",
        paths::CHECK_INS,
        Some(&new_key()),
        check_in().as_bytes(),
        &headers,
        &[("content-type", "application/json")],
    )
    .await
    .assert_problem(401, "signature_invalid");
    assert!(docket_portal::admin::received(&h.db).unwrap().is_empty());
}

/// `n − s` for a big-endian 32-byte `s`, `n` the order of P-256.
fn negate_s(s: &[u8]) -> Vec<u8> {
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];
    let mut out = vec![0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut digit = i16::from(N[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(digit < 0);
        if digit < 0 {
            digit += 256;
        }
        out[i] = digit as u8;
    }
    out
}

/// docs/portal-api.yaml states it (issue 14: the spec never said so): a
/// request signature must be low-S. The high-S twin of a valid signature
/// verifies mathematically and is still refused as malformed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_high_s_twin_of_a_valid_signature_is_refused() {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    let mut headers = wallet.sign(&Signing {
        method: "GET",
        path: paths::HEARINGS,
        idempotency_key: None,
        body: b"",
        created: Timestamp::now(),
    });
    let encoded = headers
        .signature
        .strip_prefix("wallet=:")
        .and_then(|rest| rest.strip_suffix(':'))
        .unwrap();
    let mut raw = STANDARD.decode(encoded).unwrap();
    let high = negate_s(&raw[32..]);
    raw[32..].copy_from_slice(&high);
    headers.signature = format!("wallet=:{}:", STANDARD.encode(&raw));
    send_signed(&h, "GET", paths::HEARINGS, None, b"", &headers, &[])
        .await
        .assert_problem(401, "signature_malformed");
}
