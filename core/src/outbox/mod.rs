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

/// How the portal checks what a wallet sent: every field, as
/// [`decode_body`], plus the rules that depend on the day it arrives (a
/// move date at most 30 days ahead and at most a year back). Every error
/// is [`BodyError::Refused`] with the rule's message.
pub fn accept_body(kind: ItemKind, body: &[u8], today: Date) -> Result<Submission, BodyError> {
    let submission = decode_body(kind, body).map_err(|error| match error {
        BodyError::Invalid(message) | BodyError::Refused(message) => BodyError::Refused(message),
        other => BodyError::Refused(other.to_string()),
    })?;
    if let Submission::AddressChange(change) = &submission {
        AddressChange::new(change.address().clone(), change.moved_on(), today)
            .map_err(|error| BodyError::Refused(error.to_string()))?;
    }
    Ok(submission)
}
