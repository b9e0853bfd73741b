-- Version 1: the card, trust data and the outbox.
-- Columns named *_sealed hold XChaCha20-Poly1305 sealed values
-- (core/src/store/seal.rs); everything else is free of personal data.

CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE card (
    slot          INTEGER PRIMARY KEY CHECK (slot = 1),
    signed_sealed BLOB NOT NULL,
    photo_sealed  BLOB NOT NULL,
    stored_at     INTEGER NOT NULL
) STRICT;

-- Signed lists are public data and kept as received; the floor is the
-- highest sequence ever accepted, kept even when its list is gone.
CREATE TABLE trust_data (
    kind           TEXT PRIMARY KEY CHECK (kind IN ('trust_list', 'status_list')),
    list           BLOB,
    floor_sequence INTEGER NOT NULL CHECK (floor_sequence >= 0),
    floor_digest   BLOB NOT NULL CHECK (length(floor_digest) = 32)
) STRICT;

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key  TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) = 36),
    kind             TEXT NOT NULL CHECK (kind IN ('check_in', 'address_change')),
    format_version   INTEGER NOT NULL CHECK (format_version >= 1),
    body_sealed      BLOB NOT NULL,
    created_at       INTEGER NOT NULL,
    state            TEXT NOT NULL
                     CHECK (state IN ('queued', 'sending', 'sent', 'needs_attention')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  INTEGER,
    last_failure     TEXT,
    reason_sealed    BLOB,
    sent_at          INTEGER,
    receipt_sealed   BLOB,
    CHECK ((state = 'queued') = (next_attempt_at IS NOT NULL)),
    CHECK ((state = 'needs_attention') = (reason_sealed IS NOT NULL)),
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
) STRICT;

-- The drain finds queued items in order without walking the history of
-- sent ones, and an address change's earlier unsent address changes.
CREATE INDEX outbox_by_state ON outbox (state, id);
CREATE INDEX outbox_unsent ON outbox (kind, id) WHERE state != 'sent';
