//! The officer's phone forgets nothing: with core's officer facade against
//! the reference portal on loopback, the list floors and the replay memory
//! survive a restart (an older status list, a replayed live code), a live
//! code that cannot be recorded is not accepted, and the officer downloads
//! its lists itself, the second time answered `304`.

use docket_core::officer::{ListOutcome, Officer, OfficerFiles, UpdateReport, fetch_lists};
use docket_core::portal_api::paths;
use docket_core::sc1::LivePresentation;
use docket_core::sync::{PortalClient, PortalUrl};
use docket_core::trust::{CardStatus, ListKind, TrustError};
use docket_core::verify::VerifierPolicy;
use docket_e2e::*;
use docket_issuer::STATUS_LIST;
use jiff::{SignedDuration, Timestamp};
use std::path::Path;

/// The officer's phone in `dir`, with the portal's root built in.
fn open_officer(portal: &Portal, dir: &Path) -> Officer {
    Officer::open(
        OfficerFiles::in_dir(dir),
        vec![portal.root().unwrap()],
        VerifierPolicy::default(),
        Timestamp::now(),
    )
    .unwrap()
}

/// What the officer's app does when it has signal: download, then install.
async fn update(officer: &mut Officer, portal: &Portal) -> UpdateReport {
    let config = relaxed_config();
    let url = PortalUrl::parse(&portal.url()).unwrap();
    let client = PortalClient::unsigned(url, &config).unwrap();
    let fetched = fetch_lists(&client, &officer.etags(), config.request_timeout).await;
    officer.install_fetched(fetched, Timestamp::now()).unwrap()
}

fn installed(report: &UpdateReport) -> bool {
    matches!(report.trust_list, ListOutcome::Installed { .. })
        && matches!(report.status_list, ListOutcome::Installed { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officers_floors_survive_a_restart() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&[])).unwrap();
    let dir = portal.scratch("officer").unwrap();
    let mut officer = open_officer(&portal, &dir);
    assert!(installed(&update(&mut officer, &portal).await));

    // The issuer revokes a card: a newer status list, which the officer
    // installs. The older one is kept aside.
    let issuer = portal.issuer().unwrap();
    let older = std::fs::read(issuer.file(STATUS_LIST)).unwrap();
    let sequence = issuer
        .set_card_status(holder.serial, CardStatus::Revoked, Timestamp::now())
        .unwrap();
    let report = update(&mut officer, &portal).await;
    assert_eq!(report.status_list, ListOutcome::Installed { sequence });
    drop(officer);

    // After a restart the portal serves the older list again (a stale
    // mirror, or someone rolling the revocation back): refused.
    std::fs::write(issuer.file(STATUS_LIST), &older).unwrap();
    let mut officer = open_officer(&portal, &dir);
    let report = update(&mut officer, &portal).await;
    let rolled_back = TrustError::RolledBack {
        kind: ListKind::StatusList,
        installed: sequence,
        offered: sequence - 1,
    };
    assert_eq!(report.status_list, ListOutcome::Refused(rolled_back));
    let verdict = officer.check_text(&holder.card_qr, Timestamp::now());
    assert_eq!(verdict.reason_codes(), ["card_revoked"]);
    let freshness = officer.freshness(Timestamp::now());
    assert_eq!(
        freshness.status_list.meta.map(|m| m.sequence),
        Some(sequence)
    );
    assert!(freshness.is_ready());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officers_replay_memory_survives_a_restart() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&[])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let card = w.wallet.card().await.unwrap().unwrap().card;
    let dir = portal.scratch("officer").unwrap();
    let mut officer = open_officer(&portal, &dir);
    assert!(installed(&update(&mut officer, &portal).await));

    let made = Timestamp::now();
    let live = LivePresentation::create(&card, w.key.as_ref(), made)
        .unwrap()
        .to_text();
    let verdict = officer.check_text(&live, made);
    assert!(verdict.is_valid(), "{:?}", verdict.reason_codes());

    // The officer's phone restarts (killed, rebooted); the same image is
    // shown again seconds later.
    drop(officer);
    let mut officer = open_officer(&portal, &dir);
    let again = made.checked_add(SignedDuration::from_secs(3)).unwrap();
    assert_eq!(
        officer.check_text(&live, again).reason_codes(),
        ["live_code_replayed"]
    );
    // A fresh code from the same phone is fine.
    let fresh = LivePresentation::create(&card, w.key.as_ref(), again)
        .unwrap()
        .to_text();
    assert!(officer.check_text(&fresh, again).is_valid());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_that_cannot_record_a_live_code_refuses_it() {
    let portal = Portal::start(None).await.unwrap();
    let holder = portal.add_holder(&hearings_json(&[])).unwrap();
    let (w, _) = TestWallet::enrolled(&portal.scratch("w").unwrap(), &portal, &holder)
        .await
        .unwrap();
    let card = w.wallet.card().await.unwrap().unwrap().card;
    let dir = portal.scratch("officer").unwrap();
    let mut officer = open_officer(&portal, &dir);
    assert!(installed(&update(&mut officer, &portal).await));

    // A folder now stands where the state file is renamed to: every save
    // fails, whoever runs the test (root ignores permission bits).
    let state_file = OfficerFiles::in_dir(&dir).state_file;
    std::fs::remove_file(&state_file).unwrap();
    std::fs::create_dir(&state_file).unwrap();
    std::fs::write(state_file.join("occupied"), b"x").unwrap();

    let now = Timestamp::now();
    let live = LivePresentation::create(&card, w.key.as_ref(), now)
        .unwrap()
        .to_text();
    let verdict = officer.check_text(&live, now);
    assert_eq!(verdict.reason_codes(), ["replay_not_recorded"]);
    assert!(!verdict.is_valid());
    // The printed card records nothing, so it is still checked.
    let printed = officer.check_text(&holder.card_qr, now);
    assert!(printed.is_valid(), "{:?}", printed.reason_codes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_downloads_its_lists_and_the_second_time_gets_a_304() {
    let portal = Portal::start(None).await.unwrap();
    let dir = portal.scratch("officer").unwrap();
    let mut officer = open_officer(&portal, &dir);
    assert!(!officer.freshness(Timestamp::now()).is_ready());
    assert!(installed(&update(&mut officer, &portal).await));
    assert!(officer.freshness(Timestamp::now()).is_ready());

    let second = update(&mut officer, &portal).await;
    assert_eq!(second.trust_list, ListOutcome::AlreadyCurrent);
    assert_eq!(second.status_list, ListOutcome::AlreadyCurrent);

    // The ETags the officer sends are the portal's: it answers them 304
    // (so the second update moved no list bytes).
    let etags = officer.etags();
    let client = http_client().unwrap();
    for (path, etag) in [
        (paths::TRUST_LIST, etags.trust_list),
        (paths::STATUS_LIST, etags.status_list),
    ] {
        let etag = etag.expect("an ETag is kept for an installed list");
        let answer = Answer::read(
            client
                .get(format!("{}{path}", portal.url()))
                .header("if-none-match", &etag)
                .send()
                .await
                .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(answer.status, 304, "{path}");
        assert!(answer.body.is_empty());
    }

    // They outlive the officer object.
    drop(officer);
    let mut officer = open_officer(&portal, &dir);
    let after_restart = update(&mut officer, &portal).await;
    assert_eq!(after_restart.trust_list, ListOutcome::AlreadyCurrent);
    assert_eq!(after_restart.status_list, ListOutcome::AlreadyCurrent);
}
