//! `docket demo`: the main job end to end, narrated, offline. (The portal,
//! enrolment and the outbox join this walk-through when they exist.)

use super::issuer::{issue_card, set_status};
use super::present::terminal_style;
use super::verify::{Checked, Officer, STATE_FILE, check_image};
use crate::Outcome;
use crate::args::{DemoArgs, IssueArgs};
use docket_portal::files::{write_atomic, write_new_private};
use docket_portal::issuer::dir::IssuerDir;
use crate::output::human;
use anyhow::{Context, Result};
use docket_core::device::SoftwareDeviceKey;
use docket_core::qr::{QrMatrix, RenderOptions, to_png, to_terminal};
use docket_core::sc1::{LIVE_ROTATION_SECONDS, LivePresentation};
use docket_core::trust::{CardStatus, KeyId};
use jiff::{SignedDuration, Timestamp};
use std::path::Path;
use std::time::Instant;

/// The demo holder, as an issuer would type her in.
const HOLDER: &str = r#"{
  "family_name": "García Hernández",
  "given_names": "María José",
  "date_of_birth": "1990-04-12",
  "sex": "F",
  "nationality": "MEX",
  "expires": "2031-11-22"
}
"#;

pub fn demo(args: &DemoArgs) -> Result<Outcome> {
    let started = Instant::now();
    let temp = tempfile::tempdir().context("cannot create a temporary directory")?;
    let work = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            dir.clone()
        }
        None => temp.path().to_owned(),
    };
    run(&work, args)?;
    println!();
    match &args.keep {
        Some(dir) => println!(
            "Done in {:.1} s. The files are in {}.",
            started.elapsed().as_secs_f64(),
            dir.display()
        ),
        None => println!(
            "Done in {:.1} s. Temporary files removed.",
            started.elapsed().as_secs_f64()
        ),
    }
    Ok(Outcome::Success)
}

fn step(number: u32, text: &str) {
    println!("\n{number}. {text}");
}

fn run(work: &Path, args: &DemoArgs) -> Result<()> {
    println!("Docket Wallet demo: a Secure Docket Card from issuer to officer, offline.");
    let now = Timestamp::now();

    step(
        1,
        "The issuer creates its keys and signs a trust list and a status list.",
    );
    let issuer_dir = work.join("issuer");
    let issuer = IssuerDir::create(&issuer_dir, KeyId(1), now)?;
    println!(
        "   Officers' phones pin the root key {}.",
        issuer.root_public()?.to_hex()
    );

    step(
        2,
        "The holder's phone creates its device key (on a phone it never leaves the Keystore or Secure Enclave).",
    );
    let device = SoftwareDeviceKey::generate()?;
    let device_file = work.join("device.key");
    write_new_private(&device_file, device.to_pkcs8_pem()?.as_bytes())?;
    println!("   Device public key: {}", device.public().to_hex());

    step(3, "The issuer signs María's card, bound to that key.");
    let card_json = work.join("card.json");
    let photo = work.join("photo.png");
    write_atomic(&card_json, HOLDER.as_bytes())?;
    image::GrayImage::from_fn(96, 120, |x, y| image::Luma([((x * 2 + y) % 256) as u8]))
        .save(&photo)
        .context("cannot write the demo photo")?;
    let issue = IssueArgs {
        dir: issuer_dir.clone(),
        card: card_json,
        photo,
        device_key: Some(device.public().to_hex()),
        out: work.join("card.sdc"),
    };
    let signed = issue_card(&issuer, &issue, now)?;
    let card = signed.card();
    println!(
        "   Card {} for {}, {}; valid {} to {}.",
        card.serial,
        card.name.family(),
        card.name.given(),
        card.issued,
        card.expires
    );

    step(
        4,
        &format!(
            "The wallet shows a live code: the card plus the phone's signature over the time, new every {LIVE_ROTATION_SECONDS} s."
        ),
    );
    let live = LivePresentation::create(&signed, &device, now)?;
    let text = live.to_text();
    let matrix = QrMatrix::encode(&text)?;
    print!("{}", to_terminal(&matrix, 4, terminal_style(args.style)));
    let png = work.join("live.png");
    write_atomic(&png, &to_png(&matrix, RenderOptions::default())?)?;
    println!(
        "   {} characters, QR version {} at error correction M; saved as {}.",
        text.len(),
        matrix.version(),
        png.display()
    );

    step(5, "An officer scans that image with no signal.");
    let mut officer = open_officer(&issuer_dir, &issuer, now)?;
    show(&check_image(&mut officer, &png, now)?);

    step(
        6,
        "Someone shows the same image again, as a screenshot would be.",
    );
    show(&check_image(
        &mut officer,
        &png,
        now.checked_add(SignedDuration::from_secs(3))?,
    )?);

    step(7, "A minute later, the screenshot has gone stale as well.");
    show(&check_image(
        &mut officer,
        &png,
        now.checked_add(SignedDuration::from_secs(60))?,
    )?);

    step(
        8,
        "The issuer revokes the card; the officer's phone loads the new status list; the phone shows a fresh code.",
    );
    let later = now.checked_add(SignedDuration::from_secs(90))?;
    let sequence = set_status(&issuer, card.serial, CardStatus::Revoked, later)?;
    println!("   Status list sequence {sequence} published.");
    let mut officer = open_officer(&issuer_dir, &issuer, later)?;
    let fresh = LivePresentation::create(&signed, &device, later)?;
    let fresh_png = work.join("live-after-revocation.png");
    write_atomic(
        &fresh_png,
        &to_png(
            &QrMatrix::encode(&fresh.to_text())?,
            RenderOptions::default(),
        )?,
    )?;
    show(&check_image(&mut officer, &fresh_png, later)?);
    Ok(())
}

fn open_officer(issuer_dir: &Path, issuer: &IssuerDir, now: Timestamp) -> Result<Officer> {
    let officer = Officer::open(
        issuer_dir,
        issuer.root_public()?,
        issuer_dir.join(STATE_FILE),
        now,
    )?;
    Ok(officer)
}

fn show(checked: &Checked) {
    for line in human(&checked.json()).lines() {
        println!("   {line}");
    }
}
