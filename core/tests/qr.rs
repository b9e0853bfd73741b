//! QR sizes for every name length the format allows, and the round trip
//! presentation -> matrix -> image -> reader -> verifier (issue 2, items
//! 3, 6 and 7).

mod common;

use common::*;
use docket_core::qr::scan::{ScanMode, scan};
use docket_core::qr::{GrayFrame, QrMatrix, RenderOptions, to_gray};

/// Every total name length from 1 to 64 bytes, split as evenly as the
/// per-name guarantee allows.
fn cards_for_every_name_length(bound: bool) -> impl Iterator<Item = docket_core::sc1::SignedCard> {
    (1..=64usize).map(move |total| {
        let family = total.div_ceil(2);
        let given = total - family;
        sign(&card_named(
            &name_of_len(family, 'f'),
            &name_of_len(given, 'g'),
            bound,
        ))
    })
}

#[test]
fn static_codes_fit_version_10_at_level_m_for_every_name_length() {
    for bound in [false, true] {
        for signed in cards_for_every_name_length(bound) {
            let matrix = QrMatrix::encode(&signed.to_text()).unwrap();
            assert!(
                matrix.version() <= 10,
                "bound {bound}: version {}",
                matrix.version()
            );
        }
    }
    let longest = sign(&card_named(
        &name_of_len(32, 'f'),
        &name_of_len(32, 'g'),
        true,
    ));
    assert_eq!(QrMatrix::encode(&longest.to_text()).unwrap().version(), 10);
}

#[test]
fn live_codes_fit_version_12_at_level_m_for_every_name_length() {
    for signed in cards_for_every_name_length(true) {
        let matrix = QrMatrix::encode(&live_at(&signed, now()).to_text()).unwrap();
        assert!(matrix.version() <= 12, "version {}", matrix.version());
    }
}

#[test]
fn successive_live_codes_of_a_card_keep_their_version_and_size() {
    let signed = sign(&card_named(
        &name_of_len(32, 'f'),
        &name_of_len(32, 'g'),
        true,
    ));
    let first = QrMatrix::encode(&live_at(&signed, now()).to_text()).unwrap();
    assert_eq!(first.version(), 12);
    for step in 1..50 {
        let text = live_at(&signed, at(step * 5)).to_text();
        let matrix = QrMatrix::encode(&text).unwrap();
        assert_eq!(
            (matrix.version(), matrix.width()),
            (first.version(), first.width())
        );
        assert_ne!(matrix, first);
    }
}

#[test]
fn a_live_code_drawn_as_an_image_reads_back_and_verifies() {
    let text = live_at(&sign(&card(true)), now()).to_text();
    let matrix = QrMatrix::encode(&text).unwrap();
    let (side, pixels) = to_gray(
        &matrix,
        RenderOptions {
            module_size: 4,
            quiet_zone: 4,
        },
    )
    .unwrap();
    let side = side as usize;
    let frame = GrayFrame::new(side, side, side, &pixels).unwrap();
    let codes = scan(&frame, ScanMode::Sc1);
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].text, text);
    assert_eq!(codes[0].version, matrix.version());
    assert!(verifier().verify_text(&codes[0].text, now()).is_valid());
}
