//! `docket`, the desktop front end of Docket Wallet: issuer tools for
//! development, the holder's presentation, and the officer's check.
//!
//! Every rule lives in docket-core; this crate reads and writes files,
//! parses arguments and prints. Errors are one line on stderr.

mod args;
mod card_json;
mod commands;
mod files;
mod images;
mod issuer_dir;
mod output;

use args::{Cli, Command, DeviceCommand, IssuerCommand};
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
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::NotValid) => ExitCode::from(EXIT_NOT_VALID),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// How a command that did its job ended.
pub enum Outcome {
    /// Everything checked out.
    Success,
    /// `verify` ran and at least one card is not valid.
    NotValid,
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
        Command::Demo(a) => commands::demo::demo(&a),
    }
}
