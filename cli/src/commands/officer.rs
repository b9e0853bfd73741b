//! `docket officer`: the officer's phone on this computer, through the
//! same core facade the phone app uses. Its directory holds the state
//! (`officer-state.json`), the lists as downloaded, and `root.pub`, the
//! issuer root pinned on first use (a phone has its roots built in; this
//! desktop stand-in is told its root once, out of band).

use super::verify::{Inputs, check_and_print};
use super::{parse_root_arg, time_or_now};
use crate::Outcome;
use crate::args::{OfficerCheckArgs, OfficerUpdateArgs};
use anyhow::{Context, Result, anyhow, bail};
use docket_core::files::{create_private_dir, write_new_private};
use docket_core::officer::{
    Freshness, ListFreshness, ListOutcome, ListState, Officer, OfficerFiles, UpdateReport,
    fetch_lists,
};
use docket_core::sync::{PortalClient, PortalUrl, SyncConfig};
use docket_core::trust::{Ed25519PublicKey, ListKind};
use docket_core::verify::VerifierPolicy;
use docket_issuer::{ROOT_PUB, read_root_pin};
use jiff::Timestamp;
use serde_json::{Value, json};
use std::path::Path;

/// `officer update`: pins the root on first use, downloads both lists and
/// installs them; exit 0 when ready to check offline, 1 when not.
pub fn update(args: &OfficerUpdateArgs) -> Result<Outcome> {
    let portal = PortalUrl::parse(&args.portal)?;
    create_private_dir(&args.state)?;
    let root = pinned_root(&args.state, args.root.as_deref())?;
    let mut officer = open(&args.state, root, Timestamp::now())?;
    let config = SyncConfig::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let fetched = runtime.block_on(async {
        let client = PortalClient::unsigned(portal, &config)?;
        anyhow::Ok(fetch_lists(&client, &officer.etags(), config.request_timeout).await)
    })?;
    let now = Timestamp::now();
    let report = officer.install_fetched(fetched, now)?;
    let freshness = officer.freshness(now);
    if args.json {
        let answer = json!({
            "trust_list": outcome_json(&report.trust_list),
            "status_list": outcome_json(&report.status_list),
            "freshness": freshness_json(&freshness),
        });
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print!("{}", update_text(&report, &freshness));
    }
    Ok(if freshness.is_ready() {
        Outcome::Success
    } else {
        Outcome::NotReady
    })
}

/// `officer check`: `verify`'s checks and output, from the officer's
/// directory; warns on stderr when the lists are not ready.
pub fn check(args: &OfficerCheckArgs) -> Result<Outcome> {
    let now = time_or_now(args.at.as_deref())?;
    let pin = args.state.join(ROOT_PUB);
    if !pin.is_file() {
        bail!(
            "{} is not an officer's directory (no {ROOT_PUB}); run `docket officer update --state {} --portal URL --root HEX|FILE` first",
            args.state.display(),
            args.state.display()
        );
    }
    let mut officer = open(&args.state, read_root_pin(&pin)?, now)?;
    let freshness = officer.freshness(now);
    if !freshness.is_ready() {
        let why: Vec<String> = freshness
            .reasons
            .iter()
            .map(|reason| format!("{reason} [{}]", reason.code()))
            .collect();
        eprintln!(
            "warning: not ready to check cards offline: {} Run `docket officer update`.",
            why.join(" ")
        );
    }
    let inputs = Inputs {
        text: args.text.as_deref(),
        images: &args.images,
        json: args.json,
    };
    check_and_print(&mut officer, &inputs, now)
}

fn open(dir: &Path, root: Ed25519PublicKey, now: Timestamp) -> Result<Officer> {
    Ok(Officer::open(
        OfficerFiles::in_dir(dir),
        vec![root],
        VerifierPolicy::default(),
        now,
    )?)
}

/// The root pinned in `dir`, pinning `given` on first use. A different
/// root later is refused: the floors and lists in `dir` belong to the
/// first one.
fn pinned_root(dir: &Path, given: Option<&str>) -> Result<Ed25519PublicKey> {
    let given = given.map(parse_root_arg).transpose()?;
    let pin = dir.join(ROOT_PUB);
    if pin.is_file() {
        let pinned = read_root_pin(&pin)?;
        return match given {
            Some(root) if root != pinned => Err(anyhow!(
                "{} is pinned to issuer root {}; refusing the different --root {} (use a new directory for another issuer)",
                dir.display(),
                pinned.to_hex(),
                root.to_hex()
            )),
            _ => Ok(pinned),
        };
    }
    let root = given.ok_or_else(|| {
        anyhow!(
            "no issuer root is pinned in {}: pass --root HEX|FILE with the issuer's root public key, obtained out of band",
            dir.display()
        )
    })?;
    write_new_private(&pin, format!("{}\n", root.to_hex()).as_bytes())?;
    Ok(root)
}

fn list_name(kind: ListKind) -> &'static str {
    match kind {
        ListKind::TrustList => "Trust list",
        ListKind::StatusList => "Status list",
    }
}

fn state_code(state: ListState) -> &'static str {
    match state {
        ListState::Fresh => "fresh",
        ListState::Stale => "stale",
        ListState::Expired => "expired",
        ListState::Missing => "missing",
    }
}

fn outcome_json(outcome: &ListOutcome) -> Value {
    match outcome {
        ListOutcome::Installed { sequence } => {
            json!({"outcome": "installed", "sequence": sequence})
        }
        ListOutcome::AlreadyCurrent => json!({"outcome": "already_current"}),
        ListOutcome::Refused(error) => {
            json!({"outcome": "refused", "code": error.code(), "message": error.to_string()})
        }
        ListOutcome::Failed(error) => {
            json!({"outcome": "failed", "code": error.code(), "message": error.to_string()})
        }
    }
}

fn list_json(list: &ListFreshness) -> Value {
    json!({
        "state": state_code(list.state),
        "sequence": list.meta.map(|m| m.sequence),
        "issued_at": list.meta.map(|m| m.issued_at.to_string()),
        "expires_at": list.meta.map(|m| m.expires_at.to_string()),
        "age_seconds": list.age.map(|age| age.as_secs()),
    })
}

fn freshness_json(freshness: &Freshness) -> Value {
    json!({
        "ready": freshness.is_ready(),
        "clock_behind": freshness.clock_behind,
        "last_update": freshness.last_update.map(|t| t.to_string()),
        "trust_list": list_json(&freshness.trust_list),
        "status_list": list_json(&freshness.status_list),
        "reasons": freshness.reasons.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "messages": freshness.reasons.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

fn outcome_text(outcome: &ListOutcome) -> String {
    match outcome {
        ListOutcome::Installed { sequence } => format!("installed sequence {sequence}"),
        ListOutcome::AlreadyCurrent => "already current".to_owned(),
        ListOutcome::Refused(error) => format!("refused: {error} [{}]", error.code()),
        ListOutcome::Failed(error) => format!("not downloaded: {error} [{}]", error.code()),
    }
}

fn list_text(list: &ListFreshness) -> String {
    match (list.meta, list.age) {
        (Some(meta), Some(age)) => format!(
            "{}: sequence {}, issued {} ({} h ago), expires {}: {}",
            list_name(list.kind),
            meta.sequence,
            meta.issued_at,
            age.as_hours(),
            meta.expires_at,
            state_code(list.state)
        ),
        _ => format!("{}: {}", list_name(list.kind), state_code(list.state)),
    }
}

fn update_text(report: &UpdateReport, freshness: &Freshness) -> String {
    let mut out = String::new();
    for (kind, outcome) in [
        (ListKind::TrustList, &report.trust_list),
        (ListKind::StatusList, &report.status_list),
    ] {
        out.push_str(&format!("{}: {}\n", list_name(kind), outcome_text(outcome)));
    }
    out.push_str(&format!("{}\n", list_text(&freshness.trust_list)));
    out.push_str(&format!("{}\n", list_text(&freshness.status_list)));
    if let Some(at) = freshness.last_update {
        out.push_str(&format!("Last complete update: {at}\n"));
    }
    if freshness.is_ready() {
        out.push_str("Ready to check cards offline.\n");
    } else {
        out.push_str("NOT ready to check cards offline:\n");
        for reason in &freshness.reasons {
            out.push_str(&format!("  - {reason} [{}]\n", reason.code()));
        }
    }
    out
}
