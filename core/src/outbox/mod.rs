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
pub use item::{ItemId, ItemKind, ItemState, OutboxItem, ParkReason, Receipt, Submission};

/// Reads a request body of the current format, re-validating every field:
/// how the portal checks what a wallet sent.
pub fn decode_body(kind: ItemKind, body: &[u8]) -> Result<Submission, BodyError> {
    body::decode(kind, BODY_FORMAT_VERSION, body)
}
