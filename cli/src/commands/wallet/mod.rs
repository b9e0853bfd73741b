//! `docket wallet --profile DIR ...`: the holder's wallet on this
//! computer, through the same `Wallet` facade the phone apps use.

mod profile;
mod views;

pub use profile::Profile;
pub use views::{ItemJson, SyncJson, change_lines, upcoming_hearings};

use super::present::terminal_style;
use crate::Outcome;
use crate::args::{
    CheckInArgs, EnrollArgs, HearingsArgs, MoveArgs, StartOverArgs, SyncArgs, WalletArgs,
    WalletCommand, WalletQrArgs,
};
use crate::output::human;
use anyhow::{Context, Result, anyhow};
use docket_core::files::{StorageProblem, write_atomic};
use docket_core::hearings::staleness;
use docket_core::outbox::{AddressChange, CheckIn, ItemId, UsAddress};
use docket_core::qr::{QrMatrix, RenderOptions, to_png, to_terminal};
use docket_core::sync::{HearingsRefresh, ItemOutcome, SyncConfig, SyncEvent, SyncOptions};
use docket_core::verify::Reason;
use docket_core::wallet::{DeviceKeyState, Wallet};
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use views::{HearingJson, staleness_line};

/// Runs a wallet command on a small runtime of its own.
pub fn wallet(args: &WalletArgs) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run(args))
}

async fn run(args: &WalletArgs) -> Result<Outcome> {
    if let WalletCommand::Enroll(enroll_args) = &args.command {
        return enroll(args, enroll_args).await;
    }
    if let WalletCommand::StartOver(start_over_args) = &args.command {
        return start_over(args, start_over_args).await;
    }
    let profile = Profile::existing(&args.profile)?;
    let wallet = profile.wallet(SyncConfig::default()).await?;
    // Commands that sign say it in their error instead.
    let signs = matches!(&args.command, WalletCommand::Sync(_) | WalletCommand::Qr(_))
        || matches!(&args.command, WalletCommand::Hearings(h) if h.refresh);
    if !signs {
        warn_about_device_key(&profile, &wallet.last_device_key_state());
    }
    match &args.command {
        WalletCommand::Enroll(_) | WalletCommand::StartOver(_) => unreachable_enroll(),
        WalletCommand::Show => show(&wallet, args.json).await,
        WalletCommand::Qr(qr_args) => qr(&wallet, qr_args, args.json).await,
        WalletCommand::Hearings(h) => hearings(&wallet, h, args.json).await,
        WalletCommand::CheckIn(c) => check_in(&wallet, c, args.json).await,
        WalletCommand::Move(m) => report_move(&wallet, m, args.json).await,
        WalletCommand::Pending => list(
            &wallet.pending().await?,
            args.json,
            "Nothing waiting to be sent.",
        ),
        WalletCommand::History => list(&wallet.history().await?, args.json, "Nothing sent yet."),
        WalletCommand::Sync(s) => sync(&wallet, s, args.json).await,
        WalletCommand::Resend(item) => {
            let item = wallet.resend(ItemId(item.id)).await?;
            print_item(
                &ItemJson::of(&item),
                args.json,
                "Will be sent again at the next sync",
            );
            Ok(Outcome::Success)
        }
        WalletCommand::Discard(item) => {
            wallet.discard(ItemId(item.id)).await?;
            if args.json {
                println!("{}", json!({ "discarded": item.id }));
            } else {
                println!("Item #{} discarded.", item.id);
            }
            Ok(Outcome::Success)
        }
    }
}

/// Says, on every command, when nothing can be signed: the card and the
/// queue are still shown and kept.
fn warn_about_device_key(profile: &Profile, state: &DeviceKeyState) {
    match state {
        DeviceKeyState::Missing => eprintln!(
            "warning: {} is gone, so this wallet cannot show a live code or send anything; get a new activation code and run `enroll` again with your card (what is waiting to be sent is kept and sent after)",
            profile.device_key_file().display()
        ),
        DeviceKeyState::Mismatch => eprintln!(
            "warning: {} is not the key this card is bound to, so nothing is signed with it; get a new activation code and run `enroll` again with your card (what is waiting to be sent is kept)",
            profile.device_key_file().display()
        ),
        _ => {}
    }
}

fn unreachable_enroll() -> Result<Outcome> {
    Err(anyhow!(
        "internal error: enroll or start-over dispatched twice"
    ))
}

/// The holder's explicit way out when the wallet data is gone but its key
/// stayed (see `Store::start_over`): a new, empty wallet.
async fn start_over(args: &WalletArgs, start_over: &StartOverArgs) -> Result<Outcome> {
    if !start_over.yes {
        return Err(anyhow!(
            "starting over makes a new, empty wallet, and the lost wallet's queued items cannot be recovered by it; pass --yes to confirm"
        ));
    }
    let profile = Profile::existing(&args.profile)?;
    profile.start_over(SyncConfig::default()).await?;
    if args.json {
        println!("{}", json!({ "started_over": true }));
    } else {
        println!("Started over with a new, empty wallet; enroll again to add your card.");
    }
    Ok(Outcome::Success)
}

async fn enroll(args: &WalletArgs, enroll: &EnrollArgs) -> Result<Outcome> {
    let profile = Profile::create_or_open(&args.profile)?;
    if let Some(root) = &enroll.root {
        profile.pin_root(&super::parse_root_arg(root)?)?;
    }
    let wallet = profile.wallet(SyncConfig::default()).await?;
    let enrolled = wallet
        .enroll(&enroll.portal, &enroll.card_qr, &enroll.code)
        .await?;
    let holder = enrolled.verdict.holder.as_ref();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "enrolled": true,
                "card_number": enrolled.card.card().serial.to_string(),
                "holder": holder,
                "hearings": enrolled.hearings,
                "pinned_root": enrolled.pinned_root.map(|r| r.to_hex()),
            }))?
        );
    } else {
        println!(
            "Enrolled card {} on this wallet, bound to its device key; {} hearing(s) saved.",
            enrolled.card.card().serial,
            enrolled.hearings
        );
        if let Some(root) = enrolled.pinned_root {
            eprintln!(
                "note: pinned the portal's issuer root {} on first use; pass --root to pin one you got out of band",
                root.to_hex()
            );
        }
    }
    Ok(Outcome::Success)
}

async fn show(wallet: &Wallet, as_json: bool) -> Result<Outcome> {
    let card = wallet
        .card()
        .await?
        .ok_or_else(|| anyhow!("this wallet has no card yet; enroll first"))?;
    let enrollment = wallet.enrollment().await?;
    let pending = wallet.pending().await?;
    let valid = card.verdict.is_valid();
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "card": card.verdict.holder,
                "valid": valid,
                "reasons": card.verdict.reason_codes(),
                "messages": card.verdict.reasons.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "photo_bytes": card.photo.len(),
                "portal": enrollment.as_ref().map(|e| e.portal_url.clone()),
                "enrolled_at": enrollment.as_ref().map(|e| e.enrolled_at.to_string()),
                "last_synced_at": enrollment.as_ref().and_then(|e| e.last_synced_at).map(|t| t.to_string()),
                "pending": pending.len(),
                "device_key": wallet.last_device_key_state().code(),
                "storage_problem": wallet.storage_problem().map(storage_problem_code),
            }))?
        );
        return Ok(Outcome::Success);
    }
    let checked = crate::output::VerdictJson::new("stored card", &card.verdict, None);
    println!("{}", human(&checked));
    if card.verdict.reasons.contains(&Reason::BindingRevoked) {
        println!(
            "This card now lives on another phone: it was enrolled on another phone, or this phone was reported lost. It no longer works here. To use it on this phone again, get a new activation code and run `enroll` again; what is waiting to be sent is kept."
        );
    }
    if let Some(enrollment) = enrollment {
        let synced = enrollment
            .last_synced_at
            .map(|t| t.to_string())
            .unwrap_or_else(|| "never".to_owned());
        println!("Portal: {} (last synced {synced})", enrollment.portal_url);
    }
    println!("Waiting to be sent: {}", pending.len());
    if let Some(problem) = wallet.storage_problem() {
        println!(
            "Storage: {}; shown as saved, nothing new can be saved until that changes.",
            match problem {
                StorageProblem::Full => "full",
                StorageProblem::ReadOnly => "read-only",
            }
        );
    }
    Ok(Outcome::Success)
}

/// The stable code of a storage problem, as the store's errors name it.
fn storage_problem_code(problem: StorageProblem) -> &'static str {
    match problem {
        StorageProblem::Full => "disk_full",
        StorageProblem::ReadOnly => "read_only",
    }
}

async fn qr(wallet: &Wallet, args: &WalletQrArgs, as_json: bool) -> Result<Outcome> {
    let live = wallet.live_presentation().await?;
    let text = live.to_text();
    let matrix = QrMatrix::encode(&text)?;
    if let Some(out) = &args.png {
        let png = to_png(
            &matrix,
            RenderOptions {
                module_size: args.module_size,
                quiet_zone: 4,
            },
        )?;
        write_atomic(out, &png)?;
    }
    if as_json {
        println!(
            "{}",
            json!({ "text": text, "qr_version": matrix.version(), "png": args.png, "made_at": live.timestamp().to_string() })
        );
    } else if let Some(out) = &args.png {
        println!(
            "Live QR (version {}) saved to {}.",
            matrix.version(),
            out.display()
        );
    } else {
        println!("{}", to_terminal(&matrix, 4, terminal_style(args.style)));
        println!(
            "Live code made at {}; it goes stale in 30 seconds.",
            live.timestamp()
        );
    }
    Ok(Outcome::Success)
}

async fn hearings(wallet: &Wallet, args: &HearingsArgs, as_json: bool) -> Result<Outcome> {
    let mut changes = Vec::new();
    let mut refresh_note = None;
    if args.refresh {
        match wallet.refresh_hearings().await? {
            HearingsRefresh::Updated(c) => changes = change_lines(&c),
            HearingsRefresh::Failed(why) => {
                refresh_note = Some(format!("could not refresh: {why}"))
            }
            _ => {}
        }
    }
    let cache = wallet.hearings().await?;
    let now = Timestamp::now();
    let fresh = staleness(cache.as_ref().map(|c| c.fetched_at), now);
    let list = cache
        .as_ref()
        .map(|c| c.hearings.as_slice())
        .unwrap_or_default();
    let upcoming = upcoming_hearings(list, now);
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "upcoming": upcoming,
                "staleness": fresh,
                "fetched_at": cache.as_ref().map(|c| c.fetched_at.to_string()),
                "changes": changes,
                "refresh_error": refresh_note,
            }))?
        );
        return Ok(Outcome::Success);
    }
    for line in &changes {
        println!("! {line}");
    }
    if let Some(note) = refresh_note {
        eprintln!("note: {note}; showing the saved list");
    }
    if upcoming.is_empty() {
        println!("No upcoming hearings.");
    }
    for hearing in &upcoming {
        println!("{}", HearingJson::line(hearing));
    }
    println!("(hearing list {})", staleness_line(&fresh));
    Ok(Outcome::Success)
}

async fn check_in(wallet: &Wallet, args: &CheckInArgs, as_json: bool) -> Result<Outcome> {
    let check_in = CheckIn::new(args.note.as_deref())?;
    let item = wallet.check_in(check_in).await?;
    print_item(
        &ItemJson::of(&item),
        as_json,
        "Check-in saved on this device; it is sent at the next sync",
    );
    Ok(Outcome::Success)
}

async fn report_move(wallet: &Wallet, args: &MoveArgs, as_json: bool) -> Result<Outcome> {
    let address = UsAddress::new(
        &args.street,
        args.street2.as_deref(),
        &args.city,
        &args.state,
        &args.zip,
    )?;
    let today = Timestamp::now().to_zoned(TimeZone::system()).date();
    let moved_on = match &args.moved_on {
        Some(text) => text
            .parse::<Date>()
            .with_context(|| format!("--moved-on {text:?} is not a date like 2026-11-20"))?,
        None => today,
    };
    let change = AddressChange::new(address, moved_on, today)?;
    let item = wallet.report_move(change).await?;
    print_item(
        &ItemJson::of(&item),
        as_json,
        "Change of address saved on this device; it is sent at the next sync (the court needs it within 5 days of the move)",
    );
    Ok(Outcome::Success)
}

fn print_item(item: &ItemJson, as_json: bool, note: &str) {
    if as_json {
        match serde_json::to_string_pretty(item) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("error: {e}"),
        }
    } else {
        println!("{}\n{note}.", item.line());
    }
}

fn list(items: &[docket_core::outbox::OutboxItem], as_json: bool, empty: &str) -> Result<Outcome> {
    let items: Vec<ItemJson> = items.iter().map(ItemJson::of).collect();
    if as_json {
        println!("{}", serde_json::to_string_pretty(&items)?);
    } else if items.is_empty() {
        println!("{empty}");
    } else {
        for item in &items {
            println!("{}", item.line());
        }
    }
    Ok(Outcome::Success)
}

async fn sync(wallet: &Wallet, args: &SyncArgs, as_json: bool) -> Result<Outcome> {
    let report = run_sync(wallet, Duration::from_secs(args.deadline), !as_json).await?;
    let summary = SyncJson::of(&report);
    if as_json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "Sent {}; waiting {}; hearings {}; trust list {}; status list {}.",
            summary.sent,
            summary.still_pending,
            summary.hearings,
            summary.trust_list,
            summary.status_list
        );
        for line in &summary.hearing_changes {
            println!("! {line}");
        }
    }
    Ok(if report.all_sent() {
        Outcome::Success
    } else {
        Outcome::Unsent
    })
}

/// A sync pass that sends now, waits out retries until `deadline`, and
/// narrates each step on stderr when `narrate`.
pub async fn run_sync(
    wallet: &Wallet,
    deadline: Duration,
    narrate: bool,
) -> Result<docket_core::sync::SyncReport> {
    let progress: Option<docket_core::sync::ProgressSink> = narrate.then(|| {
        Arc::new(|event: &SyncEvent| {
            if let Some(line) = event_line(event) {
                eprintln!("  {line}");
            }
        }) as docket_core::sync::ProgressSink
    });
    Ok(wallet
        .sync(SyncOptions {
            // A deadline past what the clock can hold is no deadline (it
            // used to overflow and panic).
            deadline: Instant::now().checked_add(deadline),
            wait_for_retries: true,
            expedite: true,
            outbox_only: false,
            progress,
        })
        .await?)
}

/// One progress line per event.
pub fn event_line(event: &SyncEvent) -> Option<String> {
    Some(match event {
        SyncEvent::Sending { id, kind, attempt } => {
            format!("sending #{} ({}), attempt {attempt}", id.0, kind.code())
        }
        SyncEvent::Item { id, outcome } => match outcome {
            ItemOutcome::Sent(receipt) => format!(
                "#{} delivered, receipt {}",
                id.0,
                receipt.reference.as_deref().unwrap_or("-")
            ),
            ItemOutcome::Parked(reason) => {
                format!("#{} needs your attention: {}", id.0, reason.code())
            }
            ItemOutcome::WillRetry { failure, .. } => {
                format!(
                    "#{} not confirmed ({failure}); will retry with the same key",
                    id.0
                )
            }
        },
        SyncEvent::Waiting { until } => format!("waiting until {until} to retry"),
        SyncEvent::Hearings(_) | SyncEvent::TrustList(_) | SyncEvent::StatusList(_) => return None,
    })
}
