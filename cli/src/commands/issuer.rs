//! `docket issuer init | issue | revoke | refresh`.

use super::parse_device_public_key;
use crate::Outcome;
use crate::args::{IssueArgs, IssuerDirArgs, IssuerInitArgs, NewStatus, RevokeArgs};
use anyhow::{Context, Result};
use docket_core::card::Serial;
use docket_core::files::{read_limited, read_text_limited, write_atomic};
use docket_core::qr::QrMatrix;
use docket_core::sc1::SignedCard;
use docket_core::trust::{CardStatus, KeyId};
use docket_issuer::CardRequest;
use docket_issuer::{IssuerDir, ROOT_PUB, STATUS_LIST, TRUST_LIST};
use jiff::Timestamp;

const CARD_JSON_MAX: u64 = 64 * 1024;
const PHOTO_MAX: u64 = 16 * 1024 * 1024;

pub fn init(args: &IssuerInitArgs) -> Result<Outcome> {
    let dir = IssuerDir::create(&args.dir, KeyId(args.key_id), Timestamp::now())?;
    println!("Created a test issuer in {}", args.dir.display());
    println!(
        "  root public key (verifiers pin it; also in {ROOT_PUB}): {}",
        dir.root_public()?.to_hex()
    );
    println!("  issuer key id: {}", args.key_id);
    println!("  signed trust list: {TRUST_LIST}; signed status list (no cards yet): {STATUS_LIST}");
    Ok(Outcome::Success)
}

pub fn issue(args: &IssueArgs) -> Result<Outcome> {
    let dir = IssuerDir::open(&args.dir)?;
    let signed = issue_card(&dir, args, Timestamp::now())?;
    let card = signed.card();
    println!(
        "Issued card {} for {}, {} ({}), valid {} to {}",
        card.serial,
        card.name.family(),
        card.name.given(),
        if card.is_bound() {
            "bound to the device key"
        } else {
            "unbound: the printed card"
        },
        card.issued,
        card.expires
    );
    if card.name.family_shortened() || card.name.given_shortened() {
        println!(
            "  note: the name was shortened to fit the card: {:?} / {:?}",
            card.name.family(),
            card.name.given()
        );
    }
    let version = QrMatrix::encode(&signed.to_text())?.version();
    println!(
        "  wrote {} (QR version {version} at ECC M)",
        args.out.display()
    );
    Ok(Outcome::Success)
}

/// Builds, checks and signs the card and writes it to `args.out`;
/// registers it only when everything else is in order, so a bad CARD.json
/// does not use up a status index (docket_issuer::issue_card).
pub fn issue_card(dir: &IssuerDir, args: &IssueArgs, now: Timestamp) -> Result<SignedCard> {
    let request = CardRequest::parse(&read_text_limited(&args.card, CARD_JSON_MAX, "card file")?)?;
    let photo = read_limited(&args.photo, PHOTO_MAX, "photo")?;
    let device_key = args
        .device_key
        .as_deref()
        .map(parse_device_public_key)
        .transpose()?;
    let signed = docket_issuer::issue_card(dir, &request, &photo, device_key, now)?;
    write_atomic(&args.out, format!("{}\n", signed.to_text()).as_bytes())?;
    Ok(signed)
}

pub fn revoke(args: &RevokeArgs) -> Result<Outcome> {
    let dir = IssuerDir::open(&args.dir)?;
    let serial =
        Serial::parse(&args.serial).with_context(|| format!("--serial {:?}", args.serial))?;
    let status = match args.status {
        NewStatus::Revoked => CardStatus::Revoked,
        NewStatus::Suspended => CardStatus::Suspended,
        NewStatus::Valid => CardStatus::Valid,
    };
    let sequence = set_status(&dir, serial, status, Timestamp::now())?;
    println!(
        "Card {serial} is now {} (status list sequence {sequence}); verifiers see it once they load the new {STATUS_LIST}",
        match status {
            CardStatus::Revoked => "revoked",
            CardStatus::Suspended => "suspended",
            _ => "valid",
        }
    );
    Ok(Outcome::Success)
}

/// Sets a card's status (on every phone it is enrolled on too) and
/// publishes the list; returns its new sequence.
pub fn set_status(
    dir: &IssuerDir,
    serial: Serial,
    status: CardStatus,
    now: Timestamp,
) -> Result<u64> {
    dir.set_card_status(serial, status, now)
}

pub fn refresh(args: &IssuerDirArgs) -> Result<Outcome> {
    let dir = IssuerDir::open(&args.dir)?;
    let now = Timestamp::now();
    let _lock = dir.lock()?;
    dir.publish_trust_list(dir.trust_list()?, now)?;
    dir.publish_status_list(dir.status_list()?, now)?;
    println!(
        "Re-signed {TRUST_LIST} (sequence {}) and {STATUS_LIST} (sequence {})",
        dir.trust_list()?.meta.sequence,
        dir.status_list()?.meta.sequence
    );
    Ok(Outcome::Success)
}
