//! `docket verify`: the officer's check, offline, against a trust
//! directory.

use super::time_or_now;
use crate::Outcome;
use crate::args::VerifyArgs;
use crate::images::qr_codes_in;
use crate::output::{VerdictJson, human};
use anyhow::{Context, Result};
use docket_core::files::{read_limited, read_text_limited, write_atomic};
use docket_core::qr::scan::ScanMode;
use docket_core::trust::{
    Ed25519PublicKey, ListFloor, MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES, TrustError,
    TrustStore,
};
use docket_core::verify::{Reason, ReplayEntry, Verdict, Verifier, VerifierPolicy};
use docket_issuer::{ROOT_PUB, STATUS_LIST, TRUST_LIST, read_root_pin};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The state file's default name inside the trust directory.
pub const STATE_FILE: &str = "verifier-state.json";
const STATE_MAX: u64 = 16 * 1024 * 1024;

/// What a desktop verifier remembers between runs: the newest list
/// sequences accepted (so older lists are refused) and the live codes
/// already scanned (so a screenshot shown twice is refused).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct VerifierState {
    pub trust_list: Option<ListFloor>,
    pub status_list: Option<ListFloor>,
    #[serde(default)]
    pub live_codes_seen: Vec<ReplayEntry>,
}

/// An officer's verifier loaded from a trust directory.
pub struct Officer {
    verifier: Verifier,
    trust_problem: Option<TrustError>,
    status_problem: Option<TrustError>,
    state_path: PathBuf,
}

impl Officer {
    /// Loads the pinned root, the lists and the state, at `now`. Lists
    /// that fail to install are remembered as the reason verification
    /// cannot succeed.
    pub fn open(
        trust_dir: &Path,
        root: Ed25519PublicKey,
        state_path: PathBuf,
        now: Timestamp,
    ) -> Result<Self> {
        let state: VerifierState = if state_path.exists() {
            let text = read_text_limited(&state_path, STATE_MAX, "verifier state")?;
            serde_json::from_str(&text).with_context(|| {
                format!(
                    "{} is damaged; delete it to start afresh (this forgets which lists and codes were seen)",
                    state_path.display()
                )
            })?
        } else {
            VerifierState::default()
        };
        let mut store =
            TrustStore::new(vec![root]).with_floors(state.trust_list, state.status_list);
        let trust_bytes = read_limited(
            &trust_dir.join(TRUST_LIST),
            MAX_TRUST_LIST_BYTES as u64 + 1,
            "trust list",
        )?;
        let status_bytes = read_limited(
            &trust_dir.join(STATUS_LIST),
            MAX_STATUS_LIST_BYTES as u64 + 1,
            "status list",
        )?;
        let trust_problem = store.install_trust_list(&trust_bytes, now).err();
        let status_problem = match trust_problem {
            None => store.install_status_list(&status_bytes, now).err(),
            Some(_) => None,
        };
        let mut verifier = Verifier::new(store, VerifierPolicy::default());
        verifier.replay_guard_mut().restore(&state.live_codes_seen);
        Ok(Officer {
            verifier,
            trust_problem,
            status_problem,
            state_path,
        })
    }

    /// Verifies one SC1 text. A missing list is explained by why it was
    /// refused, if it was.
    pub fn check(&mut self, text: &str, now: Timestamp) -> Verdict {
        let mut verdict = self.verifier.verify_text(text, now);
        for reason in &mut verdict.reasons {
            let problem = match reason {
                Reason::TrustListMissing => &self.trust_problem,
                Reason::StatusListMissing => &self.status_problem,
                _ => &None,
            };
            if let Some(problem) = problem {
                *reason = Reason::TrustData(problem.clone());
            }
        }
        verdict
    }

    /// Persists floors and seen live codes.
    pub fn save(&self) -> Result<()> {
        let (trust_list, status_list) = self.verifier.store().floors();
        let state = VerifierState {
            trust_list,
            status_list,
            live_codes_seen: self.verifier.replay_guard().entries(),
        };
        let mut json = serde_json::to_string_pretty(&state)?;
        json.push('\n');
        Ok(write_atomic(&self.state_path, json.as_bytes())?)
    }
}

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
        verdict: chosen.map(|code| officer.check(&code.text, now)),
        qr_version: chosen.map(|code| code.version),
        checked_at: now,
    })
}

pub fn verify(args: &VerifyArgs) -> Result<Outcome> {
    let now = time_or_now(args.at.as_deref())?;
    let root = match &args.root_key {
        Some(hex) => Ed25519PublicKey::from_hex(hex)
            .context("--root-key is not an Ed25519 public key in hex")?,
        None => read_root_pin(&args.trust.join(ROOT_PUB))?,
    };
    let state_path = args
        .state
        .clone()
        .unwrap_or_else(|| args.trust.join(STATE_FILE));
    let mut officer = Officer::open(&args.trust, root, state_path, now)?;
    let mut results = Vec::new();
    if let Some(text) = &args.text {
        results.push(Checked {
            label: "text".to_owned(),
            verdict: Some(officer.check(text, now)),
            qr_version: None,
            checked_at: now,
        });
    }
    for image in &args.images {
        results.push(check_image(&mut officer, image, now)?);
    }
    for result in &results {
        if args.json {
            println!("{}", serde_json::to_string(&result.json())?);
        } else {
            print!("{}", human(&result.json()));
        }
    }
    if let Err(error) = officer.save() {
        eprintln!("warning: {error:#}; live codes scanned now may be accepted again");
    }
    Ok(if results.iter().all(Checked::is_valid) {
        Outcome::Success
    } else {
        Outcome::NotValid
    })
}
