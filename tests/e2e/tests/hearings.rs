//! Hearings end to end: an unchanged list costs a `304` (the wallet says
//! `Unchanged`), and the issuing office's edits reach the wallet as the
//! changes the holder is told about.

use docket_core::hearings::{CourtTime, HearingId};
use docket_core::portal_api::paths;
use docket_core::sync::{HearingsRefresh, SyncOptions};
use docket_e2e::*;
use docket_portal::admin;

const IDS: [&str; 3] = ["H-2027-0001", "H-2027-0002", "H-2027-0003"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshes_answer_304_until_a_hearing_moves_or_is_cancelled() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&IDS)).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let serial = holder.serial;

    // The enrollment's ETag is the list's: the portal answers 304 to it.
    let etag = w.wallet.hearings().await.unwrap().unwrap().etag.unwrap();
    let answer = SignedRequest::sign(w.key.as_ref(), "GET", paths::HEARINGS, None, b"")
        .unwrap()
        .send_with(
            &http_client().unwrap(),
            &portal.url(),
            &[("if-none-match", &etag)],
        )
        .await
        .unwrap();
    assert_eq!(answer.status, 304);
    assert!(answer.body.is_empty());

    for _ in 0..3 {
        assert_eq!(
            w.wallet.refresh_hearings().await.unwrap(),
            HearingsRefresh::Unchanged
        );
    }
    // A full sync pass asks the same way.
    let report = w.wallet.sync(SyncOptions::default()).await.unwrap();
    assert_eq!(report.hearings, HearingsRefresh::Unchanged);

    // Moved: reported as a move of that hearing, and only that.
    let moved_id = HearingId::new(IDS[1]).unwrap();
    let new_time = CourtTime::parse("2027-05-10T13:30:00", "America/Chicago").unwrap();
    admin::hearing_move(portal.db(), serial, &moved_id, new_time.clone(), None).unwrap();
    let HearingsRefresh::Updated(changes) = w.wallet.refresh_hearings().await.unwrap() else {
        panic!("a moved hearing must update the list");
    };
    assert_eq!(changes.moved.len(), 1, "{changes:?}");
    assert_eq!(changes.moved[0].after.id, moved_id);
    assert_eq!(changes.moved[0].after.starts, new_time);
    assert_ne!(changes.moved[0].before.starts, new_time);
    assert!(
        changes.added.is_empty()
            && changes.cancelled.is_empty()
            && changes.removed.is_empty()
            && changes.updated.is_empty(),
        "{changes:?}"
    );
    assert_eq!(
        w.wallet.refresh_hearings().await.unwrap(),
        HearingsRefresh::Unchanged,
        "the new ETag was kept"
    );

    // Cancelled: reported as a cancellation.
    let cancelled_id = HearingId::new(IDS[2]).unwrap();
    admin::hearing_cancel(portal.db(), serial, &cancelled_id).unwrap();
    let report = w.wallet.sync(SyncOptions::default()).await.unwrap();
    let HearingsRefresh::Updated(changes) = report.hearings else {
        panic!("a cancelled hearing must update the list: {report:?}");
    };
    assert_eq!(changes.cancelled.len(), 1, "{changes:?}");
    assert_eq!(changes.cancelled[0].after.id, cancelled_id);
    assert!(changes.cancelled[0].after.is_cancelled());
    assert!(changes.moved.is_empty() && changes.added.is_empty() && changes.removed.is_empty());
    assert_eq!(
        w.wallet.refresh_hearings().await.unwrap(),
        HearingsRefresh::Unchanged
    );

    // The wallet's cache is the portal's list.
    let cache = w.wallet.hearings().await.unwrap().unwrap();
    assert_eq!(
        cache.hearings,
        admin::hearings(portal.db(), serial).unwrap()
    );
    assert_eq!(cache.hearings.len(), 3);
}
