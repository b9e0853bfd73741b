//! The officer's facade: what survives a restart (floors, replay memory,
//! ETags), what is refused and left alone (a damaged state file), failing
//! closed when a live code cannot be recorded, freshness, and downloads
//! with ETags against a small HTTP server on loopback.

mod common;

use common::*;
use docket_core::officer::{
    FetchedLists, ListOutcome, ListState, Officer, OfficerFiles, STATE_FILE, fetch_lists,
};
use docket_core::sync::{CallError, PortalClient, PortalUrl, SyncConfig, Transport};
use docket_core::trust::{Ed25519SigningKey, ListKind, StatusList, TrustError};
use docket_core::verify::{Reason, VerifierPolicy};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn open(dir: &Path, at: Timestamp) -> Officer {
    Officer::open(
        OfficerFiles::in_dir(dir),
        vec![root_key().public()],
        VerifierPolicy::default(),
        at,
    )
    .unwrap()
}

/// An officer in `dir` with the fixture lists installed.
fn installed(dir: &Path) -> Officer {
    let mut officer = open(dir, now());
    let report = officer
        .install_lists(trust_list_bytes(), status_list_bytes(), now())
        .unwrap();
    assert_eq!(report.trust_list, ListOutcome::Installed { sequence: 5 });
    assert_eq!(report.status_list, ListOutcome::Installed { sequence: 7 });
    officer
}

/// The fixture status list re-signed with `sequence`.
fn status_list_with(sequence: u64) -> Vec<u8> {
    let mut list: StatusList = status_list();
    list.meta.sequence = sequence;
    list.sign(&issuer_key()).unwrap()
}

fn live_text(offset_seconds: i64) -> String {
    live_at(&sign(&card(true)), at(offset_seconds)).to_text()
}

fn printed_card() -> String {
    sign(&card(false)).to_text()
}

#[test]
fn a_restart_keeps_the_lists_the_floors_and_the_replay_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut officer = installed(dir.path());
    let live = live_text(0);
    assert!(officer.check_text(&live, now()).is_valid());
    assert!(!officer.has_unsaved_changes());
    drop(officer);

    let mut officer = open(dir.path(), at(1));
    assert!(officer.freshness(at(1)).is_ready(), "the lists were kept");
    let again = officer.check_text(&live, at(1));
    assert_eq!(again.reason_codes(), ["live_code_replayed"]);
    assert!(officer.check_text(&live_text(1), at(1)).is_valid());
    // Re-offering the lists it holds changes nothing.
    let report = officer
        .install_lists(trust_list_bytes(), status_list_bytes(), at(2))
        .unwrap();
    assert_eq!(report.trust_list, ListOutcome::AlreadyCurrent);
    assert_eq!(report.status_list, ListOutcome::AlreadyCurrent);
}

#[test]
fn an_older_list_is_refused_after_a_restart_whichever_way_it_comes() {
    let dir = tempfile::tempdir().unwrap();
    let mut officer = installed(dir.path());
    let report = officer
        .install_lists(trust_list_bytes(), status_list_with(8), now())
        .unwrap();
    assert_eq!(report.status_list, ListOutcome::Installed { sequence: 8 });
    drop(officer);

    // Offered again (a portal serving an old list): refused, 8 kept.
    let mut officer = open(dir.path(), now());
    let report = officer
        .install_lists(trust_list_bytes(), status_list_bytes(), now())
        .unwrap();
    let rolled_back = TrustError::RolledBack {
        kind: ListKind::StatusList,
        installed: 8,
        offered: 7,
    };
    assert_eq!(
        report.status_list,
        ListOutcome::Refused(rolled_back.clone())
    );
    let freshness = officer.freshness(now());
    assert_eq!(freshness.status_list.meta.map(|m| m.sequence), Some(8));
    assert!(freshness.is_ready());
    drop(officer);

    // Put back in the folder (someone with the files): refused at open,
    // and the verdict says why the status list is missing.
    std::fs::write(dir.path().join("status-list.scsl"), status_list_bytes()).unwrap();
    let mut officer = open(dir.path(), now());
    let freshness = officer.freshness(now());
    assert_eq!(freshness.status_list.state, ListState::Missing);
    assert_eq!(freshness.reasons, [Reason::TrustData(rolled_back)]);
    let verdict = officer.check_text(&printed_card(), now());
    assert_eq!(verdict.reason_codes(), ["status_list_rolled_back"]);
    assert!(verdict.holder.is_some());
}

#[test]
fn a_list_written_before_a_crash_raises_its_floor_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(installed(dir.path()));
    // The crash: the new list reached the folder, its floor did not reach
    // the state file.
    std::fs::write(dir.path().join("status-list.scsl"), status_list_with(9)).unwrap();
    let officer = open(dir.path(), now());
    assert_eq!(
        officer
            .freshness(now())
            .status_list
            .meta
            .map(|m| m.sequence),
        Some(9)
    );
    assert!(!officer.has_unsaved_changes());
    drop(officer);
    // The raised floor was saved at that open: the old list is refused now.
    std::fs::write(dir.path().join("status-list.scsl"), status_list_bytes()).unwrap();
    let officer = open(dir.path(), now());
    assert_eq!(
        officer.freshness(now()).reasons[0].code(),
        "status_list_rolled_back"
    );
}

#[test]
fn a_damaged_state_file_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut officer = installed(dir.path());
    assert!(officer.check_text(&live_text(0), now()).is_valid());
    drop(officer);
    let state_file = dir.path().join(STATE_FILE);
    let genuine = std::fs::read(&state_file).unwrap();
    let cut = genuine.get(..genuine.len() / 2).unwrap().to_vec();
    let newer = br#"{"format": 2, "trust_list": null, "status_list": null}"#.to_vec();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("cut short", cut, "officer_state_damaged"),
        (
            "not JSON",
            b"\x00\x01garbage".to_vec(),
            "officer_state_damaged",
        ),
        ("empty", Vec::new(), "officer_state_damaged"),
        (
            "another program's",
            br#"{"name": "x"}"#.to_vec(),
            "officer_state_damaged",
        ),
        ("a newer app's", newer, "officer_state_unknown_format"),
    ];
    for (what, bytes, code) in cases {
        std::fs::write(&state_file, &bytes).unwrap();
        let error = Officer::open(
            OfficerFiles::in_dir(dir.path()),
            vec![root_key().public()],
            VerifierPolicy::default(),
            now(),
        )
        .unwrap_err();
        assert_eq!(error.code(), code, "{what}: {error}");
        assert_eq!(std::fs::read(&state_file).unwrap(), bytes, "{what}");
    }
    // A folder where the file should be is refused too, and stays.
    std::fs::remove_file(&state_file).unwrap();
    std::fs::create_dir(&state_file).unwrap();
    let error = Officer::open(
        OfficerFiles::in_dir(dir.path()),
        vec![root_key().public()],
        VerifierPolicy::default(),
        now(),
    )
    .unwrap_err();
    assert_eq!(error.code(), "io", "{error}");
    assert!(state_file.is_dir());
}

/// Makes every later save of the state fail, whoever runs the test (root
/// ignores permissions): a folder now stands where the file is renamed to.
fn break_state_file(dir: &Path) {
    let state_file = dir.join(STATE_FILE);
    if state_file.exists() {
        std::fs::remove_file(&state_file).unwrap();
    }
    std::fs::create_dir(&state_file).unwrap();
    std::fs::write(state_file.join("keep"), b"not empty").unwrap();
}

#[test]
fn a_live_code_that_cannot_be_recorded_is_not_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut officer = installed(dir.path());
    break_state_file(dir.path());

    let live = live_text(0);
    let verdict = officer.check_text(&live, now());
    assert_eq!(verdict.reason_codes(), ["replay_not_recorded"]);
    assert!(!verdict.is_valid());
    assert!(
        verdict.holder.is_some(),
        "the officer still sees whose card"
    );
    assert!(officer.has_unsaved_changes());
    assert!(
        Reason::ReplayNotRecorded.to_string().contains("screenshot"),
        "the sentence says what is at stake"
    );
    // Still remembered in memory: shown again, it is a replay.
    assert_eq!(
        officer.check_text(&live, at(1)).reason_codes(),
        ["live_code_replayed"]
    );
    // A code refused before the replay check records nothing, so it is
    // answered as usual.
    assert_eq!(
        officer.check_text(&live_text(-60), now()).reason_codes(),
        ["live_code_stale"]
    );
    // A printed card records nothing and is checked as usual.
    assert!(officer.check_text(&printed_card(), now()).is_valid());
    // Lists cannot be installed either; what was installed stays.
    let error = officer
        .install_lists(trust_list_bytes(), status_list_with(8), now())
        .unwrap_err();
    assert_eq!(error.code(), "io", "{error}");
    assert_eq!(
        officer
            .freshness(now())
            .status_list
            .meta
            .map(|m| m.sequence),
        Some(7)
    );

    // Storage back: the next save writes what memory holds.
    std::fs::remove_dir_all(dir.path().join(STATE_FILE)).unwrap();
    officer.save().unwrap();
    assert!(!officer.has_unsaved_changes());
    drop(officer);
    let mut officer = open(dir.path(), at(2));
    assert_eq!(
        officer.check_text(&live, at(2)).reason_codes(),
        ["live_code_replayed"]
    );
}

#[test]
fn freshness_says_when_the_officer_is_ready() {
    let dir = tempfile::tempdir().unwrap();
    let mut officer = open(dir.path(), now());
    let empty = officer.freshness(now());
    assert_eq!(empty.trust_list.state, ListState::Missing);
    assert_eq!(empty.status_list.state, ListState::Missing);
    assert_eq!(empty.last_update, None);
    assert_eq!(
        empty.reasons,
        [Reason::TrustListMissing, Reason::StatusListMissing]
    );
    assert!(!empty.is_ready());

    officer
        .install_lists(trust_list_bytes(), status_list_bytes(), now())
        .unwrap();
    let fresh = officer.freshness(now());
    assert!(fresh.is_ready());
    assert_eq!(fresh.last_update, Some(now()));
    assert_eq!(fresh.trust_list.state, ListState::Fresh);
    assert_eq!(fresh.trust_list.meta.map(|m| m.sequence), Some(5));
    assert_eq!(
        fresh.trust_list.age,
        Some(jiff::SignedDuration::from_secs(3600))
    );

    // The status list is stale 72 hours after it was issued (an hour
    // before `now`): at 71 hours from now it is not, at 72 it is.
    assert!(officer.freshness(at(71 * 3600)).is_ready());
    let stale = officer.freshness(at(72 * 3600));
    assert_eq!(stale.status_list.state, ListState::Stale);
    assert_eq!(stale.trust_list.state, ListState::Fresh);
    assert_eq!(stale.reasons, [Reason::StatusListStale]);

    // A month on: the trust list is stale, the status list expired.
    let month = officer.freshness(now().checked_add(days(31)).unwrap());
    assert_eq!(month.trust_list.state, ListState::Stale);
    assert_eq!(month.status_list.state, ListState::Expired);
    assert_eq!(
        month.reasons,
        [Reason::TrustListStale, Reason::StatusListExpired]
    );

    // A clock set back before the lists were issued.
    let behind = officer.freshness(at(-2 * 3600));
    assert!(behind.clock_behind);
    assert_eq!(behind.reasons, [Reason::VerifierClockBehind]);
    assert!(behind.trust_list.age.unwrap().is_negative());

    // The freshness is the verification's: a card checked when not ready
    // meets exactly these reasons.
    let verdict = officer.check_text(&printed_card(), at(72 * 3600));
    assert_eq!(verdict.reasons, stale.reasons);
}

#[test]
fn a_refused_list_explains_why_it_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut officer = open(dir.path(), now());
    let foreign = trust_list()
        .sign(&Ed25519SigningKey::from_seed(&[0x09; 32]))
        .unwrap();
    let report = officer
        .install_lists(foreign, status_list_bytes(), now())
        .unwrap();
    assert!(matches!(
        report.trust_list,
        ListOutcome::Refused(TrustError::BadSignature { .. })
    ));
    assert_eq!(
        report.status_list,
        ListOutcome::Refused(TrustError::NoTrustList)
    );
    let codes: Vec<_> = officer
        .freshness(now())
        .reasons
        .iter()
        .map(Reason::code)
        .collect();
    assert_eq!(codes, ["trust_list_bad_signature", "status_list_missing"]);
    assert_eq!(officer.freshness(now()).last_update, None);
    let verdict = officer.check_text(&printed_card(), now());
    assert_eq!(verdict.reason_codes(), ["trust_list_bad_signature"]);
    // Nothing was installed, so nothing was written.
    assert!(!dir.path().join("trust-list.sctl").exists());
}

/// A request's path and `If-None-Match`.
type Seen = (String, Option<String>);

/// A portal on loopback that serves two lists with ETags and answers 304
/// to a matching `If-None-Match`, and records what each request sent.
struct ListServer {
    url: String,
    lists: Arc<Mutex<[Vec<u8>; 2]>>,
    requests: Arc<Mutex<Vec<Seen>>>,
}

fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode(Sha256::digest(bytes)))
}

impl ListServer {
    fn start(trust: Vec<u8>, status: Vec<u8>) -> ListServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let lists = Arc::new(Mutex::new([trust, status]));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (served, seen) = (lists.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
                let mut if_none_match = None;
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    if header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("if-none-match")
                    {
                        if_none_match = Some(value.trim().to_owned());
                    }
                }
                seen.lock()
                    .unwrap()
                    .push((path.clone(), if_none_match.clone()));
                let body = match path.as_str() {
                    "/v1/trust-list" => served.lock().unwrap()[0].clone(),
                    _ => served.lock().unwrap()[1].clone(),
                };
                let tag = etag_of(&body);
                let head = if if_none_match.as_deref() == Some(tag.as_str()) {
                    format!("HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nConnection: close\r\n\r\n")
                } else {
                    format!(
                        "HTTP/1.1 200 OK\r\nETag: {tag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                };
                let _ = stream.write_all(head.as_bytes());
                if !head.starts_with("HTTP/1.1 304") {
                    let _ = stream.write_all(&body);
                }
            }
        });
        ListServer {
            url,
            lists,
            requests,
        }
    }

    fn client(&self) -> PortalClient {
        PortalClient::unsigned(PortalUrl::parse(&self.url).unwrap(), &SyncConfig::default())
            .unwrap()
    }

    fn take_requests(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

async fn update(officer: &mut Officer, client: &PortalClient) -> (ListOutcome, ListOutcome) {
    let etags = officer.etags();
    let fetched: FetchedLists = fetch_lists(client, &etags, Duration::from_secs(5)).await;
    let report = officer.install_fetched(fetched, now()).unwrap();
    (report.trust_list, report.status_list)
}

#[tokio::test]
async fn downloads_send_the_etags_kept_and_a_304_is_already_current() {
    let server = ListServer::start(trust_list_bytes(), status_list_bytes());
    let client = server.client();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = open(dir.path(), now());

    assert_eq!(
        update(&mut officer, &client).await,
        (
            ListOutcome::Installed { sequence: 5 },
            ListOutcome::Installed { sequence: 7 }
        )
    );
    assert_eq!(
        server.take_requests(),
        [
            ("/v1/trust-list".to_owned(), None),
            ("/v1/status-list".to_owned(), None)
        ]
    );
    assert_eq!(
        std::fs::read(dir.path().join("status-list.scsl")).unwrap(),
        status_list_bytes(),
        "the downloaded list is kept in the folder"
    );

    // After a restart the ETags are sent and the portal's 304s mean
    // "already current".
    drop(officer);
    let mut officer = open(dir.path(), now());
    assert_eq!(
        update(&mut officer, &client).await,
        (ListOutcome::AlreadyCurrent, ListOutcome::AlreadyCurrent)
    );
    assert_eq!(
        server.take_requests(),
        [
            (
                "/v1/trust-list".to_owned(),
                Some(etag_of(&trust_list_bytes()))
            ),
            (
                "/v1/status-list".to_owned(),
                Some(etag_of(&status_list_bytes()))
            )
        ]
    );
    assert_eq!(officer.freshness(now()).last_update, Some(now()));

    // The same lists given another way keep their tags; a newer one given
    // another way has none, so the next download asks for it in full.
    officer
        .install_lists(trust_list_bytes(), status_list_bytes(), now())
        .unwrap();
    assert!(officer.etags().trust_list.is_some());
    assert!(officer.etags().status_list.is_some());
    officer
        .install_lists(trust_list_bytes(), status_list_with(8), now())
        .unwrap();
    assert!(officer.etags().trust_list.is_some());
    assert_eq!(officer.etags().status_list, None);
    server.lists.lock().unwrap()[1] = status_list_with(8);
    assert_eq!(
        update(&mut officer, &client).await,
        (ListOutcome::AlreadyCurrent, ListOutcome::AlreadyCurrent)
    );
    assert_eq!(
        server.take_requests(),
        [
            (
                "/v1/trust-list".to_owned(),
                Some(etag_of(&trust_list_bytes()))
            ),
            ("/v1/status-list".to_owned(), None)
        ]
    );
    assert_eq!(
        officer.etags().status_list,
        Some(etag_of(&status_list_with(8)))
    );

    // The portal publishes a newer status list: it is installed.
    server.lists.lock().unwrap()[1] = status_list_with(9);
    assert_eq!(
        update(&mut officer, &client).await,
        (
            ListOutcome::AlreadyCurrent,
            ListOutcome::Installed { sequence: 9 }
        )
    );
    server.take_requests();

    // The portal goes back to an older one: refused, 9 kept.
    server.lists.lock().unwrap()[1] = status_list_bytes();
    let (_, status) = update(&mut officer, &client).await;
    assert!(
        matches!(status, ListOutcome::Refused(TrustError::RolledBack { .. })),
        "{status:?}"
    );
    assert_eq!(
        officer
            .freshness(now())
            .status_list
            .meta
            .map(|m| m.sequence),
        Some(9)
    );
}

#[tokio::test]
async fn an_unreachable_portal_fails_both_lists_and_keeps_what_is_installed() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client =
        PortalClient::unsigned(PortalUrl::parse(&url).unwrap(), &SyncConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = installed(dir.path());
    let last_update = officer.freshness(now()).last_update;
    let offline = ListOutcome::Failed(CallError::Transport(Transport::Offline));
    assert_eq!(
        update(&mut officer, &client).await,
        (offline.clone(), offline)
    );
    let freshness = officer.freshness(now());
    assert!(freshness.is_ready(), "{:?}", freshness.reasons);
    assert_eq!(freshness.last_update, last_update);
    assert_eq!(
        CallError::Transport(Transport::Offline).code(),
        "offline",
        "a failure carries its code"
    );
}
