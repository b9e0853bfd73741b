//! `GET /v1/hearings`: the list, its ETag, and admin changes.

mod common;

use common::*;
use docket_core::hearings::{
    Court, CourtTime, Hearing, HearingId, HearingKind, HearingStatus, parse_hearings_json,
};
use docket_portal::admin::{self, AdminError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etag_revalidation_and_admin_changes() {
    let h = Harness::start().await;
    let (holder, wallet) = h.enrolled().await;

    let first = wallet.hearings(&h, &[]).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    let tag = first.header("etag").unwrap().to_owned();
    assert!(
        tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34,
        "{tag}"
    );
    let list = parse_hearings_json(&first.body).unwrap();
    assert_eq!(list.len(), 1);

    for header in [
        tag.clone(),
        format!("W/{tag}"),
        "*".into(),
        format!("\"x\", {tag}"),
    ] {
        let answer = wallet.hearings(&h, &[("if-none-match", &header)]).await;
        assert_eq!(answer.status, 304, "{header}");
        assert!(answer.body.is_empty());
        assert_eq!(answer.header("etag"), Some(tag.as_str()));
        assert_eq!(answer.header("cache-control"), Some("no-cache"));
    }
    let answer = wallet.hearings(&h, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(answer.status, 200);

    let id = HearingId::new("H-2027-0042").unwrap();
    let moved = CourtTime::parse("2027-04-01T13:30", "America/Chicago").unwrap();
    admin::hearing_move(&h.db, holder.serial, &id, moved.clone(), None).unwrap();
    let answer = wallet.hearings(&h, &[("if-none-match", &tag)]).await;
    assert_eq!(answer.status, 200);
    let new_tag = answer.header("etag").unwrap().to_owned();
    assert_ne!(new_tag, tag);
    let list = parse_hearings_json(&answer.body).unwrap();
    assert_eq!(list[0].starts, moved);
    assert_eq!(list[0].status, HearingStatus::Rescheduled);
    assert_eq!(list[0].court, first_court());

    let court = Court::new("Dallas Immigration Court", "1100 Commerce St\nDallas, TX").unwrap();
    admin::hearing_move(
        &h.db,
        holder.serial,
        &id,
        moved.clone(),
        Some(court.clone()),
    )
    .unwrap();
    admin::hearing_add(
        &h.db,
        holder.serial,
        Hearing {
            id: HearingId::new("H-2027-0100").unwrap(),
            starts: CourtTime::parse("2027-06-01T09:00", "America/Chicago").unwrap(),
            court: court.clone(),
            judge: None,
            kind: HearingKind::Individual,
            status: HearingStatus::Scheduled,
        },
    )
    .unwrap();
    admin::hearing_cancel(&h.db, holder.serial, &id).unwrap();
    let answer = wallet.hearings(&h, &[("if-none-match", &new_tag)]).await;
    assert_eq!(answer.status, 200);
    let list = parse_hearings_json(&answer.body).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].court, court);
    assert_eq!(list[0].status, HearingStatus::Cancelled);
    assert_eq!(list[1].kind, HearingKind::Individual);
    assert_eq!(admin::hearings(&h.db, holder.serial).unwrap(), list);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_refuses_unknown_holders_and_hearings() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let id = HearingId::new("H-2027-0042").unwrap();
    let time = CourtTime::parse("2027-04-01T13:30", "America/Chicago").unwrap();
    let unknown = HearingId::new("H-nope").unwrap();
    assert!(matches!(
        admin::hearing_move(&h.db, holder.serial, &unknown, time.clone(), None),
        Err(AdminError::NoSuchHearing { .. })
    ));
    assert!(matches!(
        admin::hearing_cancel(&h.db, holder.serial, &unknown),
        Err(AdminError::NoSuchHearing { .. })
    ));
    let existing = admin::hearings(&h.db, holder.serial).unwrap().remove(0);
    assert!(matches!(
        admin::hearing_add(&h.db, holder.serial, existing),
        Err(AdminError::HearingExists { .. })
    ));
    let nobody = docket_core::card::Serial::new(12345).unwrap();
    assert!(matches!(
        admin::hearing_cancel(&h.db, nobody, &id),
        Err(AdminError::NoSuchHolder(_))
    ));
    assert!(matches!(
        admin::new_code(&h.db, nobody),
        Err(AdminError::NoSuchHolder(_))
    ));
}

fn first_court() -> Court {
    Court::new(
        "Houston Immigration Court",
        "600 Jefferson St\nHouston, TX 77002",
    )
    .unwrap()
}
