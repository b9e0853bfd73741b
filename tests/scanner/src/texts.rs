//! SC1 texts for the samples, made with docket-core's public API.
//!
//! The keys are those of core's test fixtures (`core/tests/common`): issuer
//! key seed `[0x02; 32]` with key id 1, device key seed `[0x04; 32]`, cards
//! issued 2026-01-15 and expiring 2031-01-15, live codes timed within a few
//! minutes of the fixtures' clock (2026-11-22T12:00:00Z), status indices
//! clear of the fixture list's revoked, suspended and reserved entries. So a
//! decoded text can also be checked with the fixture verifier.

use crate::rng::Rng;
use docket_core::card::{
    BirthDate, Card, CardDate, CaseReference, HolderName, Nationality, PhotoDigest, Serial, Sex,
    StatusIndex,
};
use docket_core::device::SoftwareDeviceKey;
use docket_core::sc1::{LivePresentation, SignedCard};
use docket_core::trust::{Ed25519SigningKey, KeyId};
use jiff::Timestamp;

/// The fixtures' clock: 2026-11-22T12:00:00Z.
const NOW_SECONDS: i64 = 1_795_348_800;

/// How a wallet shows the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Static code of a card not bound to a phone key.
    StaticUnbound,
    /// Static code of a bound card.
    StaticBound,
    /// Live code (bound card, timestamp, device signature).
    Live,
}

/// Holder names: short, typical Spanish, Vietnamese and Arabic names, and
/// names at (or over, then shortened to) the 32 + 32-byte limit.
pub const NAMES: &[(&str, &str)] = &[
    ("Li", ""),
    ("Ng", "An"),
    ("Pérez", "Juan"),
    ("García Hernández", "María José"),
    ("Rodríguez Villalobos", "José Antonio"),
    ("Nguyễn", "Thị Minh Khai"),
    ("Trần", "Văn Đức"),
    ("Phạm Nguyễn", "Hoàng Bảo Ngọc"),
    ("الهاشمي", "عبد الرحمن"),
    ("حداد", "فاطمة الزهراء"),
    (
        "Hernández de la Santísima Trinidad",
        "María de los Ángeles Guadalupe",
    ),
    (
        "Wolfeschlegelsteinhausenbergerdorff",
        "Hubert Blaine Maximilian Johann",
    ),
    (
        "Al-Abdulrahman bin Khalid Al-Mansouri",
        "Mohammed Abdulaziz Abdullah",
    ),
];

const NATIONALITIES: &[&str] = &[
    "MEX", "GTM", "HND", "SLV", "VNM", "SYR", "AFG", "VEN", "XXA",
];

fn issuer_key() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&[0x02; 32])
}

fn device_key() -> SoftwareDeviceKey {
    SoftwareDeviceKey::from_seed(&[0x04; 32]).expect("fixed valid P-256 seed")
}

/// One card's SC1 text: names and form as given, every other field drawn
/// from `rng`.
pub fn sc1_text(rng: &mut Rng, names: (&str, &str), form: Form) -> String {
    let bound = form != Form::StaticUnbound;
    let device = device_key();
    let year = 1950 + rng.below(55);
    let dob = match rng.below(8) {
        0 => format!("{year}"),
        1 => format!("{year}-{:02}", 1 + rng.below(12)),
        _ => format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
    };
    let card = Card {
        serial: Serial::new(rng.below(Serial::MAX) + 1).expect("40-bit"),
        name: HolderName::fit(names.0, names.1).expect("fixture names are valid"),
        date_of_birth: BirthDate::parse(&dob).expect("valid date"),
        sex: *rng.pick(&[Sex::F, Sex::M, Sex::X]),
        nationality: Nationality::parse(rng.pick::<&str>(NATIONALITIES)).expect("known code"),
        issued: CardDate::parse("2026-01-15").expect("valid date"),
        expires: CardDate::parse("2031-01-15").expect("valid date"),
        case_reference: CaseReference::new(rng.below(CaseReference::MAX) + 1).expect("40-bit"),
        photo_digest: PhotoDigest::of_photo(&rng.next_u64().to_le_bytes()),
        issuer_key_id: KeyId(1),
        status_index: StatusIndex::new(6 + rng.below(1000) as u32).expect("in range"),
        device_key: bound.then(|| device.public()),
    };
    let signed = SignedCard::issue(&card, &issuer_key()).expect("fixture card signs");
    match form {
        Form::StaticUnbound | Form::StaticBound => signed.to_text(),
        Form::Live => {
            let at = Timestamp::from_second(NOW_SECONDS - 600 + rng.below(1200) as i64)
                .expect("valid time");
            LivePresentation::create(&signed, &device, at)
                .expect("bound card, matching key")
                .to_text()
        }
    }
}

/// A text for one sample: a name and a form drawn from `rng`, weighted so
/// that every QR version an SC1 code can have (7 to 12) is common.
pub fn random_text(rng: &mut Rng) -> String {
    let names = *rng.pick(NAMES);
    let form = match rng.below(3) {
        0 => Form::StaticUnbound,
        1 => Form::StaticBound,
        _ => Form::Live,
    };
    sc1_text(rng, names, form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use docket_core::qr::QrMatrix;
    use docket_core::sc1::Presentation;

    #[test]
    fn every_name_and_form_makes_a_parsable_code_of_version_7_to_12() {
        let mut versions = std::collections::BTreeSet::new();
        let mut rng = Rng::new(1);
        for &names in NAMES {
            for form in [Form::StaticUnbound, Form::StaticBound, Form::Live] {
                let text = sc1_text(&mut rng, names, form);
                assert!(text.starts_with("SC1:"));
                Presentation::from_text(&text).expect("parses");
                let version = QrMatrix::encode(&text).unwrap().version();
                assert!((7..=12).contains(&version), "{names:?} {form:?}: {version}");
                versions.insert(version);
            }
        }
        assert_eq!(
            versions.into_iter().collect::<Vec<_>>(),
            vec![7, 8, 9, 10, 11, 12]
        );
    }
}
