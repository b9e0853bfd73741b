//! `docket-portal`: the reference portal server and its admin commands.
//!
//! ```text
//! docket-portal serve --db FILE --issuer DIR --listen ADDR [--chaos SPEC]
//! docket-portal admin add-holder --db FILE --issuer DIR --card CARD.json --photo PHOTO
//!                                [--hearings HEARINGS.json] [--code-valid-days N] [--json]
//! docket-portal admin new-code --db FILE --serial S [--code-valid-days N] [--json]
//! docket-portal admin hearing add --db FILE --serial S --id ID --starts LOCAL --time-zone TZ
//!                                 --court NAME --address TEXT [--judge NAME] --kind KIND
//! docket-portal admin hearing move --db FILE --serial S --id ID --starts LOCAL [--time-zone TZ]
//!                                  [--court NAME --address TEXT]
//! docket-portal admin hearing cancel --db FILE --serial S --id ID
//! docket-portal admin received --db FILE [--json]
//! ```
//!
//! Errors are one line on stderr, exit status 2.

mod args;

use anyhow::{Context, Result, bail};
use args::{AdminCommand, Cli, Command, HearingCommand, ServeArgs};
use clap::Parser;
use docket_core::card::Serial;
use docket_core::files::{read_limited, read_text_limited};
use docket_core::hearings::{Court, CourtTime, Hearing, HearingId, HearingStatus, Judge};
use docket_issuer::CardRequest;
use docket_portal::admin;
use docket_portal::{ChaosSpec, PortalConfig};
use jiff::Timestamp;
use serde_json::json;
use std::process::ExitCode;

const CARD_JSON_MAX: u64 = 64 * 1024;
const PHOTO_MAX: u64 = 16 * 1024 * 1024;
const HEARINGS_MAX: u64 = docket_core::hearings::MAX_HEARINGS_JSON_BYTES as u64;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let line = format!("{error:#}").replace('\n', " ");
            eprintln!("docket-portal: {line}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Admin { command } => admin_command(command),
    }
}

fn serve(args: ServeArgs) -> Result<()> {
    let chaos = args
        .chaos
        .as_deref()
        .map(ChaosSpec::parse)
        .transpose()
        .context("--chaos")?;
    let config = PortalConfig {
        db: args.db,
        issuer: args.issuer,
        chaos,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let portal = docket_portal::serve(config, listener).await?;
        portal.set_request_log(true);
        match portal.chaos() {
            Some(spec) => eprintln!("docket-portal listening on {} (chaos {spec})", portal.url()),
            None => eprintln!("docket-portal listening on {}", portal.url()),
        }
        wait_for_signal().await?;
        eprintln!("docket-portal: shutting down");
        if portal.chaos().is_some() {
            eprintln!("docket-portal: chaos outcomes: {}", portal.chaos_counts());
        }
        portal.shutdown().await;
        Ok(())
    })
}

/// Ctrl-C, or SIGTERM (how service managers and scripts stop a server).
async fn wait_for_signal() -> Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("cannot watch Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("cannot watch Ctrl-C")?;
    Ok(())
}

fn parse_serial(text: &str) -> Result<Serial> {
    Serial::parse(text).with_context(|| format!("--serial {text:?} is not a card number"))
}

fn parse_id(text: &str) -> Result<HearingId> {
    HearingId::new(text).with_context(|| format!("--id {text:?}"))
}

/// `--address` may spell line breaks as `\n`, since a shell argument
/// rarely holds a real one.
fn court(name: &str, address: &str) -> Result<Court> {
    Court::new(name, &address.replace("\\n", "\n")).context("--court/--address")
}

fn admin_command(command: AdminCommand) -> Result<()> {
    match command {
        AdminCommand::AddHolder(args) => {
            let card =
                CardRequest::parse(&read_text_limited(&args.card, CARD_JSON_MAX, "card file")?)?;
            let photo = read_limited(&args.photo, PHOTO_MAX, "photo")?;
            let hearings = args
                .hearings
                .as_deref()
                .map(|path| read_limited(path, HEARINGS_MAX, "hearings file"))
                .transpose()?;
            let holder = admin::add_holder_with_validity(
                &args.db,
                &args.issuer,
                &card,
                &photo,
                hearings.as_deref(),
                Timestamp::now(),
                args.code_valid_days,
            )?;
            if args.json {
                println!(
                    "{}",
                    json!({
                        "serial": holder.serial.to_string(),
                        "card_qr": holder.card_qr,
                        "activation_code": holder.activation_code.to_string(),
                    })
                );
            } else {
                println!("Added the holder of card {}", holder.serial);
                println!("  printed card QR: {}", holder.card_qr);
                println!(
                    "  activation code: {} (valid {} days; shown only now)",
                    holder.activation_code, args.code_valid_days
                );
            }
        }
        AdminCommand::NewCode(args) => {
            let serial = parse_serial(&args.serial)?;
            let code = admin::new_code_with_validity(
                &args.db,
                serial,
                Timestamp::now(),
                args.code_valid_days,
            )?;
            if args.json {
                println!(
                    "{}",
                    json!({"serial": serial.to_string(), "activation_code": code.to_string()})
                );
            } else {
                println!(
                    "New activation code for card {serial}: {code} (valid {} days; the old code no longer works)",
                    args.code_valid_days
                );
            }
        }
        AdminCommand::PhoneLost(args) => {
            let serial = parse_serial(&args.serial)?;
            let lost = admin::phone_lost(&args.db, &args.issuer, serial, Timestamp::now())?;
            if args.json {
                println!("{}", serde_json::to_string(&lost)?);
            } else {
                println!(
                    "Card {serial}: {} phone(s) no longer accepted; {} binding(s) marked revoked in the status list (officers refuse them after their next update). The printed card stays valid; give a new code with `admin new-code` for the new phone.",
                    lost.wallets_retired,
                    lost.bindings_ended.len()
                );
            }
        }
        AdminCommand::Hearing { command } => hearing_command(command)?,
        AdminCommand::Received(args) => {
            let items = admin::received(&args.db)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if items.is_empty() {
                println!("Nothing received yet");
            } else {
                for item in items {
                    println!(
                        "{}  {}  {:<14}  card {}  key {}",
                        item.received_at,
                        item.reference,
                        item.kind,
                        item.card_serial,
                        item.idempotency_key
                    );
                }
            }
        }
    }
    Ok(())
}

fn hearing_command(command: HearingCommand) -> Result<()> {
    match command {
        HearingCommand::Add(args) => {
            let serial = parse_serial(&args.serial)?;
            let hearing = Hearing {
                id: parse_id(&args.id)?,
                starts: CourtTime::parse(&args.starts, &args.time_zone)
                    .context("--starts/--time-zone")?,
                court: court(&args.court, &args.address)?,
                judge: args
                    .judge
                    .as_deref()
                    .map(Judge::new)
                    .transpose()
                    .context("--judge")?,
                kind: args.kind.into(),
                status: HearingStatus::Scheduled,
            };
            admin::hearing_add(&args.db, serial, hearing)?;
            println!("Added hearing {} for card {serial}", args.id);
        }
        HearingCommand::Move(args) => {
            let serial = parse_serial(&args.serial)?;
            let id = parse_id(&args.id)?;
            let time_zone = match &args.time_zone {
                Some(zone) => zone.clone(),
                None => admin::hearings(&args.db, serial)?
                    .into_iter()
                    .find(|h| h.id == id)
                    .map(|h| h.starts.time_zone().to_owned())
                    .with_context(|| format!("card {serial} has no hearing {id}"))?,
            };
            let starts =
                CourtTime::parse(&args.starts, &time_zone).context("--starts/--time-zone")?;
            let new_court = match (&args.court, &args.address) {
                (Some(name), Some(address)) => Some(court(name, address)?),
                (None, None) => None,
                _ => bail!("--court and --address go together"),
            };
            admin::hearing_move(&args.db, serial, &id, starts, new_court)?;
            println!("Moved hearing {id} of card {serial}");
        }
        HearingCommand::Cancel(args) => {
            let serial = parse_serial(&args.serial)?;
            let id = parse_id(&args.id)?;
            admin::hearing_cancel(&args.db, serial, &id)?;
            println!("Cancelled hearing {id} of card {serial}");
        }
    }
    Ok(())
}
