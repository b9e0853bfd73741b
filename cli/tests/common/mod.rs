//! What the CLI's test files share: a holder's data, a portal on loopback
//! with one holder, `docket wallet` run in a profile folder, and the
//! one-line error every command gives. Each test file uses part of it.

#![allow(dead_code)]

use docket_issuer::CardRequest;
use docket_portal::{PortalConfig, PortalThread, admin};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const CARD_JSON: &str = r#"{"family_name":"Nguyễn","given_names":"Thị Lan","date_of_birth":"1985-03",
"sex":"F","nationality":"VNM","expires":"2030-06-30"}"#;

pub const HEARINGS: &str = r#"[{"id":"H-1","starts":{"local":"2030-03-15T09:00:00","time_zone":"America/Chicago"},"court":{"name":"Houston Immigration Court","address":"600 Jefferson St\nHouston, TX 77002"},"judge":null,"kind":"master_calendar","status":"scheduled"}]"#;

/// A portal on loopback with one holder (their printed card's QR and
/// code), and the folder a wallet profile lives in.
pub struct Case {
    pub dir: tempfile::TempDir,
    /// `None` while a test has the portal stopped.
    pub portal: Option<PortalThread>,
    pub url: String,
    pub card_qr: String,
    pub code: String,
}

impl Case {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let issuer = dir.path().join("issuer");
        let made = Command::new(env!("CARGO_BIN_EXE_docket"))
            .args(["issuer", "init", "--dir", issuer.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(made.status.success(), "{made:?}");
        let db = dir.path().join("portal.sqlite");
        let holder = admin::add_holder(
            &db,
            &issuer,
            &CardRequest::parse(CARD_JSON).unwrap(),
            b"photo bytes",
            Some(HEARINGS.as_bytes()),
            jiff::Timestamp::now(),
        )
        .unwrap();
        let portal = PortalThread::start(
            PortalConfig {
                db,
                issuer,
                chaos: None,
            },
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .unwrap();
        Case {
            url: portal.url(),
            portal: Some(portal),
            dir,
            card_qr: holder.card_qr,
            code: holder.activation_code.to_string(),
        }
    }

    /// The wallet's profile folder.
    pub fn profile(&self) -> PathBuf {
        self.dir.path().join("profile")
    }

    /// The portal's database.
    pub fn portal_db(&self) -> PathBuf {
        self.dir.path().join("portal.sqlite")
    }

    /// The issuer directory.
    pub fn issuer(&self) -> PathBuf {
        self.dir.path().join("issuer")
    }

    /// The config the portal runs with (to start it again).
    pub fn portal_config(&self) -> PortalConfig {
        PortalConfig {
            db: self.portal_db(),
            issuer: self.issuer(),
            chaos: None,
        }
    }

    /// Another holder: the printed card's QR text and the code.
    pub fn another_holder(&self) -> (String, String) {
        let holder = admin::add_holder(
            &self.portal_db(),
            &self.issuer(),
            &CardRequest::parse(CARD_JSON).unwrap(),
            b"other photo",
            None,
            jiff::Timestamp::now(),
        )
        .unwrap();
        (holder.card_qr, holder.activation_code.to_string())
    }

    pub fn wallet(&self, args: &[&str]) -> Output {
        wallet_in(&self.profile(), args)
    }

    pub fn ok_json(&self, args: &[&str]) -> Value {
        ok_json_in(&self.profile(), args)
    }

    /// Enrolls the profile with the holder's card and code.
    pub fn enroll(&self) -> Value {
        self.ok_json(&[
            "enroll",
            "--portal",
            &self.url,
            "--card-qr",
            &self.card_qr,
            "--code",
            &self.code,
            "--json",
        ])
    }
}

/// `docket wallet --profile PROFILE ARGS...`.
pub fn wallet_in(profile: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docket"))
        .arg("wallet")
        .arg("--profile")
        .arg(profile)
        .args(args)
        .output()
        .unwrap()
}

/// A wallet command that must succeed, and its JSON.
pub fn ok_json_in(profile: &Path, args: &[&str]) -> Value {
    let output = wallet_in(profile, args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stdout)))
}

/// A command that failed as every command fails: exit 2, one line.
pub fn one_line_error(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(needle), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "stderr: {stderr}");
}
