//! One queued submission as the holder sees it, and its states.

use super::{AddressChange, CheckIn, DeadlineStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// The wallet's own number for an item: stable for the item's life, shown
/// to the holder and used to resend or discard it. (The idempotency key
/// is the portal's; it may be renewed when a parked item is edited.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub i64);

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What kind of record an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A check-in.
    CheckIn,
    /// A change of address.
    AddressChange,
}

impl ItemKind {
    /// The stable code (`check_in`, `address_change`), as stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            ItemKind::CheckIn => "check_in",
            ItemKind::AddressChange => "address_change",
        }
    }

    /// The kind with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "check_in" => Some(ItemKind::CheckIn),
            "address_change" => Some(ItemKind::AddressChange),
            _ => None,
        }
    }
}

/// What the holder submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    /// A check-in, made at `checked_in_at` by the phone's clock.
    CheckIn {
        /// When the holder checked in.
        checked_in_at: Timestamp,
        /// What they added.
        check_in: CheckIn,
    },
    /// A change of address.
    AddressChange(AddressChange),
    /// A stored item whose content could not be read back from the
    /// phone's storage (its sealed body does not open, or does not decode).
    /// Only its kind is known (kept in the clear). It has no body, so it
    /// can never be sent, edited or re-encoded; the holder can discard it.
    Unreadable {
        /// What kind of item it was.
        kind: ItemKind,
    },
}

impl Submission {
    /// Its kind.
    pub fn kind(&self) -> ItemKind {
        match self {
            Submission::CheckIn { .. } => ItemKind::CheckIn,
            Submission::AddressChange(_) => ItemKind::AddressChange,
            Submission::Unreadable { kind } => *kind,
        }
    }
}

/// Why the portal would not take an item, so the holder must act. Kept
/// with the item until the holder resends, edits or discards it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ParkReason {
    /// The portal refused the content (for example, an address its
    /// records cannot accept). `code` is the portal's stable problem code;
    /// `detail` its explanation, shown to the holder.
    Refused {
        /// The portal's problem code.
        code: String,
        /// The portal's explanation.
        detail: String,
    },
    /// The portal already holds a different submission under this item's
    /// idempotency key: sending it again cannot succeed.
    KeyConflict,
    /// The portal does not accept this wallet's requests (the card was
    /// revoked or the phone is no longer enrolled).
    NotAuthorized {
        /// The portal's problem code.
        code: String,
    },
    /// The portal answered with an HTTP status the API does not give for
    /// this request (a 204, a redirect, a 418, a 4xx that is not a problem
    /// document). It may have recorded the item, so it can only be sent
    /// again under the same key.
    UnexpectedAnswer {
        /// The HTTP status.
        status: u16,
    },
    /// The portal answered that it recorded the item, but its receipt
    /// breaks the API (no `CI-`/`AC-XXXX-XXXX` reference of the item's
    /// kind): the item does not count as sent, and can only be sent again
    /// under the same key.
    InvalidReceipt,
    /// The item could not be read back from the phone's storage, so it can
    /// never be sent: the holder discards it and submits it again. Set by
    /// the store, never by the portal.
    Unreadable,
    /// The portal's earlier answer about this item could not be read back
    /// from the phone's storage. What it said is unknown, so the item may
    /// be at the court: it can only be sent again under its key, which the
    /// portal answers as it did before. Never stored; the store shows it in
    /// place of a reason it cannot read.
    AnswerUnreadable,
}

impl ParkReason {
    /// A stable snake_case code for the reason.
    pub fn code(&self) -> &str {
        match self {
            ParkReason::Refused { code, .. } | ParkReason::NotAuthorized { code } => code,
            ParkReason::KeyConflict => "idempotency_key_conflict",
            ParkReason::UnexpectedAnswer { .. } => "unexpected_answer",
            ParkReason::InvalidReceipt => "invalid_receipt",
            ParkReason::Unreadable => "stored_item_unreadable",
            ParkReason::AnswerUnreadable => "stored_answer_unreadable",
        }
    }

    /// What the holder should read and do.
    pub fn message(&self) -> String {
        match self {
            ParkReason::Refused { detail, .. } => format!(
                "The court's system did not accept this: {detail}. Correct it and send it again, or discard it."
            ),
            ParkReason::KeyConflict => "The court's system already has a different version of this. Discard it and submit it again.".to_owned(),
            ParkReason::NotAuthorized { .. } => "The court's system no longer accepts this phone. Contact your case officer; this item is kept until then.".to_owned(),
            ParkReason::UnexpectedAnswer { status } => format!(
                "The court's system gave an answer this app does not expect (HTTP {status}); it may have received this. Send it again later; it will not be counted twice."
            ),
            ParkReason::InvalidReceipt => "The court's system answered without a valid receipt; it may have received this. Send it again later; it will not be counted twice.".to_owned(),
            ParkReason::Unreadable => "This item could not be read back from the phone's storage, so it cannot be sent. Discard it and submit it again.".to_owned(),
            ParkReason::AnswerUnreadable => "The court's answer about this item could not be read back from the phone's storage. Send it again: the court will answer as it did before.".to_owned(),
        }
    }
}

/// Where an item is in its delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemState {
    /// Waiting to be sent (now, or after a backoff).
    Queued,
    /// A send is in flight. After a crash it goes back to `Queued`; the
    /// idempotency key makes the second send safe.
    Sending,
    /// The portal confirmed it. Kept as the holder's history.
    Sent,
    /// The portal refused it; the holder must edit, resend or discard it.
    NeedsAttention(ParkReason),
}

impl ItemState {
    /// The stable code (`queued`, `sending`, `sent`, `needs_attention`).
    pub fn code(&self) -> &'static str {
        match self {
            ItemState::Queued => "queued",
            ItemState::Sending => "sending",
            ItemState::Sent => "sent",
            ItemState::NeedsAttention(_) => "needs_attention",
        }
    }
}

/// The portal's confirmation of a delivered item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// When the portal recorded it, by the portal's clock.
    pub received_at: Timestamp,
    /// The portal's reference for it, if it gave one.
    pub reference: Option<String>,
}

/// One item of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// The wallet's number for it.
    pub id: ItemId,
    /// The idempotency key (a UUIDv7) the portal deduplicates by.
    pub idempotency_key: String,
    /// What was submitted.
    pub submission: Submission,
    /// The version of the body's format.
    pub format_version: u32,
    /// The exact request body, made once at enqueue and sent verbatim on
    /// every attempt, so a retry is byte-identical even across app updates.
    /// Empty for an [`Submission::Unreadable`] item, which the store never
    /// hands out to be sent.
    pub body: Vec<u8>,
    /// When the holder submitted it.
    pub created_at: Timestamp,
    /// Where it is.
    pub state: ItemState,
    /// How many sends were started.
    pub attempts: u32,
    /// When the next send may start (queued items only).
    pub next_attempt_at: Option<Timestamp>,
    /// The code of the last failed attempt, if any (for the holder's
    /// "why is this still waiting").
    pub last_failure: Option<String>,
    /// When the portal confirmed it.
    pub sent_at: Option<Timestamp>,
    /// The portal's receipt.
    pub receipt: Option<Receipt>,
    /// The item is `sent` but its stored receipt could not be read back
    /// from the phone's storage (`receipt` is then `None`).
    pub receipt_unreadable: bool,
    /// An earlier address change that must go first; this one waits for it
    /// (address changes are delivered strictly in order).
    pub blocked_by: Option<ItemId>,
}

impl OutboxItem {
    /// Its kind.
    pub fn kind(&self) -> ItemKind {
        self.submission.kind()
    }

    /// For an address change, where it stands against the court's 5-day
    /// deadline on `today` (the holder's local date), counting it as met on
    /// the day it was sent in the holder's `time_zone`. `None` for a
    /// check-in, and for an item whose content could not be read back.
    pub fn deadline(&self, today: Date, time_zone: &TimeZone) -> Option<DeadlineStatus> {
        let Submission::AddressChange(change) = &self.submission else {
            return None;
        };
        let sent_on = self
            .sent_at
            .map(|sent| sent.to_zoned(time_zone.clone()).date());
        Some(change.status(today, sent_on))
    }
}
