//! The SC1 version 1 test vectors: what they contain and how they are
//! made. `cargo run -p docket-core --example gen-vectors` writes them to
//! tests/vectors/sc1-v1.json; the `vectors` test checks that the file is
//! exactly what this code makes and that every vector verifies as it says.

use super::raw::RawCard;
use super::*;
use docket_core::encoding::base45;
use docket_core::qr::QrMatrix;
use docket_core::sc1::Presentation;
use docket_core::verify::{HolderView, Verdict, VerifierPolicy};
use serde::Serialize;

/// Path of the vector file, relative to the workspace root.
pub const VECTOR_FILE: &str = "tests/vectors/sc1-v1.json";

#[derive(Serialize)]
pub struct VectorFile {
    pub description: &'static str,
    pub regenerate_with: &'static str,
    pub verification_time: String,
    pub policy: PolicyFigures,
    pub root_public_key: String,
    pub trust_list: String,
    pub status_list: String,
    pub vectors: Vec<Vector>,
}

#[derive(Serialize)]
pub struct PolicyFigures {
    pub live_max_age_seconds: i64,
    pub live_max_future_seconds: i64,
    pub trust_list_max_age_seconds: i64,
    pub status_list_max_age_seconds: i64,
    pub list_issue_time_tolerance_seconds: i64,
}

#[derive(Serialize)]
pub struct Vector {
    pub name: String,
    pub description: &'static str,
    /// When present, verify at this time instead of the file's
    /// verification_time (the lists are still installed at that one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_time: Option<String>,
    pub text: String,
    /// The Base45-decoded payload, when the text has one.
    pub payload: Option<String>,
    pub expected: Expected,
}

#[derive(Serialize)]
pub struct Expected {
    pub verdict: &'static str,
    pub reasons: Vec<&'static str>,
    pub holder: Option<HolderView>,
    pub form: Option<docket_core::verify::PresentationForm>,
    /// QR version at error correction level M, for texts that parse.
    pub qr_version: Option<u8>,
}

impl Expected {
    pub fn of(verdict: &Verdict, text: &str) -> Self {
        Expected {
            verdict: if verdict.is_valid() {
                "valid"
            } else {
                "invalid"
            },
            reasons: verdict.reason_codes(),
            holder: verdict.holder.clone(),
            form: verdict.form,
            qr_version: Presentation::from_text(text)
                .ok()
                .and_then(|_| QrMatrix::encode(text).ok())
                .map(|m| m.version()),
        }
    }
}

fn text(payload: &[u8]) -> String {
    format!("SC1:{}", base45::encode(payload))
}

fn flip(payload: &[u8], byte: usize, bit: u8) -> Vec<u8> {
    let mut out = payload.to_vec();
    out[byte] ^= 1 << bit;
    out
}

fn live_payload(card: &Card, offset: i64) -> Vec<u8> {
    live_at(&sign(card), at(offset)).payload()
}

fn with<F: FnOnce(&mut Card)>(bound: bool, change: F) -> Card {
    let mut card = card(bound);
    change(&mut card);
    card
}

fn raw_with<F: FnOnce(&mut RawCard)>(bound: bool, change: F) -> Vec<u8> {
    let mut raw = RawCard::fixture(bound);
    change(&mut raw);
    raw.signed(&issuer_key())
}

/// A syntactically valid P-256 signature (r = s = 1) that verifies nothing.
fn unit_signature() -> Vec<u8> {
    let mut signature = vec![0u8; 64];
    signature[31] = 1;
    signature[63] = 1;
    signature
}

/// Vectors verified at another time than the file's: (name, description,
/// text, seconds after the file's verification_time).
fn timed_cases() -> Vec<(&'static str, &'static str, String, i64)> {
    let unbound = sign(&card(false)).to_text();
    vec![
        (
            "status_list_stale",
            "Verified 73 hours after the status list was issued (the limit is 72).",
            unbound.clone(),
            72 * 3600,
        ),
        (
            "trust_list_stale",
            "Verified 31 days after the trust list was issued (the limit is 30).",
            unbound.clone(),
            31 * 86_400,
        ),
        (
            "verifier_clock_behind",
            "The verifier's clock 2 hours behind, before the lists' issue time.",
            unbound,
            -2 * 3600,
        ),
    ]
}

/// Every vector as (name, description, text).
fn cases() -> Vec<(&'static str, &'static str, String)> {
    let longest = card_named(&name_of_len(32, 'f'), &name_of_len(32, 'g'), true);
    let unbound = sign(&card(false)).payload().to_vec();
    let live = live_payload(&card(true), -2);
    let split = unbound.len() - 64;
    let static_len = sign(&card(true)).payload().len();
    let high_s_live = {
        let order = hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
            .unwrap();
        let mut out = live.clone();
        let s_start = out.len() - 32;
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let mut d = i16::from(order[i]) - i16::from(out[s_start + i]) - borrow;
            borrow = i16::from(d < 0);
            if d < 0 {
                d += 256;
            }
            out[s_start + i] = d as u8;
        }
        out
    };
    let other_device_live = {
        let card = sign(&card(true));
        let timestamp = (NOW_SECONDS - 2) as u32;
        let message = [
            b"SC1/live\0".as_slice(),
            card.payload(),
            &timestamp.to_be_bytes(),
        ]
        .concat();
        let der = docket_core::device::DeviceSigner::sign(&other_device_key(), &message).unwrap();
        let signature = docket_core::device::DeviceSignature::from_key_store(&der).unwrap();
        [
            &[0x11][..],
            card.payload(),
            &timestamp.to_be_bytes(),
            &signature.to_bytes(),
        ]
        .concat()
    };
    let mut s_plus_l = unbound.clone();
    let order =
        hex::decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010").unwrap();
    let mut carry = 0u16;
    for (i, l) in order.iter().enumerate() {
        let sum = u16::from(s_plus_l[split + 32 + i]) + u16::from(*l) + carry;
        s_plus_l[split + 32 + i] = sum as u8;
        carry = sum >> 8;
    }
    let mut small_r = unbound.clone();
    small_r[split..].fill(0);
    small_r[split] = 1;
    let mut off_curve_key = vec![0x02];
    off_curve_key.extend_from_slice(&[0; 31]);
    off_curve_key.push(1);
    let mut unsupported = unbound.clone();
    unsupported[0] = 0x12;

    vec![
        (
            "static_unbound",
            "The printed card's code: valid.",
            text(&unbound),
        ),
        (
            "static_unbound_names_at_limit",
            "Both names at 32 bytes, unbound: valid.",
            sign(&with(false, |c| c.name = longest.name.clone())).to_text(),
        ),
        (
            "static_unbound_partial_birth_date_stateless",
            "Year-only birth date, sex X, nationality XXA: valid.",
            sign(&with(false, |c| {
                c.date_of_birth = docket_core::card::BirthDate::parse("1979").unwrap();
                c.sex = docket_core::card::Sex::X;
                c.nationality = docket_core::card::Nationality::parse("XXA").unwrap();
            }))
            .to_text(),
        ),
        (
            "static_unbound_shortened_names",
            "Names over the 64-byte budget, shortened and flagged: valid.",
            sign(&card_named(
                "Wolfeschlegelsteinhausenbergerdorff Sr.",
                "Hubert Blaine Wolfe Adolph Charles",
                false,
            ))
            .to_text(),
        ),
        (
            "live_bound",
            "A live code made 2 seconds before verification: valid.",
            text(&live),
        ),
        (
            "live_bound_names_at_limit",
            "The largest live code: valid, QR version 12.",
            text(&live_payload(&longest, -2)),
        ),
        (
            "static_bound",
            "A bound card shown as a still image: refused, holder shown.",
            sign(&card(true)).to_text(),
        ),
        (
            "flipped_bit_in_body",
            "One bit of the family name changed.",
            text(&flip(&unbound, 50, 0)),
        ),
        (
            "flipped_bit_in_signature",
            "One bit of the issuer signature changed.",
            text(&flip(&unbound, unbound.len() - 1, 7)),
        ),
        (
            "signature_s_plus_l",
            "Issuer signature with S + L (non-canonical S).",
            text(&s_plus_l),
        ),
        (
            "signature_small_order_r",
            "Issuer signature with R = identity, S = 0.",
            text(&small_r),
        ),
        (
            "unknown_issuer_key",
            "Signed by the fixture issuer under key id 9.",
            sign(&with(false, |c| {
                c.issuer_key_id = docket_core::trust::KeyId(9)
            }))
            .to_text(),
        ),
        (
            "card_expired",
            "Expired 2026-11-20 (ended everywhere 2026-11-21T12:00Z).",
            sign(&with(false, |c| {
                c.expires = docket_core::card::CardDate::parse("2026-11-20").unwrap()
            }))
            .to_text(),
        ),
        (
            "card_not_yet_valid",
            "Issued 2026-11-24.",
            sign(&with(false, |c| {
                c.issued = docket_core::card::CardDate::parse("2026-11-24").unwrap()
            }))
            .to_text(),
        ),
        (
            "card_revoked",
            "Status index 3, revoked in the status list.",
            sign(&with(false, |c| {
                c.status_index = docket_core::card::StatusIndex::new(REVOKED_INDEX).unwrap()
            }))
            .to_text(),
        ),
        (
            "card_suspended",
            "Status index 4, suspended in the status list.",
            sign(&with(false, |c| {
                c.status_index = docket_core::card::StatusIndex::new(SUSPENDED_INDEX).unwrap()
            }))
            .to_text(),
        ),
        (
            "status_index_out_of_range",
            "Status index 1024, beyond the 1024-entry list.",
            sign(&with(false, |c| {
                c.status_index = docket_core::card::StatusIndex::new(STATUS_LIST_LEN).unwrap()
            }))
            .to_text(),
        ),
        (
            "live_stale",
            "A live code made 31 seconds before verification.",
            text(&live_payload(&card(true), -31)),
        ),
        (
            "live_from_future",
            "A live code made 31 seconds after verification.",
            text(&live_payload(&card(true), 31)),
        ),
        (
            "live_other_device",
            "A live code signed by a key other than the bound one.",
            text(&other_device_live),
        ),
        (
            "live_high_s",
            "The high-S twin of a valid live signature.",
            text(&high_s_live),
        ),
        (
            "truncated",
            "The live payload without its last byte.",
            text(&live[..live.len() - 1]),
        ),
        (
            "truncated_inside_static_part",
            "A live payload cut inside its card record.",
            text(&live[..static_len / 2]),
        ),
        (
            "trailing_bytes",
            "A static payload with one extra zero byte.",
            text(&[unbound.clone(), vec![0]].concat()),
        ),
        (
            "bad_prefix_lower_case",
            "The prefix in lower case.",
            format!("sc1:{}", &text(&unbound)[4..]),
        ),
        (
            "bad_prefix_other_scheme",
            "An EU DCC prefix.",
            format!("HC1:{}", &text(&unbound)[4..]),
        ),
        (
            "unsupported_version",
            "Format byte 0x12.",
            text(&unsupported),
        ),
        (
            "base45_bad_character",
            "A lower-case letter in the Base45 text.",
            format!("SC1:{}a", &text(&unbound)[4..text(&unbound).len() - 1]),
        ),
        (
            "base45_group_overflow",
            "A three-character group worth 65536.",
            "SC1:GGW".to_owned(),
        ),
        (
            "base45_bad_length",
            "Base45 text of length 1 mod 3.",
            "SC1:BB8B".to_owned(),
        ),
        (
            "too_large",
            "415 characters: refused before decoding.",
            format!("SC1:{}", "0".repeat(411)),
        ),
        (
            "name_bidi_override",
            "A right-to-left override in the family name (signed).",
            text(&raw_with(false, |r| {
                r.family = "Ali\u{202E}ecila".as_bytes().to_vec()
            })),
        ),
        (
            "name_zero_width",
            "A zero-width space in the given names (signed).",
            text(&raw_with(false, |r| {
                r.given = "Ma\u{200B}ria".as_bytes().to_vec()
            })),
        ),
        (
            "name_not_nfc",
            "A decomposed accent in the family name (signed).",
            text(&raw_with(false, |r| {
                r.family = "Garci\u{301}a".as_bytes().to_vec()
            })),
        ),
        (
            "name_invalid_utf8",
            "A Latin-1 byte in the family name (signed).",
            text(&raw_with(false, |r| r.family = b"Garc\xEDa".to_vec())),
        ),
        (
            "birth_date_impossible",
            "Born 1990-02-30 (signed).",
            text(&raw_with(false, |r| {
                r.birth_month = 2;
                r.birth_day = 30;
            })),
        ),
        (
            "device_key_off_curve",
            "A bound card whose key has x = 1, not on P-256 (signed).",
            text(&raw_with(true, |r| r.device_key = off_curve_key.clone())),
        ),
        (
            "card_status_unknown",
            "An unbound card at status index 5, whose value 3 means a binding ended: on a printed card's own entry it is not assigned, so refused as unknown.",
            sign(&with(false, |c| {
                c.status_index = docket_core::card::StatusIndex::new(RESERVED_INDEX).unwrap()
            }))
            .to_text(),
        ),
        (
            "binding_revoked",
            "A live code of a card bound to a phone whose binding ended (its own status index 5 holds value 3): refused, holder shown; the printed card is not affected.",
            text(&live_payload(
                &with(true, |c| {
                    c.status_index = docket_core::card::StatusIndex::new(RESERVED_INDEX).unwrap()
                }),
                -2,
            )),
        ),
        (
            "live_code_unbound",
            "A live wrapper around an unbound card (r = s = 1).",
            text(
                &[
                    &[0x11][..],
                    &unbound,
                    &((NOW_SECONDS - 2) as u32).to_be_bytes(),
                    &unit_signature(),
                ]
                .concat(),
            ),
        ),
        (
            "reserved_bits_set",
            "The lowest attribute bit set (signed).",
            text(&raw_with(false, |r| r.reserved = 1)),
        ),
        (
            "name_hangul_filler",
            "A family name of U+3164 HANGUL FILLER, a 'letter' that displays as nothing (signed).",
            text(&raw_with(false, |r| {
                r.family = "\u{3164}".as_bytes().to_vec()
            })),
        ),
    ]
}

/// Builds the whole vector file.
pub fn generate() -> VectorFile {
    let policy = VerifierPolicy::default();
    let at_file_time = cases()
        .into_iter()
        .map(|(name, description, text)| (name, description, text, None));
    let at_other_times = timed_cases()
        .into_iter()
        .map(|(name, description, text, offset)| (name, description, text, Some(at(offset))));
    let vectors = at_file_time
        .chain(at_other_times)
        .map(|(name, description, text, time)| {
            let verdict = verifier().verify_text(&text, time.unwrap_or_else(now));
            let payload = text
                .strip_prefix("SC1:")
                .and_then(|b| base45::decode(b).ok())
                .map(hex::encode);
            Vector {
                name: name.to_owned(),
                description,
                verification_time: time.map(|t| t.to_string()),
                expected: Expected::of(&verdict, &text),
                text,
                payload,
            }
        })
        .collect();
    VectorFile {
        description: "SC1 version 1 test vectors (docs/sc1-format.md). Verify each text with a fresh verifier that pins root_public_key and has installed trust_list and status_list at verification_time; verify at the vector's own verification_time when it has one, else at the file's; compare verdict, reasons (in order), holder, form and qr_version.",
        regenerate_with: "cargo run -p docket-core --example gen-vectors",
        verification_time: now().to_string(),
        policy: PolicyFigures {
            live_max_age_seconds: policy.live_max_age.as_secs(),
            live_max_future_seconds: policy.live_max_future.as_secs(),
            trust_list_max_age_seconds: policy.trust_list_max_age.as_secs(),
            status_list_max_age_seconds: policy.status_list_max_age.as_secs(),
            list_issue_time_tolerance_seconds: docket_core::trust::ISSUE_TIME_TOLERANCE.as_secs(),
        },
        root_public_key: root_key().public().to_hex(),
        trust_list: hex::encode(trust_list_bytes()),
        status_list: hex::encode(status_list_bytes()),
        vectors,
    }
}

/// The file's exact text.
pub fn render() -> String {
    let mut json = serde_json::to_string_pretty(&generate()).unwrap();
    json.push('\n');
    json
}
