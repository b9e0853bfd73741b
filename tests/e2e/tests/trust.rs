//! Trust data end to end: a wallet refuses a trust list rolled back to an
//! older sequence and keeps the newer one; a revocation reaches an
//! officer once the officer refreshes the status list, and reaches the
//! wallet's own view of its card at its next sync.

use docket_core::portal_api::paths;
use docket_core::sc1::LivePresentation;
use docket_core::sync::{ListRefresh, SyncOptions};
use docket_core::trust::{CardStatus, InstallOutcome, ListKind, TrustError};
use docket_core::verify::Reason;
use docket_e2e::*;
use docket_issuer::TRUST_LIST;
use jiff::{SignedDuration, Timestamp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_trust_list_is_refused_and_the_newer_one_kept() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let dir = portal.scratch("w").unwrap();
    let (w, _) = TestWallet::enrolled(&dir, &portal, &holder).await.unwrap();
    let report = w.wallet.sync(SyncOptions::default()).await.unwrap();
    assert_eq!(report.trust_list, ListRefresh::AlreadyCurrent);

    // The issuer publishes a newer trust list; the wallet installs it.
    let issuer = portal.issuer().unwrap();
    let old_bytes = std::fs::read(issuer.file(TRUST_LIST)).unwrap();
    let old_sequence = issuer.trust_list().unwrap().meta.sequence;
    issuer
        .publish_trust_list(issuer.trust_list().unwrap(), Timestamp::now())
        .unwrap();
    let newer = old_sequence + 1;
    let report = w.wallet.sync(SyncOptions::default()).await.unwrap();
    assert_eq!(
        report.trust_list,
        ListRefresh::Installed { sequence: newer }
    );

    // The portal is made to serve the older list again.
    std::fs::write(issuer.file(TRUST_LIST), &old_bytes).unwrap();
    let rolled_back = ListRefresh::Refused(TrustError::RolledBack {
        kind: ListKind::TrustList,
        installed: newer,
        offered: old_sequence,
    });
    let report = w.wallet.sync(SyncOptions::default()).await.unwrap();
    assert_eq!(report.trust_list, rolled_back);
    let card = w.wallet.card().await.unwrap().unwrap();
    assert!(card.verdict.is_valid(), "{:?}", card.verdict.reason_codes());

    // The floor outlives the wallet object (an app restart).
    let w = w.reopen(relaxed_config()).await.unwrap();
    let report = w.wallet.sync(SyncOptions::default()).await.unwrap();
    assert_eq!(report.trust_list, rolled_back);
    let card = w.wallet.card().await.unwrap().unwrap();
    assert!(card.verdict.is_valid(), "{:?}", card.verdict.reason_codes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_reaches_the_officer_after_a_status_refresh() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&["H-2027-0001"])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let mut officer = portal.officer().await.unwrap();
    let card = w.wallet.card().await.unwrap().unwrap().card;
    // Live codes a second apart, each checked at its own time, so the
    // officer's replay memory never mistakes one for another.
    let start = Timestamp::now();
    let scan = |officer: &mut docket_core::verify::Verifier, second: i64| {
        let at = start
            .checked_add(SignedDuration::from_secs(second))
            .unwrap();
        let live = LivePresentation::create(&card, w.key.as_ref(), at).unwrap();
        officer.verify_text(&live.to_text(), at)
    };

    let verdict = scan(&mut officer, 0);
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());

    // The issuer revokes: the status list re-signed with the next sequence.
    let issuer = portal.issuer().unwrap();
    let before = issuer.status_list().unwrap().meta.sequence;
    // Revoking the card revokes it on every phone it is enrolled on.
    let sequence = issuer
        .set_card_status(holder.serial, CardStatus::Revoked, Timestamp::now())
        .unwrap();
    assert_eq!(sequence, before + 1);

    // Offline, the officer's list is the old one: still valid.
    let verdict = scan(&mut officer, 1);
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());

    // Once the officer refreshes, the card is revoked.
    let bytes = fetch_list(&http_client().unwrap(), &portal.url(), paths::STATUS_LIST)
        .await
        .unwrap();
    assert_eq!(
        officer
            .store_mut()
            .install_status_list(&bytes, Timestamp::now()),
        Ok(InstallOutcome::Installed)
    );
    let verdict = scan(&mut officer, 2);
    assert_eq!(verdict.reasons, vec![Reason::CardRevoked]);
    assert!(
        verdict.holder.is_some(),
        "the officer still sees whose card it is"
    );

    // The wallet's own sync installs the same list and says so.
    let report = w.wallet.sync(SyncOptions::default()).await.unwrap();
    assert_eq!(
        report.status_list,
        ListRefresh::Installed {
            sequence: before + 1
        }
    );
    let loaded = w.wallet.card().await.unwrap().unwrap();
    assert_eq!(loaded.verdict.reason_codes(), vec!["card_revoked"]);
}
