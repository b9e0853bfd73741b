//! The worker the crash harness kills: it opens a wallet store and makes
//! random outbox changes through the public API, printing `begin <op>`
//! before each call and `done <op> <id> ...` after it returns, so the
//! parent knows exactly which calls returned before the SIGKILL.
//!
//! Usage: `outbox-worker DB SECRETS_DIR SEED`

use docket_core::outbox::{
    AddressChange, CheckIn, ItemId, ItemState, ParkReason, Receipt, RetryPolicy, UsAddress,
};
use docket_core::store::{FileSecretStore, Store};
use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::Write;
use std::process::ExitCode;

/// The worker stops by itself after this many calls if nobody kills it.
const MAX_OPERATIONS: u32 = 10_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("outbox-worker: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, secrets, seed] = args.as_slice() else {
        return Err("usage: outbox-worker DB SECRETS_DIR SEED".into());
    };
    let seed: u64 = seed.parse().map_err(|_| "SEED must be a number")?;
    let secrets = FileSecretStore::new(secrets).map_err(|e| e.to_string())?;
    let mut store = Store::open(db.as_ref(), &secrets).map_err(|e| e.to_string())?;
    // Failed items are due again at once, so the worker keeps cycling them.
    store.set_retry_policy(RetryPolicy {
        base: SignedDuration::ZERO,
        cap: SignedDuration::ZERO,
        max_retry_after: SignedDuration::ZERO,
    });
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Line;
    out.say("ready")?;
    let address = UsAddress::new("12 Calle Peñasco", Some("Apt 3"), "El Paso", "TX", "79901")
        .map_err(|e| e.to_string())?;
    for _ in 0..MAX_OPERATIONS {
        let now = Timestamp::now();
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let result = match rng.random_range(0..100) {
            0..30 => {
                out.say("begin enqueue")?;
                let item = if rng.random_bool(0.5) {
                    let check_in = CheckIn::new(Some("here")).map_err(|e| e.to_string())?;
                    store.enqueue_check_in(check_in, now)
                } else {
                    let change = AddressChange::new(address.clone(), today, today)
                        .map_err(|e| e.to_string())?;
                    store.enqueue_address_change(change, now)
                };
                item.map(|item| {
                    format!(
                        "done enqueue {} {} {}",
                        item.id,
                        item.idempotency_key,
                        item.kind().code()
                    )
                })
            }
            30..80 => Ok(claim_and_settle(&mut store, &mut rng, &mut out, now)?),
            80..90 => {
                let parked = first(&store, |s| matches!(s, ItemState::NeedsAttention(_)))?;
                match parked {
                    Some(id) => {
                        out.say(&format!("begin resend {id}"))?;
                        store.resend(id, now).map(|_| format!("done resend {id}"))
                    }
                    None => Ok("idle".to_owned()),
                }
            }
            _ => {
                let parked = first(&store, |s| matches!(s, ItemState::NeedsAttention(_)))?;
                match parked {
                    Some(id) => {
                        out.say(&format!("begin discard {id}"))?;
                        store.discard(id).map(|()| format!("done discard {id}"))
                    }
                    None => Ok("idle".to_owned()),
                }
            }
        };
        out.say(&result.map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

/// Claims the next item and settles it one of three ways, reporting each
/// call separately: the kill may fall between the claim and the outcome.
fn claim_and_settle(
    store: &mut Store,
    rng: &mut StdRng,
    out: &mut Line,
    now: Timestamp,
) -> Result<String, String> {
    out.say("begin claim")?;
    let Some(item) = store.claim_next(now).map_err(|e| e.to_string())? else {
        return Ok("done claim none".to_owned());
    };
    let id = item.id;
    out.say(&format!("done claim {id}"))?;
    let outcome = rng.random_range(0..10);
    let op = match outcome {
        0..6 => "sent",
        6..9 => "failed",
        _ => "park",
    };
    out.say(&format!("begin {op} {id}"))?;
    let settled = match op {
        "sent" => store.mark_sent(
            id,
            &Receipt {
                received_at: now,
                reference: None,
            },
            now,
        ),
        "failed" => store.mark_failed(id, "network", None, now).map(|_| ()),
        _ => store.park(
            id,
            &ParkReason::Refused {
                code: "address_not_deliverable".into(),
                detail: "test refusal".into(),
            },
        ),
    };
    settled.map_err(|e| e.to_string())?;
    Ok(format!("done {op} {id}"))
}

fn first(store: &Store, wanted: impl Fn(&ItemState) -> bool) -> Result<Option<ItemId>, String> {
    Ok(store
        .pending()
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|item| wanted(&item.state))
        .map(|item| item.id))
}

/// Stdout, flushed after every line so each acknowledgement leaves the
/// process before the next call starts.
struct Line;

impl Line {
    fn say(&mut self, line: &str) -> Result<(), String> {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}")
            .and_then(|()| stdout.flush())
            .map_err(|e| e.to_string())
    }
}
