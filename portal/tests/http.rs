//! What every route shares: problem documents for every error, caching
//! headers, and the public lists.

mod common;

use common::*;
use docket_core::portal_api::{LIST_CONTENT_TYPE, paths};
use docket_core::trust::CardStatus;
use docket_issuer::IssuerDir;
use jiff::Timestamp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_and_methods_are_problems() {
    let h = Harness::start().await;
    for path in [
        "/",
        "/v1",
        "/v1/nope",
        "/v2/hearings",
        "/v1/hearings/",
        "/v1/trust-list/x",
    ] {
        h.get(path, &[]).await.assert_problem(404, "not_found");
    }
    for (method, path) in [
        ("DELETE", paths::TRUST_LIST),
        ("POST", paths::STATUS_LIST),
        ("GET", paths::ENROLLMENTS),
        ("PUT", paths::CHECK_INS),
        ("POST", paths::HEARINGS),
    ] {
        let answer = read(
            h.client
                .request(
                    reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                    h.url(path),
                )
                .send()
                .await
                .unwrap(),
        )
        .await;
        answer.assert_problem(405, "method_not_allowed");
        assert!(answer.header("allow").is_some(), "{method} {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_served_live_with_etags() {
    let h = Harness::start().await;
    let holder = h.add_holder();
    let dir = IssuerDir::open(&h.issuer).unwrap();
    for (path, file) in [
        (paths::TRUST_LIST, "trust-list.sctl"),
        (paths::STATUS_LIST, "status-list.scsl"),
    ] {
        let answer = h.get(path, &[]).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some(LIST_CONTENT_TYPE));
        assert_eq!(answer.header("cache-control"), Some("no-cache"));
        assert_eq!(answer.body, std::fs::read(dir.file(file)).unwrap());
        let tag = answer.header("etag").unwrap().to_owned();
        let again = h.get(path, &[("if-none-match", &tag)]).await;
        assert_eq!((again.status, again.body.len()), (304, 0));
    }
    let before = h.get(paths::STATUS_LIST, &[]).await;
    let tag = before.header("etag").unwrap().to_owned();
    let index = dir.status_index_of(holder.serial).unwrap();
    let mut list = dir.status_list().unwrap();
    assert!(list.set(index, CardStatus::Revoked));
    dir.publish_status_list(list, Timestamp::now()).unwrap();
    let after = h.get(paths::STATUS_LIST, &[("if-none-match", &tag)]).await;
    assert_eq!(after.status, 200);
    assert_ne!(after.header("etag"), Some(tag.as_str()));
    assert_eq!(
        after.body,
        std::fs::read(dir.file("status-list.scsl")).unwrap()
    );

    // A missing file is the portal's failure, said as a problem.
    std::fs::remove_file(dir.file("trust-list.sctl")).unwrap();
    h.get(paths::TRUST_LIST, &[])
        .await
        .assert_problem(500, "internal_error");
}

#[test]
fn a_portal_thread_serves_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = dir.path().join("issuer");
    IssuerDir::create(&issuer, docket_core::trust::KeyId(1), Timestamp::now()).unwrap();
    let config = docket_portal::PortalConfig {
        db: dir.path().join("p.sqlite"),
        issuer,
        chaos: None,
    };
    let portal =
        docket_portal::PortalThread::start(config.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let answer = raw_get(portal.addr(), paths::TRUST_LIST);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    portal.set_chaos(Some(
        docket_portal::ChaosSpec::parse("rate=1,seed=2,hang=0").unwrap(),
    ));
    let _ = raw_get(portal.addr(), paths::TRUST_LIST);
    assert_eq!(portal.chaos_counts().total(), 1);
    assert_eq!(portal.chaos_counts().passed, 0);
    let addr = portal.addr();
    portal.stop();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening"
    );

    // A second portal on a busy address fails to start, with its reason.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let error = docket_portal::PortalThread::start(config, busy.local_addr().unwrap())
        .err()
        .unwrap();
    assert!(error.to_string().contains("cannot listen"), "{error}");
}

fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}
