//! `docket`, the desktop front end of Docket Wallet: issuer tools for
//! development, the holder's presentation, and the officer's check.
//!
//! Every rule lives in docket-core; this crate reads and writes files,
//! parses arguments and prints. Errors are one line on stderr.

mod args;
mod commands;
mod images;
mod output;

use args::{Cli, Command, DeviceCommand, IssuerCommand, OfficerCommand};
use clap::Parser;
use std::process::ExitCode;

/// Exit status of `docket verify` when a card is not valid.
const EXIT_NOT_VALID: u8 = 1;
/// Exit status for usage and I/O errors (clap uses 2 as well).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    // A bug must still end in one line, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".to_owned());
        eprintln!("error: internal error ({message}); please report it");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    match run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::NotValid | Outcome::Unsent | Outcome::NotReady) => {
            ExitCode::from(EXIT_NOT_VALID)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Help and version go to stdout as clap prints them; a usage error
/// becomes one line on stderr, like every other error.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        // Printing help can only fail if stdout is closed; nothing to add then.
        let _ = error.print();
        return ExitCode::from(if error.use_stderr() { EXIT_ERROR } else { 0 });
    }
    // clap's message is the text before its usage block; its lines are
    // joined so that the error stays on one line.
    let rendered = error.to_string();
    let message = rendered.split("\n\n").next().unwrap_or_default();
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("error: {message} (see --help)");
    ExitCode::from(EXIT_ERROR)
}

/// How a command that did its job ended.
pub enum Outcome {
    /// Everything checked out.
    Success,
    /// `verify` ran and at least one card is not valid.
    NotValid,
    /// `wallet sync` ran but left items unsent.
    Unsent,
    /// `officer update` ran but the officer is not ready to check offline.
    NotReady,
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Issuer { command } => match command {
            IssuerCommand::Init(a) => commands::issuer::init(&a),
            IssuerCommand::Issue(a) => commands::issuer::issue(&a),
            IssuerCommand::Revoke(a) => commands::issuer::revoke(&a),
            IssuerCommand::Refresh(a) => commands::issuer::refresh(&a),
        },
        Command::Device { command } => match command {
            DeviceCommand::Init(a) => commands::device::init(&a),
        },
        Command::Present(a) => commands::present::present(&a),
        Command::Qr(a) => commands::present::qr(&a),
        Command::Verify(a) => commands::verify::verify(&a),
        Command::Officer(a) => match a.command {
            OfficerCommand::Update(a) => commands::officer::update(&a),
            OfficerCommand::Check(a) => commands::officer::check(&a),
        },
        Command::Scan(a) => commands::scan::scan(&a),
        Command::Wallet(a) => commands::wallet::wallet(&a),
        Command::Demo(a) => commands::demo::demo(&a),
    }
}
