//! The `docket` binary end to end: the interface issue 2 fixes, its exit
//! codes, and its one-line errors.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CARD_JSON: &str = r#"{"family_name":"Nguyễn","given_names":"Thị Lan","date_of_birth":"1985-03",
"sex":"F","nationality":"VNM","expires":"2030-06-30"}"#;

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let sandbox = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(sandbox.path("card.json"), CARD_JSON).unwrap();
        std::fs::write(
            sandbox.path("photo.jpg"),
            b"not really a jpeg, only its digest matters",
        )
        .unwrap();
        sandbox
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_docket"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// An issuer, a device key and a bound card: returns the device public key.
    fn issued(&self, bound: bool) -> String {
        self.ok(&["issuer", "init", "--dir", &self.arg("issuer")]);
        let public = self
            .ok(&["device", "init", "--out", &self.arg("device.key")])
            .trim()
            .to_owned();
        let mut args = vec![
            "issuer",
            "issue",
            "--dir",
            "issuer",
            "--card",
            "card.json",
            "--photo",
            "photo.jpg",
            "--out",
            "card.sdc",
        ];
        if bound {
            args.extend(["--device-key", public.as_str()]);
        }
        self.ok(&args);
        public
    }

    fn verify_json(&self, extra: &[&str]) -> (i32, Vec<Value>) {
        let mut args = vec!["verify", "--trust", "issuer", "--json"];
        args.extend_from_slice(extra);
        let output = self.run(&args);
        let results = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (output.status.code().unwrap(), results)
    }
}

fn reasons(result: &Value) -> Vec<&str> {
    result["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

fn assert_one_line_error(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(needle), "stderr: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "stderr: {stderr}"
    );
}

#[test]
fn issue_present_live_and_verify_then_refuse_the_replay() {
    let sandbox = Sandbox::new();
    sandbox.issued(true);
    let live = sandbox.ok(&[
        "present",
        "--card",
        "card.sdc",
        "--live",
        "--device-key",
        "device.key",
    ]);
    let live = live.trim();
    assert!(live.starts_with("SC1:"));
    let (code, results) = sandbox.verify_json(&["--text", live]);
    assert_eq!(code, 0, "{results:?}");
    assert_eq!(results[0]["verdict"], "valid");
    assert_eq!(results[0]["form"], "live");
    assert_eq!(results[0]["holder"]["family_name"], "Nguyễn");
    assert_eq!(results[0]["holder"]["date_of_birth"], "1985-03");
    assert_eq!(results[0]["holder"]["nationality_name"], "Vietnam");
    assert!(results[0]["qr_version"].is_null());
    // The verifier remembers the code across runs.
    let (code, results) = sandbox.verify_json(&["--text", live]);
    assert_eq!(code, 1);
    assert_eq!(reasons(&results[0]), ["live_code_replayed"]);
    // A still of the bound card is refused.
    let still = sandbox.ok(&["present", "--card", "card.sdc"]);
    let (code, results) = sandbox.verify_json(&["--text", still.trim()]);
    assert_eq!(code, 1);
    assert_eq!(reasons(&results[0]), ["live_presentation_required"]);
}

#[test]
fn printed_card_as_png_verifies_from_the_image() {
    let sandbox = Sandbox::new();
    sandbox.issued(false);
    let out = sandbox.ok(&[
        "qr",
        "--card",
        "card.sdc",
        "--png",
        "card.png",
        "--module-size",
        "4",
    ]);
    assert!(out.contains("QR version"), "{out}");
    let (code, results) = sandbox.verify_json(&[&sandbox.arg("card.png")]);
    assert_eq!(code, 0, "{results:?}");
    assert_eq!(results[0]["verdict"], "valid");
    assert_eq!(results[0]["form"], "static");
    assert!(results[0]["qr_version"].as_u64().unwrap() <= 10);
    // Human output names the holder.
    let human = sandbox.ok(&["verify", "--trust", "issuer", &sandbox.arg("card.png")]);
    assert!(human.starts_with("VALID (printed card)"), "{human}");
    assert!(human.contains("Nguyễn, Thị Lan"));
}

#[test]
fn live_png_and_svg_and_terminal_rendering() {
    let sandbox = Sandbox::new();
    sandbox.issued(true);
    sandbox.ok(&[
        "qr",
        "--card",
        "card.sdc",
        "--live",
        "--device-key",
        "device.key",
        "--png",
        "live.png",
    ]);
    let (code, results) = sandbox.verify_json(&["live.png"]);
    assert_eq!(code, 0, "{results:?}");
    assert!(results[0]["qr_version"].as_u64().unwrap() <= 12);
    sandbox.ok(&[
        "qr",
        "--card",
        "card.sdc",
        "--svg",
        "card.svg",
        "--quiet-zone",
        "2",
    ]);
    let svg = std::fs::read_to_string(sandbox.path("card.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("M2 2h7v1h-7z"));
    let terminal = sandbox.ok(&["qr", "--text", "HELLO", "--style", "dark-on-light"]);
    assert!(terminal.contains('█') && terminal.contains("QR version 1"));
}

#[test]
fn revocation_reaches_the_verifier_through_the_status_list() {
    let sandbox = Sandbox::new();
    sandbox.issued(false);
    let text = std::fs::read_to_string(sandbox.path("card.sdc")).unwrap();
    let serial = sandbox.ok(&[
        "verify",
        "--trust",
        "issuer",
        "--text",
        text.trim(),
        "--json",
    ]);
    let serial: Value = serde_json::from_str(serial.trim()).unwrap();
    let number = serial["holder"]["card_number"].as_str().unwrap().to_owned();
    sandbox.ok(&[
        "issuer",
        "revoke",
        "--dir",
        "issuer",
        "--serial",
        &number.to_lowercase(),
    ]);
    let (code, results) = sandbox.verify_json(&["--text", text.trim()]);
    assert_eq!(code, 1);
    assert_eq!(reasons(&results[0]), ["card_revoked"]);
    sandbox.ok(&[
        "issuer",
        "revoke",
        "--dir",
        "issuer",
        "--serial",
        &number,
        "--status",
        "suspended",
    ]);
    assert_eq!(
        reasons(&sandbox.verify_json(&["--text", text.trim()]).1[0]),
        ["card_suspended"]
    );
    sandbox.ok(&[
        "issuer", "revoke", "--dir", "issuer", "--serial", &number, "--status", "valid",
    ]);
    assert_eq!(sandbox.verify_json(&["--text", text.trim()]).0, 0);
    let unknown = sandbox.run(&[
        "issuer",
        "revoke",
        "--dir",
        "issuer",
        "--serial",
        "0000-0000",
    ]);
    assert_one_line_error(&unknown, "no card 0000-0000");
}

#[test]
fn an_old_trust_list_put_back_is_refused_as_a_rollback() {
    let sandbox = Sandbox::new();
    sandbox.issued(false);
    let text = std::fs::read_to_string(sandbox.path("card.sdc")).unwrap();
    let old = std::fs::read(sandbox.path("issuer/trust-list.sctl")).unwrap();
    sandbox.ok(&["issuer", "refresh", "--dir", "issuer"]);
    assert_eq!(sandbox.verify_json(&["--text", text.trim()]).0, 0);
    std::fs::write(sandbox.path("issuer/trust-list.sctl"), old).unwrap();
    let (code, results) = sandbox.verify_json(&["--text", text.trim()]);
    assert_eq!(code, 1);
    assert_eq!(reasons(&results[0]), ["trust_list_rolled_back"]);
    assert!(results[0]["holder"].is_null());
}

#[test]
fn time_travel_shows_stale_data_and_a_wrong_clock() {
    let sandbox = Sandbox::new();
    sandbox.issued(false);
    let text = std::fs::read_to_string(sandbox.path("card.sdc")).unwrap();
    let in_four_days = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(96))
        .unwrap()
        .to_string();
    let (code, results) = sandbox.verify_json(&[
        "--text",
        text.trim(),
        "--at",
        &in_four_days,
        "--state",
        "other-state.json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(reasons(&results[0]), ["status_list_stale"]);
    let (code, results) = sandbox.verify_json(&[
        "--text",
        text.trim(),
        "--at",
        "2020-01-01T00:00:00Z",
        "--state",
        "fresh-state.json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(reasons(&results[0]), ["verifier_clock_behind"]);
}

#[test]
fn several_images_one_json_object_each_and_an_image_without_a_code() {
    let sandbox = Sandbox::new();
    sandbox.issued(false);
    sandbox.ok(&["qr", "--card", "card.sdc", "--png", "card.png"]);
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .save(sandbox.path("blank.png"))
        .unwrap();
    sandbox.ok(&["qr", "--text", "https://example.org", "--png", "other.png"]);
    let (code, results) = sandbox.verify_json(&["card.png", "blank.png", "other.png"]);
    assert_eq!(code, 1);
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["verdict"], "valid");
    assert_eq!(reasons(&results[1]), ["no_qr_code_found"]);
    assert_eq!(reasons(&results[2]), ["bad_prefix"]);
}

#[test]
fn scan_reports_any_code_with_its_version_and_position() {
    let sandbox = Sandbox::new();
    sandbox.ok(&[
        "qr",
        "--text",
        "https://example.org/a?b=c",
        "--png",
        "url.png",
    ]);
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .save(sandbox.path("blank.png"))
        .unwrap();
    let output = sandbox.run(&["scan", "--json", "url.png", "blank.png"]);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["codes"][0]["text"], "https://example.org/a?b=c");
    assert_eq!(lines[0]["codes"][0]["version"], 2);
    // Module size 8 and a 4-module quiet zone: the code starts at (32, 32).
    let corner = &lines[0]["codes"][0]["corners"][0];
    assert!((corner[0].as_f64().unwrap() - 32.0).abs() < 2.0, "{corner}");
    assert_eq!(lines[1]["codes"].as_array().unwrap().len(), 0);
    let human = sandbox.ok(&["scan", "url.png"]);
    assert!(human.contains("QR version 2") && human.contains("https://example.org/a?b=c"));
}

#[test]
fn a_photo_larger_than_the_scanner_takes_is_downscaled_and_read() {
    let sandbox = Sandbox::new();
    sandbox.issued(false);
    sandbox.ok(&[
        "qr",
        "--card",
        "card.sdc",
        "--png",
        "card.png",
        "--module-size",
        "10",
    ]);
    let code = image::open(sandbox.path("card.png")).unwrap().to_luma8();
    // 5000 x 3500 = 17.5 megapixels, over the scanner's 16.8.
    let mut photo = image::GrayImage::from_pixel(5000, 3500, image::Luma([235]));
    image::imageops::overlay(&mut photo, &code, 3000, 1800);
    photo.save(sandbox.path("photo.png")).unwrap();
    let (code, results) = sandbox.verify_json(&["photo.png"]);
    assert_eq!(code, 0, "{results:?}");
    assert_eq!(results[0]["verdict"], "valid");
}

#[test]
fn errors_are_one_line_with_exit_status_2() {
    let sandbox = Sandbox::new();
    assert_one_line_error(
        &sandbox.run(&["verify", "--trust", "nowhere", "--text", "SC1:"]),
        "root key nowhere/root.pub does not exist",
    );
    sandbox.issued(true);
    assert_one_line_error(
        &sandbox.run(&["verify", "--trust", "issuer", "missing.png"]),
        "image missing.png does not exist",
    );
    std::fs::write(sandbox.path("junk.png"), b"junk").unwrap();
    assert_one_line_error(
        &sandbox.run(&["verify", "--trust", "issuer", "junk.png"]),
        "junk.png",
    );
    assert_one_line_error(
        &sandbox.run(&[
            "verify",
            "--trust",
            "issuer",
            "--text",
            "SC1:",
            "--at",
            "yesterday",
        ]),
        "RFC 3339",
    );
    // No input at all is a usage error, also on one line.
    let output = sandbox.run(&["verify", "--trust", "issuer"]);
    assert_one_line_error(&output, "required arguments were not provided");
    assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
    let output = sandbox.run(&["verify", "--trust", "issuer", "--json", "--bogus"]);
    assert_one_line_error(&output, "--bogus");
    assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
    // Help is not an error.
    assert_eq!(sandbox.run(&["verify", "--help"]).status.code(), Some(0));
    // A bad CARD.json names the field.
    std::fs::write(sandbox.path("bad.json"), CARD_JSON.replace("VNM", "VNX")).unwrap();
    let output = sandbox.run(&[
        "issuer",
        "issue",
        "--dir",
        "issuer",
        "--card",
        "bad.json",
        "--photo",
        "photo.jpg",
        "--out",
        "x.sdc",
    ]);
    assert_one_line_error(&output, "nationality");
    assert!(!sandbox.path("x.sdc").exists());
    // Key files are never overwritten.
    assert_one_line_error(
        &sandbox.run(&["device", "init", "--out", "device.key"]),
        "already exists",
    );
    // A live code needs the key the card is bound to.
    sandbox.ok(&["device", "init", "--out", "other.key"]);
    let output = sandbox.run(&[
        "present",
        "--card",
        "card.sdc",
        "--live",
        "--device-key",
        "other.key",
    ]);
    assert_one_line_error(&output, "not the one the card was issued to");
    // A second init in the same directory is refused.
    assert_one_line_error(
        &sandbox.run(&["issuer", "init", "--dir", "issuer"]),
        "already holds an issuer",
    );
    // An issue date before the key existed is refused.
    std::fs::write(
        sandbox.path("old.json"),
        CARD_JSON.replace("\"sex\"", "\"issued\":\"2020-01-01\",\"sex\""),
    )
    .unwrap();
    let output = sandbox.run(&[
        "issuer",
        "issue",
        "--dir",
        "issuer",
        "--card",
        "old.json",
        "--photo",
        "photo.jpg",
        "--out",
        "x.sdc",
    ]);
    assert_one_line_error(&output, "outside the issuer key's validity");
}

#[test]
fn the_demo_runs_and_leaves_nothing_behind() {
    let sandbox = Sandbox::new();
    let out = sandbox.ok(&["demo", "--style", "dark-on-light"]);
    for expected in [
        "VALID (live code)",
        "[live_code_replayed]",
        "no connection",
        "the portal holds it exactly once",
        "MOVED",
        "[binding_revoked]",
        "VALID (printed card)",
        "[card_revoked]",
        "the portal is stopped and the temporary files removed",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    let kept = sandbox.path("kept");
    sandbox.ok(&["demo", "--keep", &kept.display().to_string()]);
    assert!(Path::new(&kept).join("live.png").exists());
}

/// A PNG whose header says `width`×`height` and that holds no pixels: the
/// size a decoder would allocate for, in 65 bytes.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit gray
    chunk(&mut png, b"IHDR", &ihdr);
    // A zlib stream of nothing: the header is all a decoder needs to size
    // its buffers.
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

/// Issue 14: desktop image paths decoded a 16000×16000 PNG (a 51 KB file)
/// using 1.3 GB and 3.8 s. Now its size is read from the header and
/// refused before any pixel is decoded.
#[test]
fn a_huge_image_is_refused_before_decoding() {
    let sandbox = Sandbox::new();
    sandbox.issued(true);
    std::fs::write(sandbox.path("huge.png"), png_header_only(16_000, 16_000)).unwrap();
    for args in [
        vec!["verify", "--trust", "issuer", "huge.png"],
        vec!["scan", "huge.png"],
    ] {
        assert_one_line_error(&sandbox.run(&args), "16000×16000 pixels");
    }
}
