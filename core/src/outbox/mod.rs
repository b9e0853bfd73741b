//! The durable outbox: what a holder submits (check-ins and address
//! changes), its validation, and the delivery rules. The rows and the
//! ordering rules live in `store/outbox.rs`.

mod address;
mod backoff;
pub(crate) mod body;
mod check_in;
mod deadline;
mod item;

pub use address::*;
pub use backoff::RetryPolicy;
pub use body::{BODY_FORMAT_VERSION, BodyError};
pub use check_in::*;
pub use deadline::*;
use jiff::civil::Date;

pub use item::{ItemId, ItemKind, ItemState, OutboxItem, ParkReason, Receipt, Submission};

/// Reads a request body of the current format, re-validating every field.
pub fn decode_body(kind: ItemKind, body: &[u8]) -> Result<Submission, BodyError> {
    body::decode(kind, BODY_FORMAT_VERSION, body)
}

/// How the portal checks what a wallet sent, arriving at `received_at`:
/// every field, as [`decode_body`], plus the rules that depend on when it
/// arrives (a move date at most 30 days ahead and at most a year back, in
/// the portal's UTC day; a check-in time at most a year back and a day
/// ahead, [`check_in_time`]). Every error is [`BodyError::Refused`] with
/// the rule's message.
pub fn accept_body(
    kind: ItemKind,
    body: &[u8],
    received_at: jiff::Timestamp,
) -> Result<Submission, BodyError> {
    let today: Date = received_at.to_zoned(jiff::tz::TimeZone::UTC).date();
    let submission = decode_body(kind, body).map_err(|error| match error {
        BodyError::Invalid(message) | BodyError::Refused(message) => BodyError::Refused(message),
        other => BodyError::Refused(other.to_string()),
    })?;
    match &submission {
        Submission::AddressChange(change) => {
            AddressChange::new(change.address().clone(), change.moved_on(), today)
                .map_err(|error| BodyError::Refused(error.to_string()))?;
        }
        Submission::CheckIn { checked_in_at, .. } => {
            check_in_time(*checked_in_at, received_at)
                .map_err(|error| BodyError::Refused(error.to_string()))?;
        }
        // Only the wallet's store makes one; a body that decoded is not.
        Submission::Unreadable { .. } => {
            return Err(BodyError::Refused("the body cannot be read".to_owned()));
        }
    }
    Ok(submission)
}
