//! The officer's procedure, rejection by rejection (issue 2, item 5).

mod common;

use common::*;
use docket_core::card::StatusIndex;
use docket_core::device::DeviceSigner;
use docket_core::sc1::{Presentation, SignedCard};
use docket_core::trust::{Ed25519SigningKey, KeyId, KeyUsage, TrustError, TrustList, TrustStore};
use docket_core::verify::{PresentationForm, Verdict, Verifier, VerifierPolicy};
use jiff::Timestamp;

fn codes(verdict: &Verdict) -> Vec<&'static str> {
    verdict.reason_codes()
}

fn verify_text(text: &str) -> Verdict {
    verifier().verify_text(text, now())
}

fn static_text(bound: bool) -> String {
    sign(&card(bound)).to_text()
}

fn live_text(offset_seconds: i64) -> String {
    live_at(&sign(&card(true)), at(offset_seconds)).to_text()
}

/// A verifier whose trust list is `list`, with the fixture status list
/// installed when `list` still trusts its signer (tests that need it assert
/// a valid verdict, which requires it).
fn verifier_with(list: TrustList) -> Verifier {
    let mut store = TrustStore::new(vec![root_key().public()]);
    store
        .install_trust_list(&list.sign(&root_key()).unwrap(), now())
        .unwrap();
    let _ = store.install_status_list(&status_list_bytes(), now());
    Verifier::new(store, VerifierPolicy::default())
}

// --- the valid cases -------------------------------------------------------

#[test]
fn a_printed_card_is_valid_and_shows_its_holder() {
    let verdict = verify_text(&static_text(false));
    assert!(verdict.is_valid(), "{:?}", verdict.reasons);
    assert_eq!(verdict.form, Some(PresentationForm::Static));
    let holder = verdict.holder.unwrap();
    assert_eq!(holder.family_name, "García Hernández");
    assert_eq!(holder.given_names, "María José");
    assert_eq!(holder.date_of_birth, "1990-04-12");
    assert_eq!(holder.nationality_name, "Mexico");
    assert_eq!(holder.card_number, "28T5-CY4T");
    assert!(!holder.bound_to_phone);
}

#[test]
fn a_fresh_live_code_is_valid() {
    let verdict = verify_text(&live_text(-2));
    assert!(verdict.is_valid(), "{:?}", verdict.reasons);
    assert_eq!(verdict.form, Some(PresentationForm::Live));
    assert!(verdict.holder.unwrap().bound_to_phone);
}

#[test]
fn a_still_image_of_a_phones_card_is_refused_but_identifies_the_holder() {
    let verdict = verify_text(&static_text(true));
    assert_eq!(codes(&verdict), ["live_presentation_required"]);
    assert!(verdict.holder.is_some());
}

// --- flipped bits ----------------------------------------------------------

#[test]
fn every_flipped_bit_of_a_static_card_is_refused() {
    let payload = sign(&card(false)).payload().to_vec();
    let mut verifier = verifier();
    for bit in 0..payload.len() * 8 {
        let mut flipped = payload.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let text = format!("SC1:{}", docket_core::encoding::base45::encode(&flipped));
        let verdict = verifier.verify_text(&text, now());
        assert!(!verdict.is_valid(), "bit {bit} flipped still verifies");
        if bit / 8 >= 1 + 5 + 2 && bit / 8 < payload.len() - 64 && verdict.holder.is_some() {
            panic!("bit {bit}: a changed card must not show holder data");
        }
    }
}

#[test]
fn every_flipped_bit_of_a_live_code_is_refused() {
    let live = live_at(&sign(&card(true)), at(-1));
    let payload = live.payload();
    let static_len = live.card().payload().len();
    let mut verifier = verifier();
    for bit in 0..payload.len() * 8 {
        let mut flipped = payload.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let text = format!("SC1:{}", docket_core::encoding::base45::encode(&flipped));
        let verdict = verifier.verify_text(&text, now());
        assert!(
            !verdict.is_valid(),
            "bit {bit} flipped still verifies: {:?}",
            verdict
        );
        // Flips in the timestamp or device signature leave a genuine card
        // whose live proof fails.
        if bit / 8 > static_len {
            assert!(
                codes(&verdict).iter().any(|c| {
                    [
                        "device_signature_invalid",
                        "invalid_device_signature",
                        "live_code_stale",
                        "live_code_from_future",
                    ]
                    .contains(c)
                }),
                "bit {bit}: {:?}",
                codes(&verdict)
            );
        }
    }
}

// --- issuer keys -----------------------------------------------------------

#[test]
fn an_unknown_key_id_is_refused() {
    let mut card = card(false);
    card.issuer_key_id = KeyId(9);
    let verdict = verify_text(&sign(&card).to_text());
    assert_eq!(codes(&verdict), ["unknown_issuer_key"]);
    assert!(verdict.holder.is_none());
}

#[test]
fn a_key_outside_its_validity_window_is_refused() {
    // The key's window ended yesterday: refused now.
    let mut expired_key = key_entry(ISSUER_KEY_ID, KeyUsage::ALL, &issuer_key());
    expired_key.not_after = at(-86_400);
    let mut list = trust_list();
    list.keys = vec![expired_key];
    let verdict = verifier_with(list).verify_text(&static_text(false), now());
    assert_eq!(codes(&verdict), ["issuer_key_outside_validity"]);

    // The key began after the card's issue date: it cannot have signed it.
    let mut late_key = key_entry(ISSUER_KEY_ID, KeyUsage::ALL, &issuer_key());
    late_key.not_before = "2026-02-01T00:00:00Z".parse().unwrap();
    let mut list = trust_list();
    list.keys = vec![late_key];
    let verdict = verifier_with(list).verify_text(&static_text(false), now());
    assert_eq!(codes(&verdict), ["issuer_key_outside_validity"]);
}

#[test]
fn a_key_without_the_card_usage_is_refused() {
    let mut list = trust_list();
    list.keys = vec![key_entry(ISSUER_KEY_ID, KeyUsage::STATUS, &issuer_key())];
    let verdict = verifier_with(list).verify_text(&static_text(false), now());
    assert_eq!(codes(&verdict), ["issuer_key_wrong_usage"]);
}

#[test]
fn a_shared_key_id_finds_the_right_key_and_not_the_wrong_one() {
    // Two card keys and one status-only key share id 1.
    let status_only = Ed25519SigningKey::from_seed(&[0x06; 32]);
    let mut list = trust_list();
    list.keys = vec![
        key_entry(ISSUER_KEY_ID, KeyUsage::CARDS, &other_issuer_key()),
        key_entry(ISSUER_KEY_ID, KeyUsage::STATUS, &status_only),
        key_entry(ISSUER_KEY_ID, KeyUsage::ALL, &issuer_key()),
    ];
    let mut verifier = verifier_with(list);
    // Signed by the second card key (listed last): valid.
    assert!(verifier.verify_text(&static_text(false), now()).is_valid());
    // Signed by the first card key: valid too.
    let other = SignedCard::issue(&card(false), &other_issuer_key()).unwrap();
    assert!(verifier.verify_text(&other.to_text(), now()).is_valid());
    // Signed by the status-only key that shares the id: refused for usage.
    let wrong = SignedCard::issue(&card(false), &status_only).unwrap();
    assert_eq!(
        codes(&verifier.verify_text(&wrong.to_text(), now())),
        ["issuer_key_wrong_usage"]
    );
    // Signed by a key nobody trusts, claiming the shared id: forged.
    let stranger =
        SignedCard::issue(&card(false), &Ed25519SigningKey::from_seed(&[0x07; 32])).unwrap();
    let verdict = verifier.verify_text(&stranger.to_text(), now());
    assert_eq!(codes(&verdict), ["issuer_signature_invalid"]);
    assert!(verdict.holder.is_none());
}

// --- card dates ------------------------------------------------------------

#[test]
fn an_expired_card_is_refused_from_the_end_of_its_last_day_anywhere() {
    // 2031-01-15 ends everywhere at 2031-01-16T12:00:00Z. Verify then with
    // lists issued the day before and a key valid until 2040.
    let end: Timestamp = "2031-01-16T12:00:00Z".parse().unwrap();
    let issued = end.checked_sub(days(1)).unwrap();
    let mut list = trust_list();
    list.meta = meta(6, issued, days(10));
    list.keys[0].not_after = "2040-01-01T00:00:00Z".parse().unwrap();
    let mut status = status_list();
    status.meta = meta(8, issued, days(10));
    let mut store = TrustStore::new(vec![root_key().public()]);
    store
        .install_trust_list(&list.sign(&root_key()).unwrap(), end)
        .unwrap();
    store
        .install_status_list(&status.sign(&issuer_key()).unwrap(), end)
        .unwrap();
    let mut verifier = Verifier::new(store, VerifierPolicy::default());

    let text = static_text(false);
    let just_before = end.checked_sub(jiff::SignedDuration::from_secs(1)).unwrap();
    assert!(verifier.verify_text(&text, just_before).is_valid());
    assert_eq!(codes(&verifier.verify_text(&text, end)), ["card_expired"]);
}

#[test]
fn a_card_is_not_valid_before_its_issue_date_begins_anywhere() {
    let mut future = card(false);
    future.issued = docket_core::card::CardDate::parse("2026-11-24").unwrap();
    let verdict = verify_text(&sign(&future).to_text());
    assert_eq!(codes(&verdict), ["card_not_yet_valid"]);
    // 2026-11-23 begins at UTC+14 on 2026-11-22T10:00Z, before now (12:00Z).
    let mut tomorrow = card(false);
    tomorrow.issued = docket_core::card::CardDate::parse("2026-11-23").unwrap();
    assert!(verify_text(&sign(&tomorrow).to_text()).is_valid());
}

// --- status ------------------------------------------------------------------

fn card_at_index(index: u32) -> String {
    let mut card = card(false);
    card.status_index = StatusIndex::new(index).unwrap();
    sign(&card).to_text()
}

#[test]
fn revoked_suspended_and_unknown_statuses_are_refused() {
    assert_eq!(
        codes(&verify_text(&card_at_index(REVOKED_INDEX))),
        ["card_revoked"]
    );
    assert_eq!(
        codes(&verify_text(&card_at_index(SUSPENDED_INDEX))),
        ["card_suspended"]
    );
    assert_eq!(
        codes(&verify_text(&card_at_index(RESERVED_INDEX))),
        ["card_status_unknown"]
    );
    assert!(verify_text(&card_at_index(STATUS_LIST_LEN - 1)).is_valid());
}

#[test]
fn an_index_beyond_the_list_is_refused() {
    let verdict = verify_text(&card_at_index(STATUS_LIST_LEN));
    assert_eq!(codes(&verdict), ["status_index_out_of_range"]);
    assert!(verdict.holder.is_some());
}

#[test]
fn problems_after_the_signature_are_all_reported() {
    let mut card = card(true);
    card.status_index = StatusIndex::new(REVOKED_INDEX).unwrap();
    card.expires = docket_core::card::CardDate::parse("2026-02-01").unwrap();
    let verdict = verify_text(&sign(&card).to_text());
    assert_eq!(
        codes(&verdict),
        ["card_expired", "card_revoked", "live_presentation_required"]
    );
}

// --- trust and status lists ------------------------------------------------

#[test]
fn without_trust_data_nothing_is_valid() {
    let mut bare = Verifier::new(
        TrustStore::new(vec![root_key().public()]),
        VerifierPolicy::default(),
    );
    assert_eq!(
        codes(&bare.verify_text(&static_text(false), now())),
        ["trust_list_missing"]
    );
    bare.store_mut()
        .install_trust_list(&trust_list_bytes(), now())
        .unwrap();
    let verdict = bare.verify_text(&static_text(false), now());
    assert_eq!(codes(&verdict), ["status_list_missing"]);
}

#[test]
fn a_stale_or_expired_trust_list_is_refused() {
    let mut verifier = verifier();
    // Issued an hour before now, stale after 30 days, expired after 365.
    let stale_time = at(31 * 86_400);
    let verdict = verifier.verify_text(&static_text(false), stale_time);
    assert_eq!(codes(&verdict), ["trust_list_stale"]);
    let expired_time = at(366 * 86_400);
    assert_eq!(
        codes(&verifier.verify_text(&static_text(false), expired_time)),
        ["trust_list_expired"]
    );
}

#[test]
fn a_stale_or_expired_status_list_is_refused() {
    let mut verifier = verifier();
    // Status list: issued an hour before now, stale after 72 h, expired
    // after 30 days.
    assert_eq!(
        codes(&verifier.verify_text(&static_text(false), at(3 * 86_400))),
        ["status_list_stale"]
    );
    // It expires 30 days after issue, i.e. 30 days less an hour after now.
    let expiry = at(30 * 86_400 - 3600);
    assert_eq!(
        codes(&verifier.verify_text(&static_text(false), expiry)),
        ["status_list_expired"]
    );
}

#[test]
fn a_badly_signed_list_is_refused_at_installation() {
    let mut store = TrustStore::new(vec![root_key().public()]);
    let mut bytes = trust_list_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    assert_eq!(
        store.install_trust_list(&bytes, now()).unwrap_err().code(),
        "trust_list_bad_signature"
    );
    // Signed by the wrong root.
    let forged = trust_list().sign(&issuer_key()).unwrap();
    assert_eq!(
        store.install_trust_list(&forged, now()).unwrap_err().code(),
        "trust_list_bad_signature"
    );

    store
        .install_trust_list(&trust_list_bytes(), now())
        .unwrap();
    let mut status = status_list_bytes();
    status[60] ^= 1;
    let error = store.install_status_list(&status, now()).unwrap_err();
    assert!(
        matches!(
            error.code(),
            "status_list_bad_signature" | "status_list_malformed"
        ),
        "{error:?}"
    );
    // Signed by a key the trust list does not have under that id.
    let forged = status_list().sign(&other_issuer_key()).unwrap();
    assert_eq!(
        store
            .install_status_list(&forged, now())
            .unwrap_err()
            .code(),
        "status_list_bad_signature"
    );
    // A status list signed by a key without the status usage.
    let mut list = trust_list();
    list.keys = vec![key_entry(ISSUER_KEY_ID, KeyUsage::CARDS, &issuer_key())];
    list.meta.sequence = 6;
    store
        .install_trust_list(&list.sign(&root_key()).unwrap(), now())
        .unwrap();
    let error = store
        .install_status_list(&status_list_bytes(), now())
        .unwrap_err();
    assert_eq!(error.code(), "status_list_bad_signature");
}

#[test]
fn a_rolled_back_list_is_refused_even_after_a_restart() {
    let mut store = store();
    let mut older = trust_list();
    older.meta.sequence = 4;
    let error = store
        .install_trust_list(&older.sign(&root_key()).unwrap(), now())
        .unwrap_err();
    assert_eq!(
        error,
        TrustError::RolledBack {
            kind: docket_core::trust::ListKind::TrustList,
            installed: 5,
            offered: 4
        }
    );
    let mut older_status = status_list();
    older_status.meta.sequence = 6;
    let error = store
        .install_status_list(&older_status.sign(&issuer_key()).unwrap(), now())
        .unwrap_err();
    assert_eq!(error.code(), "status_list_rolled_back");

    // A new store given the persisted floors refuses the same rollback.
    let (trust_floor, status_floor) = store.floors();
    let mut restarted =
        TrustStore::new(vec![root_key().public()]).with_floors(trust_floor, status_floor);
    let error = restarted
        .install_trust_list(&older.sign(&root_key()).unwrap(), now())
        .unwrap_err();
    assert_eq!(error.code(), "trust_list_rolled_back");
    // The same list as before is fine; a different list under the same
    // sequence is equivocation.
    restarted
        .install_trust_list(&trust_list_bytes(), now())
        .unwrap();
    let mut same_sequence = trust_list();
    same_sequence.meta.expires_at = at(86_400 * 100);
    let error = restarted
        .install_trust_list(&same_sequence.sign(&root_key()).unwrap(), now())
        .unwrap_err();
    assert_eq!(error.code(), "trust_list_sequence_reused");
}

#[test]
fn expired_lists_and_lists_from_the_future_are_refused_at_installation() {
    let mut store = TrustStore::new(vec![root_key().public()]);
    let error = store
        .install_trust_list(&trust_list_bytes(), at(400 * 86_400))
        .unwrap_err();
    assert_eq!(error.code(), "trust_list_expired");
    // The list was issued an hour before now: a clock two hours behind
    // cannot install it.
    let error = store
        .install_trust_list(&trust_list_bytes(), at(-7200))
        .unwrap_err();
    assert_eq!(error.code(), "verifier_clock_behind");
}

#[test]
fn a_clock_behind_the_newest_list_is_refused() {
    let mut verifier = verifier();
    // Lists were issued an hour before now; five minutes of tolerance.
    let verdict = verifier.verify_text(&static_text(false), at(-3600 - 301));
    assert_eq!(codes(&verdict), ["verifier_clock_behind"]);
    assert!(verdict.holder.is_none());
    assert!(
        verifier
            .verify_text(&static_text(false), at(-3600 - 299))
            .is_valid()
    );
}

#[test]
fn a_new_trust_list_without_the_status_signer_drops_the_status_list() {
    let mut store = store();
    let mut list = trust_list();
    list.meta.sequence = 6;
    list.keys = vec![key_entry(ISSUER_KEY_ID, KeyUsage::CARDS, &issuer_key())];
    store
        .install_trust_list(&list.sign(&root_key()).unwrap(), now())
        .unwrap();
    assert!(store.status_list().is_none());
    let mut verifier = Verifier::new(store, VerifierPolicy::default());
    assert_eq!(
        codes(&verifier.verify_text(&static_text(false), now())),
        ["status_list_missing"]
    );
}

#[test]
fn a_new_trust_list_that_gives_the_signers_id_to_another_key_drops_the_status_list() {
    let mut store = store();
    let mut list = trust_list();
    list.meta.sequence = 6;
    // Same id, same usage, different key: the installed status list was
    // not signed by anything this list trusts.
    list.keys = vec![key_entry(ISSUER_KEY_ID, KeyUsage::ALL, &other_issuer_key())];
    store
        .install_trust_list(&list.sign(&root_key()).unwrap(), now())
        .unwrap();
    assert!(store.status_list().is_none());
}

// --- live codes ------------------------------------------------------------

#[test]
fn a_stale_live_code_is_refused() {
    assert!(verify_text(&live_text(-30)).is_valid());
    assert_eq!(codes(&verify_text(&live_text(-31))), ["live_code_stale"]);
    assert_eq!(
        codes(&verify_text(&live_text(-86_400))),
        ["live_code_stale"]
    );
}

#[test]
fn a_live_code_from_beyond_the_clock_skew_is_refused() {
    assert!(verify_text(&live_text(30)).is_valid());
    assert_eq!(
        codes(&verify_text(&live_text(31))),
        ["live_code_from_future"]
    );
}

#[test]
fn a_reused_live_code_is_refused() {
    let text = live_text(-1);
    let mut verifier = verifier();
    assert!(verifier.verify_text(&text, now()).is_valid());
    let again = verifier.verify_text(&text, at(3));
    assert_eq!(codes(&again), ["live_code_replayed"]);
    // The next code the phone shows is accepted.
    assert!(verifier.verify_text(&live_text(4), at(5)).is_valid());
}

/// A live payload for `card` at `timestamp` with `signature` (64 bytes)
/// spliced in, bypassing the wallet's own checks.
fn forged_live(card: &SignedCard, timestamp: u32, signature: &[u8]) -> String {
    let payload = [
        &[0x11][..],
        card.payload(),
        &timestamp.to_be_bytes(),
        signature,
    ]
    .concat();
    format!("SC1:{}", docket_core::encoding::base45::encode(&payload))
}

fn live_message(card: &SignedCard, timestamp: u32) -> Vec<u8> {
    [
        b"SC1/live\0".as_slice(),
        card.payload(),
        &timestamp.to_be_bytes(),
    ]
    .concat()
}

#[test]
fn a_live_code_signed_by_another_phone_is_refused() {
    let card = sign(&card(true));
    let timestamp = (NOW_SECONDS - 1) as u32;
    let der = other_device_key()
        .sign(&live_message(&card, timestamp))
        .unwrap();
    let signature = docket_core::device::DeviceSignature::from_key_store(&der).unwrap();
    let verdict = verify_text(&forged_live(&card, timestamp, &signature.to_bytes()));
    assert_eq!(codes(&verdict), ["device_signature_invalid"]);
    // The wallet itself refuses to make one.
    let error =
        docket_core::sc1::LivePresentation::create(&card, &other_device_key(), now()).unwrap_err();
    assert_eq!(error, docket_core::sc1::LiveError::WrongKey);
}

#[test]
fn der_high_s_and_out_of_range_device_signatures_are_refused() {
    let card = sign(&card(true));
    let timestamp = (NOW_SECONDS - 1) as u32;
    let der = device_key().sign(&live_message(&card, timestamp)).unwrap();
    // DER where the 64-byte form belongs.
    let verdict = verify_text(&forged_live(&card, timestamp, &der));
    assert!(!verdict.is_valid());
    assert!(matches!(
        codes(&verdict)[0],
        "trailing_bytes" | "truncated" | "invalid_device_signature"
    ));
    // The malleable high-S twin of a valid signature.
    let low = docket_core::device::DeviceSignature::from_key_store(&der)
        .unwrap()
        .to_bytes();
    let order =
        hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").unwrap();
    let high_s = subtract_be(&order, &low[32..]);
    let twin = [&low[..32], &high_s[..]].concat();
    assert_eq!(
        codes(&verify_text(&forged_live(&card, timestamp, &twin))),
        ["invalid_device_signature"]
    );
    // r = 0, and s = n (out of range).
    let zero_r = [&[0u8; 32][..], &low[32..]].concat();
    assert_eq!(
        codes(&verify_text(&forged_live(&card, timestamp, &zero_r))),
        ["invalid_device_signature"]
    );
    let s_is_n = [&low[..32], &order[..]].concat();
    assert_eq!(
        codes(&verify_text(&forged_live(&card, timestamp, &s_is_n))),
        ["invalid_device_signature"]
    );
    // And the untouched low-S signature is accepted.
    assert!(verify_text(&forged_live(&card, timestamp, &low)).is_valid());
}

/// a − b for 32-byte big-endian numbers with a > b.
fn subtract_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

#[test]
fn a_live_code_for_an_unbound_card_cannot_exist() {
    let unbound = sign(&card(false));
    let text = forged_live(&unbound, (NOW_SECONDS - 1) as u32, &[1u8; 64]);
    assert_eq!(codes(&verify_text(&text)), ["live_code_unbound"]);
    let error =
        docket_core::sc1::LivePresentation::create(&unbound, &device_key(), now()).unwrap_err();
    assert_eq!(error, docket_core::sc1::LiveError::NotBound);
}

#[test]
fn parsed_presentations_round_trip_to_the_same_text() {
    for text in [static_text(false), static_text(true), live_text(0)] {
        assert_eq!(Presentation::from_text(&text).unwrap().to_text(), text);
    }
}
