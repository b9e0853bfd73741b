//! The outbox's rows and its delivery rules (docs/ARCHITECTURE.md,
//! "Outbox"):
//!
//! - FIFO: the next item to send is the oldest one that is due;
//! - address changes go strictly in order: while an earlier address change
//!   is unsent (queued, in backoff, sending or parked), later ones wait,
//!   and [`OutboxItem::blocked_by`] says which one they wait for;
//! - a failed send goes back to the queue with exponential backoff and
//!   full jitter, never sooner than the portal's `Retry-After`;
//! - a refused send is parked with its reason until the holder acts;
//! - a send interrupted by a crash is queued again when the store opens.
//!
//! A row whose sealed columns do not read back (a damaged sector, a bad
//! write) is that item's problem, never the outbox's: it is listed with
//! what is in the clear (id, kind, times, state), an unreadable body as
//! [`Submission::Unreadable`] (shown parked, [`ParkReason::Unreadable`]),
//! an unreadable park reason as [`ParkReason::AnswerUnreadable`] and an
//! unreadable receipt as [`OutboxItem::receipt_unreadable`]; `claim_next`
//! parks an item it cannot send and takes the next one, in the same
//! transaction. Such an item still holds later address changes until the
//! holder discards it.
//!
//! Editing and discarding follow one rule: the wallet never rewrites or
//! drops an item the portal might already hold. So they are allowed only
//! before the first send starts (the key is kept: the portal has never
//! seen it; an attempt that found no connection does not count) or after
//! the portal refused the item's content or key (the key is renewed for an
//! edit: the portal keeps its refusal under the old key). An item whose
//! delivery is in doubt — including one parked as not authorised after an
//! earlier attempt whose answer was lost — can only be sent again, with
//! the same key, which the portal answers as it answered the first time.
//! The one exception is an item whose body cannot be read back: it can
//! never be sent again, so it may be discarded whatever its history.

use super::{Store, StoreError, from_sql_time, to_sql_time};
use crate::outbox::{
    AddressChange, BODY_FORMAT_VERSION, CheckIn, ItemId, ItemKind, ItemState, OutboxItem,
    ParkReason, Receipt, Submission, body,
};
use jiff::{SignedDuration, Timestamp};
use rusqlite::{OptionalExtension, Row, Transaction, TransactionBehavior, params};

const ITEM_COLUMNS: &str = "id, idempotency_key, kind, format_version, body_sealed, created_at, \
     state, attempts, next_attempt_at, last_failure, reason_sealed, sent_at, receipt_sealed";

/// The ordering rule, in one place: a queued item (aliased `item`) may go
/// unless it is an address change with an earlier address change still
/// unsent.
macro_rules! may_go {
    () => {
        "state = 'queued'
           AND (kind = 'check_in' OR NOT EXISTS (
                 SELECT 1 FROM outbox AS earlier
                 WHERE earlier.kind = 'address_change' AND earlier.state != 'sent'
                   AND earlier.id < item.id))"
    };
}

/// The oldest item that may go and is due at `?1`.
const NEXT_DUE: &str = concat!(
    "SELECT id FROM outbox AS item WHERE next_attempt_at <= ?1 AND ",
    may_go!(),
    " ORDER BY id LIMIT 1"
);

/// The earliest due time among items that may go.
const EARLIEST_DUE: &str = concat!(
    "SELECT min(next_attempt_at) FROM outbox AS item WHERE ",
    may_go!()
);

/// Why an edit or discard is refused for an item whose delivery is in
/// doubt.
const IN_DOUBT: &str =
    "it may already have reached the court; it will be sent again until the court confirms it";

/// Why an edit, resend or discard is refused for an item whose body
/// cannot be read back.
const UNREADABLE: &str = "it could not be read back from the phone's storage, so it can never be sent; discard it and submit it again";

/// Whether the portal may hold a parked item (whose body reads back). A
/// refusal of its content (`Refused`) or of its key (`KeyConflict`) is the
/// portal's definite answer about this key. `NotAuthorized` only says the
/// portal did not take *this* request: an earlier attempt whose answer was
/// lost may have reached it. An answer outside the API
/// (`UnexpectedAnswer`, `InvalidReceipt`) says nothing definite, nor does
/// an answer that cannot be read back. An item parked as unreadable was
/// held back before its next attempt, so only an earlier attempt could
/// have reached the portal.
fn may_be_held(reason: &ParkReason, attempts: u32) -> bool {
    match reason {
        ParkReason::NotAuthorized { .. } => attempts > 1,
        ParkReason::UnexpectedAnswer { .. }
        | ParkReason::InvalidReceipt
        | ParkReason::AnswerUnreadable => true,
        ParkReason::Unreadable => attempts > 0,
        ParkReason::Refused { .. } | ParkReason::KeyConflict => false,
    }
}

fn unreadable(item: &OutboxItem) -> bool {
    matches!(item.submission, Submission::Unreadable { .. })
}

/// A stored row before its sealed columns are opened.
struct RawItem {
    id: i64,
    key: String,
    kind: String,
    format_version: i64,
    body: Vec<u8>,
    created_at: i64,
    state: String,
    attempts: i64,
    next_attempt_at: Option<i64>,
    last_failure: Option<String>,
    reason: Option<Vec<u8>>,
    sent_at: Option<i64>,
    receipt: Option<Vec<u8>>,
}

impl RawItem {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(RawItem {
            id: row.get(0)?,
            key: row.get(1)?,
            kind: row.get(2)?,
            format_version: row.get(3)?,
            body: row.get(4)?,
            created_at: row.get(5)?,
            state: row.get(6)?,
            attempts: row.get(7)?,
            next_attempt_at: row.get(8)?,
            last_failure: row.get(9)?,
            reason: row.get(10)?,
            sent_at: row.get(11)?,
            receipt: row.get(12)?,
        })
    }
}

/// The sealing context of a body: its key, kind and format, so a body
/// cannot be moved to another item or read as another kind.
fn body_row(key: &str, kind: ItemKind, version: u32) -> Vec<u8> {
    format!("{key}/{}/{version}", kind.code()).into_bytes()
}

fn id_row(id: i64) -> Vec<u8> {
    id.to_string().into_bytes()
}

fn new_idempotency_key() -> String {
    uuid::Uuid::now_v7().hyphenated().to_string()
}

impl Store {
    /// Queues a check-in made now. It is on disk when this returns.
    pub fn enqueue_check_in(
        &mut self,
        check_in: CheckIn,
        now: Timestamp,
    ) -> Result<OutboxItem, StoreError> {
        self.enqueue(
            Submission::CheckIn {
                checked_in_at: now,
                check_in,
            },
            now,
        )
    }

    /// Queues an address change. It is on disk when this returns.
    pub fn enqueue_address_change(
        &mut self,
        change: AddressChange,
        now: Timestamp,
    ) -> Result<OutboxItem, StoreError> {
        self.enqueue(Submission::AddressChange(change), now)
    }

    /// Queues a submission under a new idempotency key, due now.
    pub fn enqueue(
        &mut self,
        submission: Submission,
        now: Timestamp,
    ) -> Result<OutboxItem, StoreError> {
        self.writable()?;
        let key = new_idempotency_key();
        let kind = submission.kind();
        let body = body::encode(&submission).map_err(|e| StoreError::Database(e.to_string()))?;
        let sealed = self.seal(
            "outbox.body",
            &body_row(&key, kind, BODY_FORMAT_VERSION),
            &body,
        )?;
        let time = to_sql_time(now);
        self.conn.execute(
            "INSERT INTO outbox (idempotency_key, kind, format_version, body_sealed, created_at,
                                 state, attempts, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued', 0, ?5)",
            params![key, kind.code(), BODY_FORMAT_VERSION, sealed, time],
        )?;
        self.item(ItemId(self.conn.last_insert_rowid()))
    }

    /// The item with this number.
    pub fn item(&self, id: ItemId) -> Result<OutboxItem, StoreError> {
        let raw = self
            .conn
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE id = ?1"),
                [id.0],
                RawItem::from_row,
            )
            .optional()?
            .ok_or(StoreError::NoSuchItem(id))?;
        let blocked_by = self.blocked_by(&raw)?;
        self.open_item(raw, blocked_by)
    }

    /// Every item not yet sent, oldest first, each with the earlier address
    /// change it waits for, if any.
    pub fn pending(&self) -> Result<Vec<OutboxItem>, StoreError> {
        let raws = self.select_items(&format!(
            "SELECT {ITEM_COLUMNS} FROM outbox
             WHERE state IN ('queued', 'sending', 'needs_attention') ORDER BY id"
        ))?;
        let mut first_address_change = None;
        let mut items = Vec::with_capacity(raws.len());
        for raw in raws {
            let blocked_by = if raw.kind == ItemKind::AddressChange.code() {
                let earlier = first_address_change;
                first_address_change.get_or_insert(ItemId(raw.id));
                earlier
            } else {
                None
            };
            items.push(self.open_item(raw, blocked_by)?);
        }
        Ok(items)
    }

    /// Every item the portal confirmed, newest first: the holder's history.
    pub fn history(&self) -> Result<Vec<OutboxItem>, StoreError> {
        self.select_items(&format!(
            "SELECT {ITEM_COLUMNS} FROM outbox WHERE state = 'sent' ORDER BY sent_at DESC, id DESC"
        ))?
        .into_iter()
        .map(|raw| self.open_item(raw, None))
        .collect()
    }

    /// When the next item may be sent: the earliest due time among items
    /// the ordering rules would let go. `None` if nothing is waiting to be
    /// sent. The platform schedules its background work for this time.
    pub fn next_attempt_at(&self) -> Result<Option<Timestamp>, StoreError> {
        let next: Option<i64> = self.conn.query_row(EARLIEST_DUE, [], |row| row.get(0))?;
        next.map(from_sql_time).transpose()
    }

    /// Takes the next item to send at `now` and marks it `sending`, with
    /// one more attempt counted, in one transaction. `None` if nothing may
    /// go now. An item on the way whose body cannot be read back is parked
    /// ([`ParkReason::Unreadable`]) in the same transaction, and the next
    /// one is taken instead.
    pub fn claim_next(&mut self, now: Timestamp) -> Result<Option<OutboxItem>, StoreError> {
        self.writable()?;
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let claimed = loop {
            let id: Option<i64> = tx
                .query_row(NEXT_DUE, [to_sql_time(now)], |row| row.get(0))
                .optional()?;
            let Some(id) = id else {
                break None;
            };
            let raw = tx.query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                RawItem::from_row,
            )?;
            if self.read_body(&raw).is_some() {
                tx.execute(
                    "UPDATE outbox SET state = 'sending', attempts = attempts + 1,
                         next_attempt_at = NULL
                     WHERE id = ?1",
                    [id],
                )?;
                break Some(id);
            }
            let reason = serde_json::to_vec(&ParkReason::Unreadable)
                .map_err(|e| StoreError::Database(e.to_string()))?;
            let sealed = self.seal("outbox.reason", &id_row(id), &reason)?;
            tx.execute(
                "UPDATE outbox SET state = 'needs_attention', reason_sealed = ?2,
                     next_attempt_at = NULL
                 WHERE id = ?1",
                params![id, sealed],
            )?;
        };
        tx.commit()?;
        claimed.map(|id| self.item(ItemId(id))).transpose()
    }

    /// Records the portal's confirmation. Allowed from any unsent state:
    /// whatever the wallet thought, the portal has it. Confirming a sent
    /// item again changes nothing.
    pub fn mark_sent(
        &mut self,
        id: ItemId,
        receipt: &Receipt,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.writable()?;
        let item = self.item(id)?;
        if item.state == ItemState::Sent {
            return Ok(());
        }
        let json = serde_json::to_vec(receipt).map_err(|e| StoreError::Database(e.to_string()))?;
        let sealed = self.seal("outbox.receipt", &id_row(id.0), &json)?;
        self.conn.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?2, receipt_sealed = ?3,
                 next_attempt_at = NULL, reason_sealed = NULL
             WHERE id = ?1 AND state != 'sent'",
            params![id.0, to_sql_time(now), sealed],
        )?;
        Ok(())
    }

    /// Records a send that failed in a way worth retrying (no network, a
    /// timeout, a 5xx, a 429), and puts the item back in the queue after a
    /// backoff. Returns when it is due again. Does nothing to an item that
    /// is no longer `sending` (returns `None`).
    pub fn mark_failed(
        &mut self,
        id: ItemId,
        failure_code: &str,
        retry_after: Option<SignedDuration>,
        now: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.writable()?;
        let item = self.item(id)?;
        if item.state != ItemState::Sending {
            return Ok(None);
        }
        let due = self.backoff_due(item.attempts, retry_after, now)?;
        self.conn.execute(
            "UPDATE outbox SET state = 'queued', next_attempt_at = ?2, last_failure = ?3
             WHERE id = ?1 AND state = 'sending'",
            params![id.0, to_sql_time(due), failure_code],
        )?;
        Ok(Some(due))
    }

    /// Puts back an item whose request never left the phone (no
    /// connection could be made): `queued` again, the claim's attempt
    /// not counted (it stays editable and discardable if it was before),
    /// due after the backoff its next attempt would get. Does nothing to
    /// an item that is no longer `sending` (returns `None`).
    pub fn release_unsent(
        &mut self,
        id: ItemId,
        failure_code: &str,
        now: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.writable()?;
        let item = self.item(id)?;
        if item.state != ItemState::Sending {
            return Ok(None);
        }
        let due = self.backoff_due(item.attempts, None, now)?;
        self.conn.execute(
            "UPDATE outbox SET state = 'queued', attempts = max(attempts - 1, 0),
                 next_attempt_at = ?2, last_failure = ?3
             WHERE id = ?1 AND state = 'sending'",
            params![id.0, to_sql_time(due), failure_code],
        )?;
        Ok(Some(due))
    }

    /// Parks an item the portal refused, with the reason the holder will
    /// see. Only a `sending` item can be refused.
    pub fn park(&mut self, id: ItemId, reason: &ParkReason) -> Result<(), StoreError> {
        self.writable()?;
        let item = self.item(id)?;
        if item.state != ItemState::Sending {
            return Err(StoreError::NotAllowed {
                id,
                action: "parked",
                why: "only an item being sent can be refused",
            });
        }
        let json = serde_json::to_vec(reason).map_err(|e| StoreError::Database(e.to_string()))?;
        let sealed = self.seal("outbox.reason", &id_row(id.0), &json)?;
        self.conn.execute(
            "UPDATE outbox SET state = 'needs_attention', reason_sealed = ?2, next_attempt_at = NULL
             WHERE id = ?1 AND state = 'sending'",
            params![id.0, sealed],
        )?;
        Ok(())
    }

    /// Sends an item again as soon as possible, with the same idempotency
    /// key: a parked item goes back in the queue; a queued one in backoff
    /// becomes due now.
    pub fn resend(&mut self, id: ItemId, now: Timestamp) -> Result<OutboxItem, StoreError> {
        self.writable()?;
        let item = self.item(id)?;
        match item.state {
            ItemState::Queued | ItemState::NeedsAttention(_) => {}
            ItemState::Sending => return Err(not_allowed(id, "resent", "it is being sent now")),
            ItemState::Sent => {
                return Err(not_allowed(id, "resent", "the court already has it"));
            }
        }
        if unreadable(&item) {
            return Err(not_allowed(id, "resent", UNREADABLE));
        }
        self.conn.execute(
            "UPDATE outbox SET state = 'queued', next_attempt_at = ?2, reason_sealed = NULL
             WHERE id = ?1",
            params![id.0, to_sql_time(now)],
        )?;
        self.item(id)
    }

    /// Queues again, due now and under their own keys, the items the
    /// portal turned away as not authorised (the phone's binding had
    /// ended, or its key was not enrolled): called once this wallet is
    /// enrolled again, so that the new binding delivers them. Returns how
    /// many.
    pub fn requeue_not_authorized(&mut self, now: Timestamp) -> Result<usize, StoreError> {
        let refused: Vec<ItemId> = self
            .pending()?
            .into_iter()
            .filter(|item| {
                matches!(
                    item.state,
                    ItemState::NeedsAttention(ParkReason::NotAuthorized { .. })
                )
            })
            .map(|item| item.id)
            .collect();
        for id in &refused {
            self.resend(*id, now)?;
        }
        Ok(refused.len())
    }

    /// Makes every queued item waiting out a backoff due at `now`: the
    /// holder asked to send now. Returns how many were waiting.
    pub fn expedite(&mut self, now: Timestamp) -> Result<usize, StoreError> {
        self.writable()?;
        Ok(self.conn.execute(
            "UPDATE outbox SET next_attempt_at = ?1 WHERE state = 'queued' AND next_attempt_at > ?1",
            [to_sql_time(now)],
        )?)
    }

    /// Replaces what an item says (same kind only) and queues it. Allowed
    /// before its first send (key kept) or after the portal refused it
    /// (key renewed); see the module's rule.
    pub fn edit(
        &mut self,
        id: ItemId,
        submission: Submission,
        now: Timestamp,
    ) -> Result<OutboxItem, StoreError> {
        self.writable()?;
        let item = self.item(id)?;
        if item.kind() != submission.kind() {
            return Err(StoreError::WrongKind(id));
        }
        let key = match item.state {
            ItemState::Sending => return Err(not_allowed(id, "edited", "it is being sent now")),
            ItemState::Sent => return Err(not_allowed(id, "edited", "the court already has it")),
            // Its content is unknown, so no edit can be judged against it.
            _ if unreadable(&item) => return Err(not_allowed(id, "edited", UNREADABLE)),
            ItemState::Queued if item.attempts == 0 => item.idempotency_key,
            ItemState::NeedsAttention(ref reason) if may_be_held(reason, item.attempts) => {
                return Err(not_allowed(id, "edited", IN_DOUBT));
            }
            ItemState::NeedsAttention(_) => new_idempotency_key(),
            ItemState::Queued => return Err(not_allowed(id, "edited", IN_DOUBT)),
        };
        let body = body::encode(&submission)
            .map_err(|error| StoreError::StoredItemInvalid { id, error })?;
        let sealed = self.seal(
            "outbox.body",
            &body_row(&key, submission.kind(), BODY_FORMAT_VERSION),
            &body,
        )?;
        self.conn.execute(
            "UPDATE outbox SET idempotency_key = ?2, format_version = ?3, body_sealed = ?4,
                 state = 'queued', attempts = 0, next_attempt_at = ?5, reason_sealed = NULL,
                 last_failure = NULL
             WHERE id = ?1",
            params![id.0, key, BODY_FORMAT_VERSION, sealed, to_sql_time(now)],
        )?;
        self.item(id)
    }

    /// Deletes an item the holder no longer wants sent. Allowed before its
    /// first send or after the portal refused it; see the module's rule.
    pub fn discard(&mut self, id: ItemId) -> Result<(), StoreError> {
        self.writable()?;
        let item = self.item(id)?;
        match item.state {
            ItemState::Sending => {
                return Err(not_allowed(id, "discarded", "it is being sent now"));
            }
            ItemState::Sent => {
                return Err(not_allowed(id, "discarded", "the court already has it"));
            }
            // It can never be sent again, whatever reached the portal
            // before: keeping it protects nothing, and it would hold later
            // address changes for ever.
            _ if unreadable(&item) => {}
            ItemState::Queued if item.attempts == 0 => {}
            ItemState::NeedsAttention(ref reason) if may_be_held(reason, item.attempts) => {
                return Err(not_allowed(id, "discarded", IN_DOUBT));
            }
            ItemState::NeedsAttention(_) => {}
            ItemState::Queued => return Err(not_allowed(id, "discarded", IN_DOUBT)),
        }
        self.conn
            .execute("DELETE FROM outbox WHERE id = ?1", [id.0])?;
        Ok(())
    }

    /// When an item after `attempts` attempts is due again: the jittered
    /// backoff, never before `retry_after`.
    fn backoff_due(
        &self,
        attempts: u32,
        retry_after: Option<SignedDuration>,
        now: Timestamp,
    ) -> Result<Timestamp, StoreError> {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|_| StoreError::Random)?;
        let delay = self
            .retry
            .delay(attempts, retry_after, u64::from_le_bytes(random));
        // Times are stored in whole seconds: round up, never earlier than
        // the backoff or the portal's Retry-After.
        let due = now.saturating_add(delay).unwrap_or(now);
        from_sql_time(due.as_second() + i64::from(due.subsec_nanosecond() > 0))
    }

    /// Puts items whose send was interrupted (the app was killed while
    /// `sending`) back in the queue, due now. Their attempt stays counted.
    pub(super) fn requeue_interrupted(&self) -> Result<usize, StoreError> {
        self.writable()?;
        Ok(self.conn.execute(
            "UPDATE outbox SET state = 'queued', next_attempt_at = ?1, last_failure = 'interrupted'
             WHERE state = 'sending'",
            [to_sql_time(Timestamp::now())],
        )?)
    }

    fn select_items(&self, sql: &str) -> Result<Vec<RawItem>, StoreError> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement
            .query_map([], RawItem::from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn blocked_by(&self, raw: &RawItem) -> Result<Option<ItemId>, StoreError> {
        if raw.kind != ItemKind::AddressChange.code() || raw.state == "sent" {
            return Ok(None);
        }
        let earlier: Option<i64> = self.conn.query_row(
            "SELECT min(id) FROM outbox
             WHERE kind = 'address_change' AND state != 'sent' AND id < ?1",
            [raw.id],
            |row| row.get(0),
        )?;
        Ok(earlier.map(ItemId))
    }

    /// The item as the holder sees it. Only what SQL's constraints make
    /// impossible is an error here; a sealed column that does not read
    /// back is shown as this item's damage (see the module's rules).
    fn open_item(
        &self,
        raw: RawItem,
        blocked_by: Option<ItemId>,
    ) -> Result<OutboxItem, StoreError> {
        let id = ItemId(raw.id);
        let damaged = |what: &str| StoreError::Corrupt {
            detail: format!("outbox item {id} has an invalid {what}"),
        };
        let kind = ItemKind::from_code(&raw.kind).ok_or_else(|| damaged("kind"))?;
        let format_version =
            u32::try_from(raw.format_version).map_err(|_| damaged("format version"))?;
        let (submission, body) = self
            .read_body(&raw)
            .unwrap_or((Submission::Unreadable { kind }, Vec::new()));
        let readable = !matches!(submission, Submission::Unreadable { .. });
        let mut next_attempt_at = raw.next_attempt_at.map(from_sql_time).transpose()?;
        let state = match (raw.state.as_str(), &raw.reason) {
            ("sending", _) => ItemState::Sending,
            ("sent", _) => ItemState::Sent,
            // Never sendable: shown parked now, as the next drain parks it.
            ("queued" | "needs_attention", _) if !readable => {
                next_attempt_at = None;
                ItemState::NeedsAttention(ParkReason::Unreadable)
            }
            ("queued", _) => ItemState::Queued,
            ("needs_attention", Some(sealed)) => ItemState::NeedsAttention(
                self.read_sealed_json("outbox.reason", raw.id, sealed)
                    .unwrap_or(ParkReason::AnswerUnreadable),
            ),
            _ => return Err(damaged("state")),
        };
        let receipt = raw
            .receipt
            .as_ref()
            .map(|sealed| self.read_sealed_json::<Receipt>("outbox.receipt", raw.id, sealed));
        Ok(OutboxItem {
            id,
            idempotency_key: raw.key,
            submission,
            format_version,
            body,
            created_at: from_sql_time(raw.created_at)?,
            state,
            attempts: u32::try_from(raw.attempts).map_err(|_| damaged("attempt count"))?,
            next_attempt_at,
            last_failure: raw.last_failure,
            sent_at: raw.sent_at.map(from_sql_time).transpose()?,
            receipt_unreadable: matches!(receipt, Some(None)),
            receipt: receipt.flatten(),
            blocked_by,
        })
    }

    /// The submission and the exact body of a row, or `None` if its sealed
    /// body does not open or does not decode: then it can never be sent.
    fn read_body(&self, raw: &RawItem) -> Option<(Submission, Vec<u8>)> {
        let kind = ItemKind::from_code(&raw.kind)?;
        let version = u32::try_from(raw.format_version).ok()?;
        let body = self
            .open_sealed("outbox.body", &body_row(&raw.key, kind, version), &raw.body)
            .ok()?
            .to_vec();
        let submission = body::decode(kind, version, &body).ok()?;
        Some((submission, body))
    }

    /// A sealed JSON column of row `id`, or `None` if it does not read back.
    fn read_sealed_json<T: serde::de::DeserializeOwned>(
        &self,
        column: &'static str,
        id: i64,
        sealed: &[u8],
    ) -> Option<T> {
        let json = self.open_sealed(column, &id_row(id), sealed).ok()?;
        serde_json::from_slice(&json).ok()
    }
}

fn not_allowed(id: ItemId, action: &'static str, why: &'static str) -> StoreError {
    StoreError::NotAllowed { id, action, why }
}
