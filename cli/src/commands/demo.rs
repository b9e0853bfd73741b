//! `docket demo`: the main job end to end, narrated. A reference portal
//! runs on loopback with a temporary database and issuer; a wallet enrolls
//! against it, shows its live QR, which an officer verifies offline; the
//! wallet queues a check-in and an address change with no network, then
//! delivers each exactly once through a portal that loses answers; a
//! hearing moves and the wallet notices; a revocation reaches the officer.
//! Everything it starts is stopped before it returns.

use super::issuer::set_status;
use super::present::terminal_style;
use super::verify::{Checked, check_image};
use super::wallet::{Profile, change_lines, event_line, upcoming_hearings};
use crate::Outcome;
use crate::args::DemoArgs;
use crate::output::{VerdictJson, human};
use anyhow::{Context, Result, bail};
use docket_core::files::{create_private_dir, write_atomic};
use docket_core::hearings::{CourtTime, HearingId};
use docket_core::officer::{ListOutcome, Officer, OfficerFiles, UpdateReport, fetch_lists};
use docket_core::outbox::{AddressChange, CheckIn, ItemState, RetryPolicy, UsAddress};
use docket_core::qr::{QrMatrix, RenderOptions, to_png, to_terminal};
use docket_core::sync::{
    HearingsRefresh, ListRefresh, PortalClient, PortalUrl, ProgressSink, SyncConfig, SyncEvent,
    SyncOptions, SyncStop,
};
use docket_core::trust::{CardStatus, KeyId};
use docket_core::verify::VerifierPolicy;
use docket_core::wallet::Wallet;
use docket_issuer::CardRequest;
use docket_issuer::IssuerDir;
use docket_portal::chaos::{ChaosOutcome, ChaosSpec};
use docket_portal::{PortalConfig, PortalThread, admin};
use jiff::civil::DateTime;
use jiff::{SignedDuration, Timestamp, ToSpan, tz::TimeZone};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The demo holder, as a case office would type her in.
const HOLDER: &str = r#"{
  "family_name": "García Hernández",
  "given_names": "María José",
  "date_of_birth": "1990-04-12",
  "sex": "F",
  "nationality": "MEX",
  "expires": "2031-11-22"
}
"#;

/// The court her hearings are at.
const COURT_ZONE: &str = "America/Chicago";

/// Share of requests the flaky network spoils once it is back.
const CHAOS_RATE: f64 = 0.3;

/// The wallet's timings for the demo: a short request timeout and fast
/// retries, so the flaky network plays out in seconds (the app's defaults
/// are 20 s and 10 s to 30 min).
fn demo_sync_config() -> SyncConfig {
    SyncConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        retry_policy: RetryPolicy {
            base: SignedDuration::from_millis(300),
            cap: SignedDuration::from_secs(2),
            max_retry_after: SignedDuration::from_secs(2),
        },
    }
}

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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run(&work, args))?;
    println!();
    match &args.keep {
        Some(dir) => println!(
            "Done in {:.1} s; the portal is stopped. The files are in {}.",
            started.elapsed().as_secs_f64(),
            dir.display()
        ),
        None => println!(
            "Done in {:.1} s; the portal is stopped and the temporary files removed.",
            started.elapsed().as_secs_f64()
        ),
    }
    Ok(Outcome::Success)
}

fn step(number: u32, text: &str) {
    println!("\n{number}. {text}");
}

fn say(text: &str) {
    for line in text.lines() {
        println!("   {line}");
    }
}

/// The paths and running parts the steps share.
struct Demo {
    portal_db: std::path::PathBuf,
    issuer_dir: std::path::PathBuf,
    addr: SocketAddr,
}

impl Demo {
    fn config(&self, chaos: Option<ChaosSpec>) -> PortalConfig {
        PortalConfig {
            db: self.portal_db.clone(),
            issuer: self.issuer_dir.clone(),
            chaos,
        }
    }

    fn start_portal(&self, chaos: Option<ChaosSpec>) -> Result<PortalThread> {
        Ok(PortalThread::start(self.config(chaos), self.addr)?)
    }
}

async fn run(work: &Path, args: &DemoArgs) -> Result<()> {
    println!(
        "Docket Wallet demo: enrollment, the live QR, an offline check-in and move, a flaky network, a moved hearing, a stolen phone."
    );
    let now = Timestamp::now();

    step(
        1,
        "The issuer's portal starts on this computer, with a new issuer and an empty database.",
    );
    let issuer_dir = work.join("issuer");
    let issuer = IssuerDir::create(&issuer_dir, KeyId(1), now)?;
    let mut demo = Demo {
        portal_db: work.join("portal.sqlite"),
        issuer_dir: issuer_dir.clone(),
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let portal = demo.start_portal(None)?;
    demo.addr = portal.addr();
    let url = portal.url();
    say(&format!(
        "Portal at {url}. Root key, pinned in every app: {}.",
        issuer.root_public()?.to_hex()
    ));

    step(
        2,
        "A case office registers María, prints her card, and gives her a one-time activation code.",
    );
    let photo = demo_photo(work)?;
    let card_request = CardRequest::parse(HOLDER)?;
    let hearings_json = demo_hearings(now)?;
    let holder = admin::add_holder(
        &demo.portal_db,
        &issuer_dir,
        &card_request,
        &photo,
        Some(hearings_json.as_bytes()),
        now,
    )?;
    say(&format!(
        "Card {}: the QR on its back reads {}…\nActivation code: {}",
        holder.serial,
        holder.card_qr.chars().take(40).collect::<String>(),
        holder.activation_code
    ));

    step(
        3,
        "María's phone scans the printed QR, she types the code, and the wallet enrolls: a device key is made, and the portal returns her card bound to it, her photo and her hearings.",
    );
    let profile = Profile::create_or_open(&work.join("wallet"))?;
    profile.pin_root(&issuer.root_public()?)?;
    let wallet = profile.wallet(demo_sync_config()).await?;
    let enrolled = wallet
        .enroll(&url, &holder.card_qr, &holder.activation_code.to_string())
        .await?;
    let card = wallet.card().await?.context("the card was not saved")?;
    for line in human(&VerdictJson::new("wallet", &card.verdict, None)).lines() {
        say(line);
    }
    say(&format!(
        "{} hearings saved for offline use:",
        enrolled.hearings
    ));
    show_hearings(&wallet).await?;

    step(
        4,
        "The wallet shows its live QR: the card plus the phone's signature over the time, new every few seconds.",
    );
    let live = wallet.live_presentation().await?;
    let matrix = QrMatrix::encode(&live.to_text())?;
    print!("{}", to_terminal(&matrix, 4, terminal_style(args.style)));
    let png = work.join("live.png");
    write_atomic(&png, &to_png(&matrix, RenderOptions::default())?)?;
    say(&format!(
        "QR version {}; saved as {}.",
        matrix.version(),
        png.display()
    ));

    let mut officer = officer_phone(&issuer, work)?;
    let report = update_officer(&mut officer, &url).await?;
    if !officer.freshness(Timestamp::now()).is_ready() {
        bail!("the officer's phone could not download the lists: {report:?}");
    }
    step(
        5,
        "An officer's phone, which downloaded the lists when it last had signal, scans that image with no signal; then someone shows the same image again, as a screenshot would be.",
    );
    show(&check_image(&mut officer, &png, Timestamp::now())?);
    show(&check_image(
        &mut officer,
        &png,
        Timestamp::now().checked_add(SignedDuration::from_secs(3))?,
    )?);

    step(
        6,
        "María loses signal. She checks in and reports her new address anyway: both are saved on the phone.",
    );
    portal.stop();
    wallet
        .check_in(CheckIn::new(Some("Checking in from the bus station."))?)
        .await?;
    let today = Timestamp::now().to_zoned(TimeZone::get(COURT_ZONE)?).date();
    let address = UsAddress::new(
        "4410 Navigation Blvd",
        Some("Apt 12"),
        "Houston",
        "TX",
        "77011",
    )?;
    wallet
        .report_move(AddressChange::new(address, today, today)?)
        .await?;
    let offline = Instant::now();
    let report = wallet.sync(sync_options(Duration::from_secs(10))).await?;
    if report.stop != SyncStop::Offline {
        bail!("the wallet should have found no connection");
    }
    say(&format!(
        "Sync found no connection after {} ms and stopped; nothing was lost:",
        offline.elapsed().as_millis()
    ));
    show_pending(&wallet).await?;

    step(
        7,
        "The network comes back, but it is bad: the portal now spoils a share of requests (errors, hangs, dropped and cut-off answers, and answers lost after the portal recorded the request).",
    );
    let chaos = demo_chaos()?;
    say(&format!(
        "Chaos: {chaos} (the seed makes the very first answer get lost after the check-in was recorded)."
    ));
    let portal = demo.start_portal(Some(chaos))?;
    let report = wallet.sync(sync_options(Duration::from_secs(40))).await?;
    if !report.all_sent() {
        bail!("the demo sync left {} item(s) unsent", report.still_pending);
    }
    let counts = portal.chaos_counts();
    say(&format!(
        "Requests: {} served normally, {} spoiled.",
        counts.passed,
        counts.faults()
    ));
    let history = wallet.history().await?;
    let received = admin::received(&demo.portal_db)?;
    for item in &history {
        let copies = received
            .iter()
            .filter(|r| r.idempotency_key == item.idempotency_key)
            .count();
        let reference = item
            .receipt
            .as_ref()
            .and_then(|r| r.reference.clone())
            .unwrap_or_default();
        if copies != 1 {
            bail!("item #{} reached the portal {copies} times", item.id.0);
        }
        say(&format!(
            "{} #{}: receipt {reference}; the portal holds it exactly once.",
            item.kind().code(),
            item.id.0
        ));
    }

    step(
        8,
        "The court moves her first hearing. The wallet asks the portal for changes and tells her.",
    );
    let first = HearingId::new("EOIR-HOU-1")?;
    let moved_to = court_time(now, 23, 13)?;
    admin::hearing_move(&demo.portal_db, holder.serial, &first, moved_to, None)?;
    match wallet.refresh_hearings().await? {
        HearingsRefresh::Updated(changes) => {
            for line in change_lines(&changes) {
                say(&format!("! {line}"));
            }
        }
        other => bail!("the wallet did not see the move: {other:?}"),
    }
    show_hearings(&wallet).await?;

    step(
        9,
        "María's phone is stolen. The office marks it lost and gives her a new code; her new phone enrolls. Each enrollment has its own entry in the status list, so the officer's phone, after its next list download, refuses the stolen phone's code and accepts the new phone's and the printed card.",
    );
    portal.set_chaos(None);
    let lost = admin::phone_lost(
        &demo.portal_db,
        &issuer_dir,
        holder.serial,
        Timestamp::now(),
    )?;
    say(&format!(
        "Phone reported lost: {} binding(s) ended; the portal already refuses it.",
        lost.bindings_ended.len()
    ));
    let stolen_png = work.join("stolen-phone.png");
    let stolen = wallet.live_presentation().await?;
    write_atomic(
        &stolen_png,
        &to_png(
            &QrMatrix::encode(&stolen.to_text())?,
            RenderOptions::default(),
        )?,
    )?;
    let code = admin::new_code(&demo.portal_db, holder.serial)?;
    let new_profile = Profile::create_or_open(&work.join("new-phone"))?;
    new_profile.pin_root(&issuer.root_public()?)?;
    let new_phone = new_profile.wallet(demo_sync_config()).await?;
    new_phone
        .enroll(&url, &holder.card_qr, &code.to_string())
        .await?;
    say(&format!(
        "New phone enrolled with code {code}; the status list now has its own entry for it."
    ));
    update_officer(&mut officer, &url).await?;
    show(&check_image(&mut officer, &stolen_png, Timestamp::now())?);
    let new_png = work.join("new-phone.png");
    let live = new_phone.live_presentation().await?;
    write_atomic(
        &new_png,
        &to_png(
            &QrMatrix::encode(&live.to_text())?,
            RenderOptions::default(),
        )?,
    )?;
    show(&check_image(&mut officer, &new_png, Timestamp::now())?);
    show(&Checked {
        label: "the printed card".to_owned(),
        verdict: Some(officer.check_text(&holder.card_qr, Timestamp::now())),
        qr_version: None,
        checked_at: Timestamp::now(),
    });
    drop(wallet);
    let wallet = new_phone;

    step(
        10,
        "The issuer revokes the card. The wallet's next sync and the officer's next list download both pick it up.",
    );
    let sequence = set_status(
        &issuer,
        holder.serial,
        CardStatus::Revoked,
        Timestamp::now(),
    )?;
    say(&format!("Status list sequence {sequence} published."));
    let report = wallet.sync(sync_options(Duration::from_secs(20))).await?;
    if let ListRefresh::Installed { sequence } = report.status_list {
        say(&format!(
            "Wallet installed status list sequence {sequence}."
        ));
    }
    let card = wallet.card().await?.context("the card disappeared")?;
    say(&format!(
        "Wallet now shows the card as: {}.",
        card.verdict.reason_codes().join(", ")
    ));
    let report = update_officer(&mut officer, &url).await?;
    if let ListOutcome::Installed { sequence } = report.status_list {
        say(&format!(
            "Officer's phone installed status list sequence {sequence}."
        ));
    }
    let fresh = work.join("live-after-revocation.png");
    // A wallet shows a new code every 5 seconds; this demo runs faster, so
    // it waits for the next second, or the officer (rightly) takes this
    // code for the one it scanned a moment ago.
    next_second().await;
    let live = wallet.live_presentation().await?;
    write_atomic(
        &fresh,
        &to_png(
            &QrMatrix::encode(&live.to_text())?,
            RenderOptions::default(),
        )?,
    )?;
    show(&check_image(&mut officer, &fresh, Timestamp::now())?);

    portal.stop();
    drop(wallet);
    Ok(())
}

/// Waits until the clock's second changes.
async fn next_second() {
    let nanos = Timestamp::now().subsec_nanosecond();
    let left = 1_000_000_000u64.saturating_sub(u64::try_from(nanos).unwrap_or(0));
    tokio::time::sleep(Duration::from_nanos(left + 1_000_000)).await;
}

/// An officer's phone: its own folder, the issuer's root built in.
fn officer_phone(issuer: &IssuerDir, work: &Path) -> Result<Officer> {
    let dir = work.join("officer");
    create_private_dir(&dir)?;
    Ok(Officer::open(
        OfficerFiles::in_dir(&dir),
        vec![issuer.root_public()?],
        VerifierPolicy::default(),
        Timestamp::now(),
    )?)
}

/// The officer's phone downloads the lists from the portal.
async fn update_officer(officer: &mut Officer, url: &str) -> Result<UpdateReport> {
    let config = demo_sync_config();
    let client = PortalClient::unsigned(PortalUrl::parse(url)?, &config)?;
    let fetched = fetch_lists(&client, &officer.etags(), config.request_timeout).await;
    Ok(officer.install_fetched(fetched, Timestamp::now())?)
}

fn sync_options(deadline: Duration) -> SyncOptions {
    let progress: ProgressSink = Arc::new(|event: &SyncEvent| {
        if let Some(line) = event_line(event) {
            say(&line);
        }
    });
    SyncOptions {
        deadline: Instant::now().checked_add(deadline),
        wait_for_retries: true,
        expedite: true,
        outbox_only: false,
        progress: Some(progress),
    }
}

/// A chaos seed whose first request is answered `Lost` and whose next few
/// pass: the demo then shows exactly the case idempotency keys exist for.
fn demo_chaos() -> Result<ChaosSpec> {
    let hang = Duration::from_secs(3);
    for seed in 0..100_000u64 {
        let spec = ChaosSpec::new(CHAOS_RATE, seed, hang)?;
        let first_lost = spec.outcome(0) == ChaosOutcome::Lost;
        let then_mixed = spec.outcome(1) == ChaosOutcome::Passed
            && spec.outcome(2) == ChaosOutcome::Unavailable
            && (3..8).all(|n| spec.outcome(n) == ChaosOutcome::Passed);
        if first_lost && then_mixed {
            return Ok(spec);
        }
    }
    Ok(ChaosSpec::new(CHAOS_RATE, 7, hang)?)
}

async fn show_pending(wallet: &Wallet) -> Result<()> {
    for item in wallet.pending().await? {
        let state = match &item.state {
            ItemState::NeedsAttention(reason) => format!("needs attention: {}", reason.code()),
            state => state.code().to_owned(),
        };
        say(&format!(
            "#{} {} — {state}, idempotency key {}",
            item.id.0,
            item.kind().code(),
            item.idempotency_key
        ));
    }
    Ok(())
}

async fn show_hearings(wallet: &Wallet) -> Result<()> {
    let cache = wallet.hearings().await?.context("no hearings saved")?;
    for hearing in upcoming_hearings(&cache.hearings, Timestamp::now()) {
        say(&format!("  {}", hearing.line()));
    }
    Ok(())
}

fn show(checked: &Checked) {
    for line in human(&checked.json()).lines() {
        say(line);
    }
}

/// A court time `days` from now at `hour`:00 in the court's zone.
fn court_time(now: Timestamp, days: i64, hour: i8) -> Result<CourtTime> {
    let date = now
        .to_zoned(TimeZone::get(COURT_ZONE)?)
        .date()
        .checked_add(days.days())?;
    let local = DateTime::from_parts(date, jiff::civil::time(hour, 0, 0, 0));
    Ok(CourtTime::new(local, COURT_ZONE)?)
}

/// Two upcoming hearings in Houston, as the portal's JSON.
fn demo_hearings(now: Timestamp) -> Result<String> {
    let first = court_time(now, 21, 9)?;
    let second = court_time(now, 95, 13)?;
    Ok(format!(
        r#"[{{"id":"EOIR-HOU-1","starts":{{"local":"{}","time_zone":"{COURT_ZONE}"}},"court":{{"name":"Houston Immigration Court","address":"600 Jefferson St, Suite 900\nHouston, TX 77002"}},"judge":"Hon. Ana Rivera","kind":"master_calendar","status":"scheduled"}},
{{"id":"EOIR-HOU-2","starts":{{"local":"{}","time_zone":"{COURT_ZONE}"}},"court":{{"name":"Houston Immigration Court","address":"600 Jefferson St, Suite 900\nHouston, TX 77002"}},"judge":"Hon. Ana Rivera","kind":"individual","status":"scheduled"}}]"#,
        first.local(),
        second.local()
    ))
}

/// A stand-in portrait (gray gradient PNG).
fn demo_photo(work: &Path) -> Result<Vec<u8>> {
    let path = work.join("photo.png");
    image::GrayImage::from_fn(96, 120, |x, y| image::Luma([((x * 2 + y) % 256) as u8]))
        .save(&path)
        .context("cannot write the demo photo")?;
    Ok(std::fs::read(&path)?)
}
