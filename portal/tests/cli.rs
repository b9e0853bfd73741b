//! The `docket-portal` binary: admin commands, serve, and one-line errors.

mod common;

use common::{CARD_JSON, HEARINGS_JSON, PHOTO};
use docket_core::card::Serial;
use docket_core::hearings::HearingStatus;
use docket_core::portal_api::ActivationCode;
use docket_core::sc1::SignedCard;
use docket_core::trust::KeyId;
use docket_issuer::IssuerDir;
use docket_portal::admin;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        IssuerDir::create(&dir.path().join("issuer"), KeyId(1), jiff::Timestamp::now()).unwrap();
        std::fs::write(dir.path().join("card.json"), CARD_JSON).unwrap();
        std::fs::write(dir.path().join("photo.jpg"), PHOTO).unwrap();
        std::fs::write(dir.path().join("hearings.json"), HEARINGS_JSON).unwrap();
        Sandbox { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db(&self) -> PathBuf {
        self.path("portal.sqlite")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_docket-portal"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn add_holder(&self) -> Value {
        let out = self.ok(&[
            "admin",
            "add-holder",
            "--db",
            "portal.sqlite",
            "--issuer",
            "issuer",
            "--card",
            "card.json",
            "--photo",
            "photo.jpg",
            "--hearings",
            "hearings.json",
            "--json",
        ]);
        serde_json::from_str(&out).unwrap()
    }
}

/// Exit status 2 and exactly one line on stderr.
fn assert_one_line_error(output: &Output, mentions: &str) {
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("docket-portal: "), "{stderr}");
    assert!(stderr.contains(mentions), "{stderr}");
}

#[test]
fn add_holder_prints_the_card_and_code() {
    let sandbox = Sandbox::new();
    let holder = sandbox.add_holder();
    let serial = Serial::parse(holder["serial"].as_str().unwrap()).unwrap();
    let card = SignedCard::from_text(holder["card_qr"].as_str().unwrap()).unwrap();
    assert_eq!(card.card().serial, serial);
    assert!(!card.card().is_bound());
    let code = holder["activation_code"].as_str().unwrap();
    assert_eq!(code.len(), 14);
    ActivationCode::parse(code).unwrap();
    assert_eq!(admin::hearings(&sandbox.db(), serial).unwrap().len(), 1);

    let text = sandbox.ok(&[
        "admin",
        "add-holder",
        "--db",
        "portal.sqlite",
        "--issuer",
        "issuer",
        "--card",
        "card.json",
        "--photo",
        "photo.jpg",
    ]);
    assert!(text.contains("activation code: "), "{text}");
    assert!(text.contains("SC1:"), "{text}");
}

#[test]
fn hearings_codes_and_received_from_the_command_line() {
    let sandbox = Sandbox::new();
    let holder = sandbox.add_holder();
    let serial = holder["serial"].as_str().unwrap();
    sandbox.ok(&[
        "admin",
        "hearing",
        "add",
        "--db",
        "portal.sqlite",
        "--serial",
        serial,
        "--id",
        "H-2027-0100",
        "--starts",
        "2027-03-15T09:00",
        "--time-zone",
        "America/Chicago",
        "--court",
        "Houston Immigration Court",
        "--address",
        "600 Jefferson St\\nHouston, TX",
        "--judge",
        "A. Judge",
        "--kind",
        "individual",
    ]);
    sandbox.ok(&[
        "admin",
        "hearing",
        "move",
        "--db",
        "portal.sqlite",
        "--serial",
        serial,
        "--id",
        "H-2027-0042",
        "--starts",
        "2027-05-01T10:30",
    ]);
    sandbox.ok(&[
        "admin",
        "hearing",
        "cancel",
        "--db",
        "portal.sqlite",
        "--serial",
        serial,
        "--id",
        "H-2027-0100",
    ]);
    let list = admin::hearings(&sandbox.db(), Serial::parse(serial).unwrap()).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].status, HearingStatus::Rescheduled);
    assert_eq!(list[0].starts.time_zone(), "America/Chicago");
    assert_eq!(list[0].starts.local().to_string(), "2027-05-01T10:30:00");
    assert_eq!(list[1].status, HearingStatus::Cancelled);
    assert_eq!(list[1].court.address(), "600 Jefferson St\nHouston, TX");

    let code: Value = serde_json::from_str(&sandbox.ok(&[
        "admin",
        "new-code",
        "--db",
        "portal.sqlite",
        "--serial",
        serial,
        "--json",
    ]))
    .unwrap();
    ActivationCode::parse(code["activation_code"].as_str().unwrap()).unwrap();
    assert_ne!(code["activation_code"], holder["activation_code"]);

    let received = sandbox.ok(&["admin", "received", "--db", "portal.sqlite", "--json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&received).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn errors_are_one_line_and_exit_2() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&[
        "admin",
        "new-code",
        "--db",
        "portal.sqlite",
        "--serial",
        "nope",
    ]);
    assert_one_line_error(&output, "--serial");
    let output = sandbox.run(&[
        "admin",
        "new-code",
        "--db",
        "portal.sqlite",
        "--serial",
        "0000-00ZZ",
    ]);
    assert_one_line_error(&output, "no holder has card number");
    std::fs::write(sandbox.path("bad.json"), CARD_JSON.replace("VNM", "VNX")).unwrap();
    let output = sandbox.run(&[
        "admin",
        "add-holder",
        "--db",
        "portal.sqlite",
        "--issuer",
        "issuer",
        "--card",
        "bad.json",
        "--photo",
        "photo.jpg",
    ]);
    assert_one_line_error(&output, "nationality");
    let output = sandbox.run(&[
        "serve",
        "--db",
        "portal.sqlite",
        "--issuer",
        "issuer",
        "--listen",
        "127.0.0.1:0",
        "--chaos",
        "rate=2,seed=1",
    ]);
    assert_one_line_error(&output, "rate");
    let output = sandbox.run(&[
        "serve",
        "--db",
        "portal.sqlite",
        "--issuer",
        "no-issuer",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_one_line_error(&output, "issuer");
    std::fs::write(
        sandbox.path("not-a-db"),
        "hello, this is not SQLite at all........",
    )
    .unwrap();
    let output = sandbox.run(&["admin", "received", "--db", "not-a-db"]);
    assert_one_line_error(&output, "not-a-db");
}

#[test]
fn serve_logs_requests_without_personal_data_and_stops_on_sigterm() {
    let sandbox = Sandbox::new();
    let holder = sandbox.add_holder();
    let mut child = Command::new(env!("CARGO_BIN_EXE_docket-portal"))
        .args([
            "serve",
            "--db",
            "portal.sqlite",
            "--issuer",
            "issuer",
            "--listen",
            "127.0.0.1:0",
        ])
        .current_dir(sandbox.dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("docket-portal listening on http://")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let answer = raw(&url, "GET /v1/status-list?x=secret HTTP/1.1");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let answer = raw(&url, "GET /v1/hearings HTTP/1.1");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut log = String::new();
    stderr.read_to_string(&mut log).unwrap();
    assert!(log.contains("GET /v1/status-list 200 "), "{log}");
    assert!(log.contains("GET /v1/hearings 401 "), "{log}");
    assert!(!log.contains("secret"), "{log}");
    assert!(
        !log.contains(holder["activation_code"].as_str().unwrap()),
        "{log}"
    );
    assert!(!log.contains(holder["serial"].as_str().unwrap()), "{log}");
}

fn raw(addr: &str, request_line: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{request_line}\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn phone_lost_from_the_command_line() {
    let sandbox = Sandbox::new();
    let holder = sandbox.add_holder();
    let serial = holder["serial"].as_str().unwrap();
    let dir = IssuerDir::open(&sandbox.path("issuer")).unwrap();
    let printed = SignedCard::from_text(holder["card_qr"].as_str().unwrap()).unwrap();
    let phone = docket_core::device::SoftwareDeviceKey::generate().unwrap();
    let bound = dir
        .bind_card(&printed, phone.public(), jiff::Timestamp::now())
        .unwrap();
    let args = [
        "admin",
        "phone-lost",
        "--db",
        "portal.sqlite",
        "--issuer",
        "issuer",
        "--serial",
        serial,
        "--json",
    ];
    let lost: Value = serde_json::from_str(&sandbox.ok(&args)).unwrap();
    assert_eq!(lost["card_serial"], serial);
    assert_eq!(
        lost["bindings_ended"],
        serde_json::json!([bound.card.card().status_index.value()])
    );
    let again: Value = serde_json::from_str(&sandbox.ok(&args)).unwrap();
    assert_eq!(again["bindings_ended"], serde_json::json!([]));
    assert_one_line_error(
        &sandbox.run(&[
            "admin",
            "phone-lost",
            "--db",
            "portal.sqlite",
            "--issuer",
            "issuer",
            "--serial",
            "0000-0000",
        ]),
        "0000-0000",
    );
}
