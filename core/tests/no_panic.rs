//! No input may panic (issue 2, item 5): arbitrary bytes and strings into
//! every parser, and random edits of genuine presentations into the
//! verifier. Where input does parse, it must be the one canonical encoding.

mod common;

use common::*;
use docket_core::card::{BirthDate, CardDate, HolderName, Nationality, Serial};
use docket_core::device::{DevicePublicKey, DeviceSignature};
use docket_core::encoding::base45;
use docket_core::qr::GrayFrame;
use docket_core::qr::scan::{ScanMode, scan};
use docket_core::sc1::Presentation;
use docket_core::trust::{StatusList, TrustList, TrustStore};
use proptest::prelude::*;

const BASE45: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Strings over the Base45 alphabet behind the SC1 prefix: they pass the
/// cheap checks and reach the payload parser.
fn sc1_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(BASE45.chars().collect::<Vec<_>>()),
        0..420,
    )
    .prop_map(|chars| format!("SC1:{}", chars.into_iter().collect::<String>()))
}

/// A genuine payload (static or live), then a few random edits.
fn edited_payload() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let genuine = vec![
        sign(&card(false)).payload().to_vec(),
        sign(&card(true)).payload().to_vec(),
        live_at(&sign(&card(true)), now()).payload(),
    ];
    (
        proptest::sample::select(genuine),
        proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 1..4),
    )
        .prop_map(|(original, edits)| {
            let mut edited = original.clone();
            for (position, value, kind) in edits {
                let at = usize::from(position) % (edited.len() + 1);
                match kind {
                    0 if at < edited.len() => edited[at] = value,
                    1 => edited.insert(at, value),
                    _ if at < edited.len() => {
                        edited.remove(at);
                    }
                    _ => edited.push(value),
                }
            }
            (original, edited)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic_and_parse_only_canonically(text in any::<String>()) {
        let _ = verifier().verify_text(&text, now());
        if let Ok(presentation) = Presentation::from_text(&text) {
            prop_assert_eq!(presentation.to_text(), text);
        }
    }

    #[test]
    fn sc1_shaped_strings_never_panic_and_parse_only_canonically(text in sc1_like()) {
        let verdict = verifier().verify_text(&text, now());
        prop_assert!(!verdict.is_valid());
        if let Ok(presentation) = Presentation::from_text(&text) {
            prop_assert_eq!(presentation.to_text(), text);
        }
    }

    #[test]
    fn arbitrary_payloads_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(presentation) = Presentation::from_payload(&bytes) {
            prop_assert_eq!(presentation.to_text(), format!("SC1:{}", base45::encode(&bytes)));
        }
        let _ = verifier().verify_text(&format!("SC1:{}", base45::encode(&bytes)), now());
    }

    #[test]
    fn edited_genuine_payloads_are_never_valid((original, edited) in edited_payload()) {
        let verdict = verifier().verify_text(&format!("SC1:{}", base45::encode(&edited)), now());
        prop_assert!(!verdict.is_valid() || edited == original);
    }

    #[test]
    fn arbitrary_trust_data_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = TrustList::parse_and_verify(&bytes, &[root_key().public()]);
        let _ = StatusList::parse_and_verify(&bytes, &trust_list());
        let mut store = TrustStore::new(vec![root_key().public()]);
        let _ = store.install_trust_list(&bytes, now());
        let _ = store.install_status_list(&bytes, now());
    }

    #[test]
    fn arbitrary_field_text_never_panics(a in any::<String>(), b in any::<String>()) {
        let _ = HolderName::fit(&a, &b);
        let _ = HolderName::from_card(a.as_bytes(), b.as_bytes(), false, false);
        let _ = CardDate::parse(&a);
        let _ = BirthDate::parse(&a);
        let _ = Nationality::parse(&a);
        let _ = Serial::parse(&a);
        let _ = base45::decode(&a);
        let _ = DevicePublicKey::from_hex(&a);
    }

    #[test]
    fn arbitrary_key_and_signature_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let _ = DevicePublicKey::from_sec1(&bytes);
        let _ = DevicePublicKey::from_compressed(&bytes);
        let _ = DeviceSignature::from_wire(&bytes);
        let _ = DeviceSignature::from_key_store(&bytes);
    }

    #[test]
    fn arbitrary_frames_never_panic(
        width in 0usize..120,
        height in 0usize..120,
        pixels in proptest::collection::vec(any::<u8>(), 0..14_400),
    ) {
        if let Ok(frame) = GrayFrame::new(width, height, width, &pixels) {
            let _ = scan(&frame, ScanMode::AnyQr);
        }
    }
}
