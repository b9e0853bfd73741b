//! `docket present` and `docket qr`: the holder's side.

use super::{load_device_key, load_signed_card, time_or_now};
use crate::Outcome;
use crate::args::{LiveArgs, PresentArgs, QrArgs, Style};
use anyhow::{Context, Result, bail};
use docket_core::files::write_atomic;
use docket_core::qr::{QrMatrix, RenderOptions, TerminalStyle, to_png, to_svg, to_terminal};
use docket_core::sc1::{LIVE_ROTATION_SECONDS, LivePresentation};
use std::path::Path;

pub fn present(args: &PresentArgs) -> Result<Outcome> {
    println!("{}", presentation_text(&args.card, &args.live)?);
    Ok(Outcome::Success)
}

/// The static text of a card, or a live code made now (or at `--at`).
pub fn presentation_text(card: &Path, live: &LiveArgs) -> Result<String> {
    let signed = load_signed_card(card)?;
    if !live.live {
        return Ok(signed.to_text());
    }
    let key_path = live
        .device_key
        .as_deref()
        .context("--live needs --device-key KEYFILE")?;
    let key = load_device_key(key_path)?;
    let at = time_or_now(live.at.as_deref())?;
    Ok(LivePresentation::create(&signed, &key, at)?.to_text())
}

pub fn terminal_style(style: Style) -> TerminalStyle {
    match style {
        Style::Ansi => TerminalStyle::Ansi,
        Style::DarkOnLight => TerminalStyle::DarkOnLight,
        Style::LightOnDark => TerminalStyle::LightOnDark,
    }
}

pub fn qr(args: &QrArgs) -> Result<Outcome> {
    let options = RenderOptions {
        module_size: args.module_size,
        quiet_zone: args.quiet_zone,
    };
    let text = || -> Result<String> {
        match (&args.text, &args.card) {
            (Some(_), _) if args.live.live => bail!("--live works with --card, not --text"),
            (Some(text), _) => Ok(text.clone()),
            (None, Some(card)) => presentation_text(card, &args.live),
            (None, None) => bail!("give --text TEXT or --card CARD.sdc"),
        }
    };
    if args.watch {
        loop {
            let matrix = QrMatrix::encode(&text()?)?;
            // Clear the screen and draw the new code where the old one was.
            print!(
                "\x1b[2J\x1b[H{}",
                to_terminal(&matrix, args.quiet_zone, terminal_style(args.style))
            );
            println!(
                "Live code, QR version {}; a new one every {LIVE_ROTATION_SECONDS} s. Ctrl-C to stop.",
                matrix.version()
            );
            std::thread::sleep(std::time::Duration::from_secs(u64::from(
                LIVE_ROTATION_SECONDS,
            )));
        }
    }
    let matrix = QrMatrix::encode(&text()?)?;
    let summary = format!(
        "QR version {}, {} modules per side",
        matrix.version(),
        matrix.width()
    );
    if let Some(out) = &args.png {
        write_atomic(out, &to_png(&matrix, options)?)?;
        println!("wrote {} ({summary})", out.display());
    } else if let Some(out) = &args.svg {
        write_atomic(out, to_svg(&matrix, options)?.as_bytes())?;
        println!("wrote {} ({summary})", out.display());
    } else {
        print!(
            "{}",
            to_terminal(&matrix, args.quiet_zone, terminal_style(args.style))
        );
        println!("{summary}");
    }
    Ok(Outcome::Success)
}
