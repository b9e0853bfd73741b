//! `docket verify`: the officer's check, offline, against a trust
//! directory (an issuer's), through core's officer facade. What it has
//! seen is kept in `verifier-state.json` (or `--state FILE`).

use super::time_or_now;
use crate::Outcome;
use crate::args::VerifyArgs;
use crate::images::qr_codes_in;
use crate::output::{VerdictJson, human};
use anyhow::{Context, Result, bail};
use docket_core::officer::{Officer, OfficerFiles};
use docket_core::qr::scan::ScanMode;
use docket_core::trust::{Ed25519PublicKey, ListKind};
use docket_core::verify::{Verdict, VerifierPolicy};
use docket_issuer::{ROOT_PUB, read_root_pin};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// The state file's default name inside the trust directory.
pub const STATE_FILE: &str = "verifier-state.json";

/// An input and its result, ready to print.
pub struct Checked {
    pub label: String,
    /// `None` when the image holds no QR code.
    pub verdict: Option<Verdict>,
    /// The QR version, for codes read from an image.
    pub qr_version: Option<u8>,
    pub checked_at: Timestamp,
}

impl Checked {
    pub fn json(&self) -> VerdictJson<'_> {
        match &self.verdict {
            Some(verdict) => VerdictJson::new(&self.label, verdict, self.qr_version),
            None => VerdictJson::no_code(&self.label, self.checked_at.to_string()),
        }
    }

    pub fn is_valid(&self) -> bool {
        self.verdict.as_ref().is_some_and(Verdict::is_valid)
    }
}

/// Reads the QR codes in an image and verifies the SC1 one (or, if there
/// is none, the first code, which then fails as "not a Secure Docket Card").
pub fn check_image(officer: &mut Officer, path: &Path, now: Timestamp) -> Result<Checked> {
    // Any QR, so that a code that is not a card is reported as such
    // rather than as no code at all.
    let codes = qr_codes_in(path, ScanMode::AnyQr)?;
    let chosen = codes
        .iter()
        .find(|code| code.text.starts_with(docket_core::sc1::PREFIX))
        .or(codes.first());
    Ok(Checked {
        label: path.display().to_string(),
        verdict: chosen.map(|code| officer.check_text(&code.text, now)),
        qr_version: chosen.map(|code| code.version),
        checked_at: now,
    })
}

/// The inputs of `verify` and `officer check`: a text, or images.
pub struct Inputs<'a> {
    pub text: Option<&'a str>,
    pub images: &'a [PathBuf],
    pub json: bool,
}

/// Checks every input, prints each result, and says whether all were
/// valid. Warns if the officer's state could not be saved (a live code
/// that could not be recorded is already refused in its verdict).
pub fn check_and_print(
    officer: &mut Officer,
    inputs: &Inputs<'_>,
    now: Timestamp,
) -> Result<Outcome> {
    let mut results = Vec::new();
    if let Some(text) = inputs.text {
        results.push(Checked {
            label: "text".to_owned(),
            verdict: Some(officer.check_text(text, now)),
            qr_version: None,
            checked_at: now,
        });
    }
    for image in inputs.images {
        results.push(check_image(officer, image, now)?);
    }
    for result in &results {
        if inputs.json {
            println!("{}", serde_json::to_string(&result.json())?);
        } else {
            print!("{}", human(&result.json()));
        }
    }
    if officer.has_unsaved_changes()
        && let Err(error) = officer.save()
    {
        eprintln!(
            "warning: {error}; the newest lists accepted and the live codes seen are not recorded"
        );
    }
    Ok(if results.iter().all(Checked::is_valid) {
        Outcome::Success
    } else {
        Outcome::NotValid
    })
}

pub fn verify(args: &VerifyArgs) -> Result<Outcome> {
    let now = time_or_now(args.at.as_deref())?;
    let root = match &args.root_key {
        Some(hex) => Ed25519PublicKey::from_hex(hex)
            .context("--root-key is not an Ed25519 public key in hex")?,
        None => read_root_pin(&args.trust.join(ROOT_PUB))?,
    };
    let files = OfficerFiles {
        state_file: args
            .state
            .clone()
            .unwrap_or_else(|| args.trust.join(STATE_FILE)),
        lists_dir: args.trust.clone(),
    };
    // The trust directory is an issuer's: without its lists it is the
    // wrong directory, not an officer that has yet to download them.
    for kind in [ListKind::TrustList, ListKind::StatusList] {
        let path = files.list(kind);
        if !path.is_file() {
            bail!("{kind} {} does not exist", path.display());
        }
    }
    let mut officer = Officer::open(files, vec![root], VerifierPolicy::default(), now)?;
    let inputs = Inputs {
        text: args.text.as_deref(),
        images: &args.images,
        json: args.json,
    };
    check_and_print(&mut officer, &inputs, now)
}
