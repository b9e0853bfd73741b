//! The command line, exactly as issue 2 specifies it (options may be
//! added, never renamed).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Docket Wallet on the desktop: issue test cards, show a card's QR code,
/// and verify one as an officer would, offline.
#[derive(Debug, Parser)]
#[command(name = "docket", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// A test issuer for development: keys, trust list, status list, cards.
    Issuer {
        #[command(subcommand)]
        command: IssuerCommand,
    },
    /// The holder's device key (a software stand-in for the phone's key store).
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Print a card's SC1 text (static, or live with the device key).
    Present(PresentArgs),
    /// Draw a QR code in the terminal, or as PNG or SVG.
    Qr(QrArgs),
    /// Check cards as an officer would, offline. Exit 0 if every card is
    /// valid, 1 if any is not, 2 on a usage or I/O error.
    Verify(VerifyArgs),
    /// The officer's phone on this computer: download the lists from the
    /// portal, then check cards offline, remembering what it has seen.
    Officer(OfficerArgs),
    /// Decode every QR code in images (any content): text, version and
    /// position. Exit 0 if every image holds a code, 1 if one does not.
    Scan(ScanArgs),
    /// The holder's wallet on this computer: enroll, show the card and its
    /// live QR, hearings, check-ins and address changes, sync.
    Wallet(WalletArgs),
    /// Walk through the main job end to end: a portal on this computer,
    /// enrollment, the live QR verified as an officer would, check-ins and
    /// an address change queued offline and delivered exactly once through
    /// a flaky network, and a hearing that moves.
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub struct WalletArgs {
    /// The wallet's profile folder: the encrypted database plus the
    /// file-backed stand-ins for the phone's key store and secret store.
    #[arg(long, value_name = "DIR")]
    pub profile: PathBuf,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: WalletCommand,
}

#[derive(Debug, Subcommand)]
pub enum WalletCommand {
    /// Bind the printed card to this wallet with the activation code.
    Enroll(EnrollArgs),
    /// Show the card, re-verified, and the wallet's state.
    Show,
    /// Show the live QR code (or save it as PNG).
    Qr(WalletQrArgs),
    /// Show upcoming hearings from the cache (or refresh them first).
    Hearings(HearingsArgs),
    /// Queue a check-in (sent at the next sync).
    CheckIn(CheckInArgs),
    /// Queue a change of address (the court requires it within 5 days).
    Move(MoveArgs),
    /// List check-ins and address changes not yet confirmed by the portal.
    Pending,
    /// List what the portal confirmed.
    History,
    /// Send what is queued, then refresh hearings and trust data. Exit 1 if
    /// anything is left unsent.
    Sync(SyncArgs),
    /// Send an item again (same idempotency key) at the next sync.
    Resend(ItemArgs),
    /// Delete an item the portal never received or refused.
    Discard(ItemArgs),
    /// Make a new, empty wallet in this profile when its wallet data is
    /// gone (`database_missing`) but its key is still here. Never replaces
    /// wallet data that is there.
    StartOver(StartOverArgs),
}

#[derive(Debug, Args)]
pub struct StartOverArgs {
    /// Confirm: the lost wallet's queued items cannot be recovered by
    /// starting over.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// The portal's address, e.g. https://portal.example.gov.
    #[arg(long, value_name = "URL")]
    pub portal: String,
    /// The text of the QR code printed on the card.
    #[arg(long, value_name = "TEXT")]
    pub card_qr: String,
    /// The one-time activation code, e.g. K7QF-3M2X-9TCA.
    #[arg(long, value_name = "CODE")]
    pub code: String,
    /// The issuer's root public key (hex, or a file holding it), obtained
    /// out of band. Without it the wallet pins the root the portal sends
    /// (trust on first use), as only this desktop stand-in may.
    #[arg(long, value_name = "HEX|FILE")]
    pub root: Option<String>,
}

#[derive(Debug, Args)]
pub struct WalletQrArgs {
    /// Write a PNG image instead of drawing in the terminal.
    #[arg(long, value_name = "OUT")]
    pub png: Option<PathBuf>,
    /// Pixels per module in the PNG.
    #[arg(long, default_value_t = 8)]
    pub module_size: u32,
    /// How to draw in the terminal.
    #[arg(long, value_enum, default_value_t = Style::Ansi)]
    pub style: Style,
}

#[derive(Debug, Args)]
pub struct HearingsArgs {
    /// Ask the portal for changes first.
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, Args)]
pub struct CheckInArgs {
    /// A short note for the case officer (up to 500 characters).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// Street address, first line.
    #[arg(long, value_name = "TEXT")]
    pub street: String,
    /// Street address, second line (apartment, unit).
    #[arg(long, value_name = "TEXT")]
    pub street2: Option<String>,
    /// City.
    #[arg(long, value_name = "TEXT")]
    pub city: String,
    /// Two-letter state code (TX, CA, PR, ...).
    #[arg(long, value_name = "XX")]
    pub state: String,
    /// ZIP or ZIP+4.
    #[arg(long, value_name = "ZIP")]
    pub zip: String,
    /// The day of the move (YYYY-MM-DD); today when absent.
    #[arg(long, value_name = "DATE")]
    pub moved_on: Option<String>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Give up after this many seconds (items stay queued).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub deadline: u64,
}

#[derive(Debug, Args)]
pub struct ItemArgs {
    /// The item's number, as `pending` shows it.
    pub id: i64,
}

#[derive(Debug, Subcommand)]
pub enum IssuerCommand {
    /// Create a test issuer in DIR: root key, issuer key, signed trust
    /// list, empty signed status list.
    Init(IssuerInitArgs),
    /// Sign a card from CARD.json and a photo.
    Issue(IssueArgs),
    /// Revoke (or suspend, or reinstate) a card: re-signs the status list
    /// with a higher sequence.
    Revoke(RevokeArgs),
    /// Re-sign the trust and status lists with fresh dates and higher
    /// sequences (lists go stale after a few days).
    Refresh(IssuerDirArgs),
}

#[derive(Debug, Args)]
pub struct IssuerDirArgs {
    /// The issuer directory.
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct IssuerInitArgs {
    /// Directory to create the issuer in (created if missing; must not
    /// already hold an issuer).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// The issuer key's id (cards carry it).
    #[arg(long, default_value_t = 1)]
    pub key_id: u16,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The issuer directory.
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// The holder's data: family_name, given_names, date_of_birth, sex,
    /// nationality, expires, and optionally issued and case_reference.
    #[arg(long, value_name = "CARD.json")]
    pub card: PathBuf,
    /// The holder's photo file (its digest goes on the card).
    #[arg(long, value_name = "PHOTO")]
    pub photo: PathBuf,
    /// Bind the card to this device public key: hex (as `device init`
    /// prints it) or a device key file.
    #[arg(long, value_name = "PUB")]
    pub device_key: Option<String>,
    /// Where to write the signed card.
    #[arg(long, value_name = "CARD.sdc")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewStatus {
    /// Permanently withdrawn.
    Revoked,
    /// Temporarily withdrawn.
    Suspended,
    /// Valid again (lifts a suspension).
    Valid,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The issuer directory.
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// The card number, as printed (e.g. K7QF-3M2X).
    #[arg(long, value_name = "SERIAL")]
    pub serial: String,
    /// The status to set.
    #[arg(long, value_enum, default_value_t = NewStatus::Revoked)]
    pub status: NewStatus,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Create a software P-256 device key and print its public key.
    Init(DeviceInitArgs),
}

#[derive(Debug, Args)]
pub struct DeviceInitArgs {
    /// Where to write the private key (PKCS#8 PEM, readable only by you).
    #[arg(long, value_name = "KEYFILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct LiveArgs {
    /// Make a live code signed by the device key (the wallet's default).
    #[arg(long, requires = "device_key")]
    pub live: bool,
    /// The device key file the card is bound to.
    #[arg(long, value_name = "KEYFILE", requires = "live")]
    pub device_key: Option<PathBuf>,
    /// Make the live code for this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339", requires = "live")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct PresentArgs {
    /// The signed card.
    #[arg(long, value_name = "CARD.sdc")]
    pub card: PathBuf,
    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Style {
    /// Black on white with ANSI colours, whatever the terminal's theme.
    Ansi,
    /// Plain glyphs for a light terminal background.
    DarkOnLight,
    /// Plain glyphs for a dark terminal background.
    LightOnDark,
}

#[derive(Debug, Args)]
pub struct QrArgs {
    /// Any text to encode.
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "card",
        required_unless_present = "card"
    )]
    pub text: Option<String>,
    /// A signed card to encode.
    #[arg(long, value_name = "CARD.sdc")]
    pub card: Option<PathBuf>,
    #[command(flatten)]
    pub live: LiveArgs,
    /// Write a PNG image instead of drawing in the terminal.
    #[arg(long, value_name = "OUT", conflicts_with = "svg")]
    pub png: Option<PathBuf>,
    /// Write an SVG image instead of drawing in the terminal.
    #[arg(long, value_name = "OUT")]
    pub svg: Option<PathBuf>,
    /// Pixels per module (PNG) or units per module (SVG).
    #[arg(long, default_value_t = 8)]
    pub module_size: u32,
    /// Light modules around the code (the standard asks for 4).
    #[arg(long, default_value_t = 4)]
    pub quiet_zone: u32,
    /// How to draw in the terminal.
    #[arg(long, value_enum, default_value_t = Style::Ansi)]
    pub style: Style,
    /// With --live in the terminal: draw a fresh code every few seconds,
    /// as the wallet does, until interrupted.
    #[arg(long, requires = "live", conflicts_with_all = ["png", "svg"])]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The trust directory: root.pub (the pinned root key, unless
    /// --root-key is given), trust-list.sctl and status-list.scsl.
    #[arg(long, value_name = "DIR")]
    pub trust: PathBuf,
    /// SC1 text to verify.
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "images",
        required_unless_present = "images"
    )]
    pub text: Option<String>,
    /// Images (PNG, JPEG) with a QR code to verify.
    #[arg(value_name = "IMAGE")]
    pub images: Vec<PathBuf>,
    /// One JSON object per input, one per line.
    #[arg(long)]
    pub json: bool,
    /// Verify as of this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Pin this root public key (hex) instead of reading DIR/root.pub.
    #[arg(long, value_name = "HEX")]
    pub root_key: Option<String>,
    /// Where the verifier keeps what it has seen (list sequences, live
    /// codes already scanned). Default: DIR/verifier-state.json.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OfficerArgs {
    #[command(subcommand)]
    pub command: OfficerCommand,
}

#[derive(Debug, Subcommand)]
pub enum OfficerCommand {
    /// Download the trust and status lists from the portal and install
    /// them. Exit 0 when ready to check cards offline, 1 when not.
    Update(OfficerUpdateArgs),
    /// Check cards offline with the lists last downloaded, as `verify`
    /// does (same exit codes and JSON); warns when not ready.
    Check(OfficerCheckArgs),
}

#[derive(Debug, Args)]
pub struct OfficerUpdateArgs {
    /// The officer's directory: state, lists and the pinned root (created
    /// if missing, readable only by you).
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// The portal's address, e.g. https://portal.example.gov.
    #[arg(long, value_name = "URL")]
    pub portal: String,
    /// The issuer's root public key (hex, or a file holding it), obtained
    /// out of band; pinned in DIR/root.pub on first use. Required until a
    /// root is pinned; a different one is refused afterwards.
    #[arg(long, value_name = "HEX|FILE")]
    pub root: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OfficerCheckArgs {
    /// The officer's directory, as `officer update` made it.
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// SC1 text to verify.
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "images",
        required_unless_present = "images"
    )]
    pub text: Option<String>,
    /// Images (PNG, JPEG) with a QR code to verify.
    #[arg(value_name = "IMAGE")]
    pub images: Vec<PathBuf>,
    /// One JSON object per input, one per line.
    #[arg(long)]
    pub json: bool,
    /// Verify as of this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Images (PNG, JPEG).
    #[arg(value_name = "IMAGE", required = true)]
    pub images: Vec<PathBuf>,
    /// One JSON object per image, one per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the demo's files here instead of a temporary directory.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// How to draw the QR code in the terminal.
    #[arg(long, value_enum, default_value_t = Style::Ansi)]
    pub style: Style,
}
