//! `docket officer` against the reference portal on loopback (the root
//! pinned once, both lists downloaded, 304s, a portal gone, a revocation),
//! its offline checks with `verify`'s output, and `docket verify` failing
//! closed on a live code it cannot record.

mod common;

use common::{CARD_JSON, one_line_error};
use docket_portal::{PortalConfig, PortalThread};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output};

/// An issuer with a printed card and a phone-bound card, in a folder.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Self {
        let case = Case {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(case.path("card.json"), CARD_JSON).unwrap();
        std::fs::write(case.path("photo.jpg"), b"photo").unwrap();
        case.ok(&["issuer", "init", "--dir", "issuer"]);
        let device = case.ok(&["device", "init", "--out", "device.key"]);
        let issue = ["issuer", "issue", "--dir", "issuer", "--card", "card.json"];
        case.ok(&[
            &issue[..],
            &["--photo", "photo.jpg", "--out", "printed.sdc"],
        ]
        .concat());
        case.ok(&[
            &issue[..],
            &["--photo", "photo.jpg", "--out", "bound.sdc"],
            &["--device-key", device.trim()],
        ]
        .concat());
        case
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_docket"))
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

    fn portal(&self) -> PortalThread {
        PortalThread::start(
            PortalConfig {
                db: self.path("portal.sqlite"),
                issuer: self.path("issuer"),
                chaos: None,
            },
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .unwrap()
    }

    fn printed(&self) -> String {
        std::fs::read_to_string(self.path("printed.sdc"))
            .unwrap()
            .trim()
            .to_owned()
    }

    fn live(&self) -> String {
        self.ok(&[
            "present",
            "--card",
            "bound.sdc",
            "--live",
            "--device-key",
            "device.key",
        ])
        .trim()
        .to_owned()
    }

    /// `officer update --json`: exit code and answer.
    fn update(&self, url: &str, extra: &[&str]) -> (i32, Value) {
        let args = [
            &[
                "officer", "update", "--state", "officer", "--portal", url, "--json",
            ][..],
            extra,
        ]
        .concat();
        let output = self.run(&args);
        let answer = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        (output.status.code().unwrap(), answer)
    }

    /// `officer check --json --text TEXT`: exit code, the verdict, stderr.
    fn check(&self, text: &str, extra: &[&str]) -> (i32, Value, String) {
        let args = [
            &[
                "officer", "check", "--state", "officer", "--json", "--text", text,
            ][..],
            extra,
        ]
        .concat();
        let output = self.run(&args);
        let verdict = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.code().unwrap(), verdict, stderr)
    }
}

fn codes(value: &Value) -> Vec<&str> {
    value["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

#[test]
fn the_officer_pins_its_root_downloads_the_lists_and_checks_offline() {
    let case = Case::new();
    let portal = case.portal();
    let url = portal.url();

    let unpinned = case.run(&["officer", "update", "--state", "officer", "--portal", &url]);
    one_line_error(&unpinned, "pass --root");

    let (code, first) = case.update(&url, &["--root", "issuer/root.pub"]);
    assert_eq!(code, 0, "{first}");
    assert_eq!(first["trust_list"]["outcome"], "installed");
    assert_eq!(first["status_list"]["outcome"], "installed");
    assert_eq!(first["freshness"]["ready"], true);
    assert_eq!(first["freshness"]["trust_list"]["state"], "fresh");
    assert_eq!(
        std::fs::read(case.path("officer/status-list.scsl")).unwrap(),
        std::fs::read(case.path("issuer/status-list.scsl")).unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(case.path("officer"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the officer's directory is private");
    }

    // The second time the portal answers 304: nothing new.
    let (code, second) = case.update(&url, &[]);
    assert_eq!(code, 0);
    assert_eq!(second["trust_list"]["outcome"], "already_current");
    assert_eq!(second["status_list"]["outcome"], "already_current");
    assert!(second["freshness"]["last_update"].is_string());

    // Another issuer's root is refused once one is pinned.
    case.ok(&["issuer", "init", "--dir", "other"]);
    let other = case.run(&[
        "officer",
        "update",
        "--state",
        "officer",
        "--portal",
        &url,
        "--root",
        "other/root.pub",
    ]);
    one_line_error(&other, "refusing the different --root");

    // Checks: verify's JSON and exit codes, the replay memory on disk.
    let (code, printed, stderr) = case.check(&case.printed(), &[]);
    assert_eq!(code, 0, "{printed} {stderr}");
    assert_eq!(printed["verdict"], "valid");
    assert!(stderr.is_empty(), "ready: no warning, got {stderr}");
    let live = case.live();
    let (code, verdict, _) = case.check(&live, &[]);
    assert_eq!((code, verdict["form"].as_str()), (0, Some("live")));
    let (code, replayed, _) = case.check(&live, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&replayed), ["live_code_replayed"]);

    // Four days on, the status list is stale: a warning and exit 1.
    let later = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(96))
        .unwrap()
        .to_string();
    let (code, stale, stderr) = case.check(&case.printed(), &["--at", &later]);
    assert_eq!(code, 1);
    assert_eq!(codes(&stale), ["status_list_stale"]);
    assert!(
        stderr.starts_with("warning: not ready") && stderr.contains("[status_list_stale]"),
        "{stderr}"
    );

    // The issuer revokes; the next update brings the revocation.
    let serial = printed["holder"]["card_number"]
        .as_str()
        .unwrap()
        .to_owned();
    case.ok(&["issuer", "revoke", "--dir", "issuer", "--serial", &serial]);
    let (code, revoked) = case.update(&url, &[]);
    assert_eq!(code, 0);
    assert_eq!(revoked["trust_list"]["outcome"], "already_current");
    assert_eq!(revoked["status_list"]["outcome"], "installed");
    let (code, verdict, _) = case.check(&case.printed(), &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&verdict), ["card_revoked"]);

    // With the portal gone the lists are kept: still ready, exit 0.
    portal.stop();
    let output = case.run(&["officer", "update", "--state", "officer", "--portal", &url]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("[offline]"), "{text}");
    assert!(text.contains("Ready to check cards offline."), "{text}");
}

#[test]
fn lists_the_pinned_root_did_not_sign_leave_the_officer_not_ready() {
    let case = Case::new();
    let portal = case.portal();
    case.ok(&["issuer", "init", "--dir", "other"]);
    let (code, answer) = case.update(&portal.url(), &["--root", "other/root.pub"]);
    assert_eq!(code, 1, "{answer}");
    assert_eq!(answer["trust_list"]["outcome"], "refused");
    assert_eq!(answer["trust_list"]["code"], "trust_list_bad_signature");
    assert_eq!(answer["freshness"]["ready"], false);
    assert_eq!(
        codes(&answer["freshness"]),
        ["trust_list_bad_signature", "status_list_missing"]
    );
    // A refused list is not kept, so a later run has none (the refusal
    // was the update's to report).
    let (code, verdict, stderr) = case.check(&case.printed(), &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&verdict), ["trust_list_missing"]);
    assert!(stderr.contains("not ready"), "{stderr}");
    assert!(!case.path("officer/trust-list.sctl").exists());
}

#[test]
fn a_check_needs_an_officer_directory() {
    let case = Case::new();
    let output = case.run(&["officer", "check", "--state", "nowhere", "--text", "SC1:X"]);
    one_line_error(&output, "docket officer update");
    let bad_url = case.run(&[
        "officer",
        "update",
        "--state",
        "officer",
        "--portal",
        "http://portal.example.gov",
        "--root",
        "issuer/root.pub",
    ]);
    one_line_error(&bad_url, "https://");
    assert!(!case.path("officer").exists(), "nothing made for a bad URL");
}

#[test]
fn verify_refuses_a_live_code_it_cannot_record_and_still_checks_a_printed_card() {
    let case = Case::new();
    // The state's folder does not exist: nothing can be saved there.
    let unwritable = ["--state", "missing/verifier-state.json", "--json"];
    let verify = |text: &str| {
        let args = [
            &["verify", "--trust", "issuer", "--text", text][..],
            &unwritable,
        ]
        .concat();
        case.run(&args)
    };
    let output = verify(&case.live());
    assert_eq!(output.status.code(), Some(1));
    let verdict: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(codes(&verdict), ["replay_not_recorded"]);
    assert!(
        verdict["messages"][0]
            .as_str()
            .unwrap()
            .contains("cannot tell a screenshot from a live code")
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("warning: "), "{stderr}");

    let output = verify(&case.printed());
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn verify_leaves_a_damaged_state_file_as_it_was() {
    let case = Case::new();
    std::fs::write(case.path("state.json"), b"{\"trust_list\": ").unwrap();
    let output = case.run(&[
        "verify",
        "--trust",
        "issuer",
        "--state",
        "state.json",
        "--text",
        &case.printed(),
    ]);
    one_line_error(&output, "is damaged");
    assert_eq!(
        std::fs::read(case.path("state.json")).unwrap(),
        b"{\"trust_list\": "
    );
}
