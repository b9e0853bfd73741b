//! Fixed keys, lists and cards for core's integration tests, the test
//! vectors and the benchmarks. Everything derives from constant seeds, so
//! every run (and every other implementation reading the vectors) sees the
//! same bytes.

#![allow(dead_code)] // each test binary uses a different part

pub mod raw;
pub mod vectors;

use docket_core::card::{
    BirthDate, Card, CardDate, CaseReference, HolderName, Nationality, PhotoDigest, Serial, Sex,
    StatusIndex,
};
use docket_core::device::SoftwareDeviceKey;
use docket_core::sc1::{LivePresentation, SignedCard};
use docket_core::trust::{
    CardStatus, Ed25519SigningKey, IssuerKey, KeyId, KeyUsage, ListMeta, StatusList, TrustList,
    TrustStore,
};
use docket_core::verify::{Verifier, VerifierPolicy};
use jiff::{SignedDuration, Timestamp};

/// The verification time of every fixture: 2026-11-22T12:00:00Z.
pub const NOW_SECONDS: i64 = 1_795_348_800;
/// The issuer key id of the fixture issuer.
pub const ISSUER_KEY_ID: KeyId = KeyId(1);
/// The photo every fixture card is bound to.
pub const PHOTO: &[u8] = b"fixture photo bytes";
/// Status indices the fixture status list marks.
pub const REVOKED_INDEX: u32 = 3;
pub const SUSPENDED_INDEX: u32 = 4;
pub const RESERVED_INDEX: u32 = 5;
pub const STATUS_LIST_LEN: u32 = 1024;

pub fn now() -> Timestamp {
    Timestamp::from_second(NOW_SECONDS).unwrap()
}

pub fn at(offset_seconds: i64) -> Timestamp {
    Timestamp::from_second(NOW_SECONDS + offset_seconds).unwrap()
}

pub fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

pub fn root_key() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&[0x01; 32])
}

pub fn issuer_key() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&[0x02; 32])
}

pub fn other_issuer_key() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&[0x03; 32])
}

pub fn device_key() -> SoftwareDeviceKey {
    SoftwareDeviceKey::from_seed(&[0x04; 32]).unwrap()
}

pub fn other_device_key() -> SoftwareDeviceKey {
    SoftwareDeviceKey::from_seed(&[0x05; 32]).unwrap()
}

/// An issuer key entry valid from 2026-01-01 to 2036-01-01.
pub fn key_entry(id: KeyId, usage: KeyUsage, key: &Ed25519SigningKey) -> IssuerKey {
    IssuerKey {
        id,
        usage,
        not_before: "2026-01-01T00:00:00Z".parse().unwrap(),
        not_after: "2036-01-01T00:00:00Z".parse().unwrap(),
        public: key.public(),
    }
}

pub fn meta(sequence: u64, issued_at: Timestamp, valid_for: SignedDuration) -> ListMeta {
    ListMeta {
        sequence,
        issued_at,
        expires_at: issued_at.checked_add(valid_for).unwrap(),
    }
}

/// The trust list: the fixture issuer key (both usages), sequence 5,
/// issued an hour before `now()`, valid for a year.
pub fn trust_list() -> TrustList {
    TrustList {
        meta: meta(5, at(-3600), days(365)),
        keys: vec![key_entry(ISSUER_KEY_ID, KeyUsage::ALL, &issuer_key())],
    }
}

pub fn trust_list_bytes() -> Vec<u8> {
    trust_list().sign(&root_key()).unwrap()
}

/// The status list: 1024 entries, a few marked, sequence 7, issued an
/// hour before `now()`, valid for 30 days.
pub fn status_list() -> StatusList {
    let mut list =
        StatusList::new(meta(7, at(-3600), days(30)), ISSUER_KEY_ID, STATUS_LIST_LEN).unwrap();
    assert!(list.set(
        StatusIndex::new(REVOKED_INDEX).unwrap(),
        CardStatus::Revoked
    ));
    assert!(list.set(
        StatusIndex::new(SUSPENDED_INDEX).unwrap(),
        CardStatus::Suspended
    ));
    assert!(list.set(
        StatusIndex::new(RESERVED_INDEX).unwrap(),
        CardStatus::BindingRevoked
    ));
    list
}

pub fn status_list_bytes() -> Vec<u8> {
    status_list().sign(&issuer_key()).unwrap()
}

pub fn store() -> TrustStore {
    let mut store = TrustStore::new(vec![root_key().public()]);
    store
        .install_trust_list(&trust_list_bytes(), now())
        .unwrap();
    store
        .install_status_list(&status_list_bytes(), now())
        .unwrap();
    store
}

pub fn verifier() -> Verifier {
    Verifier::new(store(), VerifierPolicy::default())
}

/// A typical holder's card, issued 2026-01-15, expiring 2031-01-15.
pub fn card(bound: bool) -> Card {
    card_named("García Hernández", "María José", bound)
}

pub fn card_named(family: &str, given: &str, bound: bool) -> Card {
    Card {
        serial: Serial::new(0x12_3456_789A).unwrap(),
        name: HolderName::fit(family, given).unwrap(),
        date_of_birth: BirthDate::parse("1990-04-12").unwrap(),
        sex: Sex::F,
        nationality: Nationality::parse("MEX").unwrap(),
        issued: CardDate::parse("2026-01-15").unwrap(),
        expires: CardDate::parse("2031-01-15").unwrap(),
        case_reference: CaseReference::new(0x0A_BCDE_F012).unwrap(),
        photo_digest: PhotoDigest::of_photo(PHOTO),
        issuer_key_id: ISSUER_KEY_ID,
        status_index: StatusIndex::new(0).unwrap(),
        device_key: bound.then(|| device_key().public()),
    }
}

pub fn sign(card: &Card) -> SignedCard {
    SignedCard::issue(card, &issuer_key()).unwrap()
}

pub fn live_at(card: &SignedCard, time: Timestamp) -> LivePresentation {
    LivePresentation::create(card, &device_key(), time).unwrap()
}

/// A name of exactly `bytes` UTF-8 bytes, mixing one- and two-byte letters.
pub fn name_of_len(bytes: usize, letter: char) -> String {
    let mut name = String::new();
    while name.len() + 2 <= bytes {
        name.push('á');
    }
    if name.len() < bytes {
        name.push(letter);
    }
    name
}
