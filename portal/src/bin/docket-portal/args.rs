//! The command line, as clap reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use docket_core::hearings::HearingKind;
use docket_portal::admin::DEFAULT_CODE_VALID_DAYS;
use std::path::PathBuf;

/// The reference Docket portal: serves the wallet API (docs/portal-api.yaml)
/// and manages holders, codes and hearings.
#[derive(Debug, Parser)]
#[command(name = "docket-portal", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API until Ctrl-C or SIGTERM, logging one line per request.
    Serve(ServeArgs),
    /// Manage holders, codes and hearings; list what wallets sent.
    Admin {
        /// Which admin command.
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The portal database (created on first use).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The issuer directory (`docket issuer init`).
    #[arg(long, value_name = "DIR")]
    pub issuer: PathBuf,
    /// Where to listen, e.g. 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR")]
    pub listen: String,
    /// Fault injection: rate=0.3,seed=7[,hang=SECS].
    #[arg(long, value_name = "SPEC")]
    pub chaos: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Issue a printed card for a new holder and make their activation code.
    AddHolder(AddHolderArgs),
    /// Give a holder a new activation code (the old one stops working; a
    /// lockout is lifted).
    NewCode(NewCodeArgs),
    /// Add, move or cancel a holder's hearings.
    Hearing {
        /// Which hearing command.
        #[command(subcommand)]
        command: HearingCommand,
    },
    /// The holder's phone was lost or stolen: it stops being accepted (by
    /// the portal now, by officers after their next list update); the
    /// printed card stays valid. Give a new code for the new phone.
    PhoneLost(PhoneLostArgs),
    /// List the check-ins and address changes received.
    Received(ReceivedArgs),
}

#[derive(Debug, Args)]
pub struct PhoneLostArgs {
    /// The portal database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The issuer directory (`docket issuer init`).
    #[arg(long, value_name = "DIR")]
    pub issuer: PathBuf,
    /// The card number, XXXX-XXXX.
    #[arg(long, value_name = "S")]
    pub serial: String,
    /// Print {"card_serial","wallets_retired","bindings_ended"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AddHolderArgs {
    /// The portal database (created on first use).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The issuer directory (`docket issuer init`).
    #[arg(long, value_name = "DIR")]
    pub issuer: PathBuf,
    /// The holder's data (as for `docket issuer issue`).
    #[arg(long, value_name = "CARD.json")]
    pub card: PathBuf,
    /// The holder's photo.
    #[arg(long, value_name = "PHOTO")]
    pub photo: PathBuf,
    /// The holder's hearings, a JSON array as the API serves it.
    #[arg(long, value_name = "HEARINGS.json")]
    pub hearings: Option<PathBuf>,
    /// Days the activation code is valid.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_CODE_VALID_DAYS)]
    pub code_valid_days: u32,
    /// Print {"serial","card_qr","activation_code"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NewCodeArgs {
    /// The portal database (created on first use).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The card number, XXXX-XXXX.
    #[arg(long, value_name = "S")]
    pub serial: String,
    /// Days the activation code is valid.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_CODE_VALID_DAYS)]
    pub code_valid_days: u32,
    /// Print {"serial","activation_code"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum HearingCommand {
    /// Add a hearing.
    Add(HearingAddArgs),
    /// Move a hearing to a new time (and court); it becomes "rescheduled".
    Move(HearingMoveArgs),
    /// Cancel a hearing (it stays listed, as "cancelled").
    Cancel(HearingCancelArgs),
}

#[derive(Debug, Args)]
pub struct HearingAddArgs {
    /// The portal database (created on first use).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The card number, XXXX-XXXX.
    #[arg(long, value_name = "S")]
    pub serial: String,
    /// The court's id for the hearing, e.g. H-2027-0042.
    /// The hearing's id.
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// Court-local start, e.g. 2027-03-15T09:00.
    #[arg(long, value_name = "LOCAL")]
    pub starts: String,
    /// The court's IANA time zone, e.g. America/Chicago.
    #[arg(long, value_name = "TZ")]
    pub time_zone: String,
    /// The court's name.
    #[arg(long, value_name = "NAME")]
    pub court: String,
    /// The court's address; write line breaks as \n.
    #[arg(long, value_name = "TEXT")]
    pub address: String,
    /// The judge, if one is assigned.
    #[arg(long, value_name = "NAME")]
    pub judge: Option<String>,
    /// The type of hearing.
    #[arg(long, value_enum)]
    pub kind: KindArg,
}

#[derive(Debug, Args)]
pub struct HearingMoveArgs {
    /// The portal database (created on first use).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The card number, XXXX-XXXX.
    #[arg(long, value_name = "S")]
    pub serial: String,
    /// The hearing's id.
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// The new court-local start.
    #[arg(long, value_name = "LOCAL")]
    pub starts: String,
    /// The court's time zone; the hearing's current one when absent.
    #[arg(long, value_name = "TZ")]
    pub time_zone: Option<String>,
    /// A new court (with --address).
    #[arg(long, value_name = "NAME", requires = "address")]
    pub court: Option<String>,
    /// The new court's address (with --court).
    #[arg(long, value_name = "TEXT", requires = "court")]
    pub address: Option<String>,
}

#[derive(Debug, Args)]
pub struct HearingCancelArgs {
    /// The portal database (created on first use).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The card number, XXXX-XXXX.
    #[arg(long, value_name = "S")]
    pub serial: String,
    /// The hearing's id.
    #[arg(long, value_name = "ID")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ReceivedArgs {
    /// The portal database (created on first use).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Print a JSON array of {idempotency_key, kind, received_at,
    /// reference, card_serial}.
    #[arg(long)]
    pub json: bool,
}

/// The hearing kinds, as the API spells them.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum KindArg {
    MasterCalendar,
    Individual,
    Bond,
    Other,
}

impl From<KindArg> for HearingKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::MasterCalendar => HearingKind::MasterCalendar,
            KindArg::Individual => HearingKind::Individual,
            KindArg::Bond => HearingKind::Bond,
            KindArg::Other => HearingKind::Other,
        }
    }
}
