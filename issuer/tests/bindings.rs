//! The registry's bindings and the status list entries they publish.

use docket_core::card::StatusIndex;
use docket_core::device::SoftwareDeviceKey;
use docket_core::trust::{CardStatus, KeyId};
use docket_issuer::{CardRequest, EndReason, IssuerDir, issue_card};
use jiff::Timestamp;

const CARD_JSON: &str = r#"{"family_name":"Nguyễn","given_names":"Thị Lan","date_of_birth":"1985-03",
"sex":"F","nationality":"VNM","expires":"2030-06-30"}"#;

fn entry(dir: &IssuerDir, index: StatusIndex) -> CardStatus {
    dir.status_list().unwrap().status(index).unwrap()
}

#[test]
fn each_phone_has_its_own_entry_and_the_card_comes_first() {
    let temp = tempfile::tempdir().unwrap();
    let now = Timestamp::now();
    let dir = IssuerDir::create(temp.path(), KeyId(1), now).unwrap();
    let request = CardRequest::parse(CARD_JSON).unwrap();
    let printed = issue_card(&dir, &request, b"photo", None, now).unwrap();
    let serial = printed.card().serial;
    let own = printed.card().status_index;

    let a = dir
        .bind_card(
            &printed,
            SoftwareDeviceKey::generate().unwrap().public(),
            now,
        )
        .unwrap();
    assert!(a.ended.is_empty());
    let index_a = a.card.card().status_index;
    assert_ne!(index_a, own);
    let b = dir
        .bind_card(
            &printed,
            SoftwareDeviceKey::generate().unwrap().public(),
            now,
        )
        .unwrap();
    let index_b = b.card.card().status_index;
    assert_eq!(b.ended, vec![index_a], "one phone per card");
    let entries = |dir: &IssuerDir| [own, index_a, index_b].map(|index| entry(dir, index));
    use CardStatus::*;
    assert_eq!(entries(&dir), [Valid, BindingRevoked, Valid]);

    // The card's status reaches every phone, and lifting it restores each.
    dir.set_card_status(serial, Suspended, now).unwrap();
    assert_eq!(entries(&dir), [Suspended, Suspended, Suspended]);
    dir.set_card_status(serial, Valid, now).unwrap();
    assert_eq!(entries(&dir), [Valid, BindingRevoked, Valid]);

    // Reported lost: the phone only; saying it twice ends nothing more.
    let ended = dir
        .end_bindings(serial, EndReason::ReportedLost, now)
        .unwrap();
    assert_eq!(ended, vec![index_b]);
    assert!(
        dir.end_bindings(serial, EndReason::ReportedLost, now)
            .unwrap()
            .is_empty()
    );
    assert_eq!(entries(&dir), [Valid, BindingRevoked, BindingRevoked]);
    let registry = dir.registry().unwrap();
    let card = registry.card(serial).unwrap();
    assert_eq!(
        card.bindings
            .iter()
            .map(|b| b.ended.as_ref().map(|e| e.reason))
            .collect::<Vec<_>>(),
        vec![Some(EndReason::Replaced), Some(EndReason::ReportedLost)]
    );

    dir.set_card_status(serial, Revoked, now).unwrap();
    assert_eq!(entries(&dir), [Revoked, Revoked, Revoked]);
    assert!(dir.set_card_status(serial, BindingRevoked, now).is_err());

    // Only a printed card is bound.
    assert!(
        dir.bind_card(
            &a.card,
            SoftwareDeviceKey::generate().unwrap().public(),
            now
        )
        .is_err()
    );
}
