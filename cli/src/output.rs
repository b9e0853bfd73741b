//! How verdicts are printed: a few lines for a person, or one JSON object
//! per input for a machine.

use docket_core::verify::{HolderView, PresentationForm, Verdict};
use serde::Serialize;

/// A reason code the CLI adds for an image with no QR code in it.
pub const NO_QR_CODE: &str = "no_qr_code_found";

/// One input's result as JSON.
#[derive(Serialize)]
pub struct VerdictJson<'a> {
    pub input: &'a str,
    pub verdict: &'static str,
    pub reasons: Vec<&'static str>,
    pub messages: Vec<String>,
    pub holder: Option<&'a HolderView>,
    pub form: Option<PresentationForm>,
    pub qr_version: Option<u8>,
    pub checked_at: String,
}

impl<'a> VerdictJson<'a> {
    pub fn new(input: &'a str, verdict: &'a Verdict, qr_version: Option<u8>) -> Self {
        VerdictJson {
            input,
            verdict: if verdict.is_valid() {
                "valid"
            } else {
                "invalid"
            },
            reasons: verdict.reason_codes(),
            messages: verdict.reasons.iter().map(ToString::to_string).collect(),
            holder: verdict.holder.as_ref(),
            form: verdict.form,
            qr_version,
            checked_at: verdict.checked_at.to_string(),
        }
    }

    /// The result for an image that holds no QR code at all.
    pub fn no_code(input: &'a str, checked_at: String) -> Self {
        VerdictJson {
            input,
            verdict: "invalid",
            reasons: vec![NO_QR_CODE],
            messages: vec![
                "No QR code was found in the image: retake it closer, flatter and in focus."
                    .to_owned(),
            ],
            holder: None,
            form: None,
            qr_version: None,
            checked_at,
        }
    }
}

/// The few lines an officer reads.
pub fn human(result: &VerdictJson<'_>) -> String {
    let mut out = String::new();
    let form = match result.form {
        Some(PresentationForm::Live) => " (live code)",
        Some(PresentationForm::Static) if result.holder.is_some_and(|h| !h.bound_to_phone) => {
            " (printed card)"
        }
        _ => "",
    };
    if result.verdict == "valid" {
        out.push_str(&format!("VALID{form}: {}\n", result.input));
    } else {
        out.push_str(&format!("NOT VALID{form}: {}\n", result.input));
    }
    if let Some(holder) = result.holder {
        let shortened = if holder.name_shortened {
            "  (name shortened on the card)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {}, {}{shortened}\n",
            holder.family_name, holder.given_names
        ));
        out.push_str(&format!(
            "  born {} | sex {} | {} ({})\n",
            holder.date_of_birth, holder.sex, holder.nationality_name, holder.nationality
        ));
        out.push_str(&format!(
            "  card {} | valid {} to {} | case {}\n",
            holder.card_number, holder.issued, holder.expires, holder.case_reference
        ));
    }
    for (code, message) in result.reasons.iter().zip(&result.messages) {
        out.push_str(&format!("  - {message} [{code}]\n"));
    }
    out
}
