-- Version 1: holders (one per printed card), the wallets bound to them,
-- request nonces, and the submissions received.
--
-- Times are Unix seconds. STRICT tables and CHECK constraints make
-- impossible states unstorable.

CREATE TABLE holders (
    id               INTEGER PRIMARY KEY,
    -- Card number, XXXX-XXXX.
    serial           TEXT    NOT NULL UNIQUE,
    -- The static SC1 payload of the printed card, byte for byte: an
    -- enrollment must present exactly these bytes.
    printed_card     BLOB    NOT NULL,
    photo            BLOB    NOT NULL,
    -- SHA-256(code_salt || code bytes); the code itself is never stored.
    code_salt        BLOB    NOT NULL CHECK (length(code_salt) = 16),
    code_hash        BLOB    NOT NULL CHECK (length(code_hash) = 32),
    code_issued_at   INTEGER NOT NULL,
    code_expires_at  INTEGER NOT NULL,
    -- The keyid of the wallet that used the code (NULL: unused).
    code_used_by     TEXT    CHECK (code_used_by IS NULL OR length(code_used_by) = 64),
    failed_attempts  INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts BETWEEN 0 AND 5),
    locked           INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    -- The hearing list exactly as served, and its entity tag.
    hearings         TEXT    NOT NULL,
    hearings_etag    TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE wallets (
    -- Hex SHA-256 of the compressed device key (the signature keyid).
    key_id       TEXT    PRIMARY KEY CHECK (length(key_id) = 64),
    holder_id    INTEGER NOT NULL REFERENCES holders (id),
    -- Compressed SEC1, hex.
    device_key   TEXT    NOT NULL,
    -- The bound card as issued, static SC1 text.
    bound_card   TEXT    NOT NULL,
    enrolled_at  INTEGER NOT NULL,
    -- Set when a later enrollment of the same holder replaced this wallet.
    retired_at   INTEGER
) STRICT;

CREATE INDEX wallets_by_holder ON wallets (holder_id);

-- Nonces of verified request signatures, kept for twice the allowed clock
-- skew: a signature older than that is refused as stale anyway.
CREATE TABLE nonces (
    key_id   TEXT    NOT NULL,
    nonce    TEXT    NOT NULL,
    seen_at  INTEGER NOT NULL,
    PRIMARY KEY (key_id, nonce)
) STRICT, WITHOUT ROWID;

CREATE INDEX nonces_by_age ON nonces (seen_at);

-- Every first answer to an (wallet, Idempotency-Key), accepted or refused,
-- so that a repeat gets the same answer.
CREATE TABLE submissions (
    id               INTEGER PRIMARY KEY,
    wallet_key_id    TEXT    NOT NULL REFERENCES wallets (key_id),
    idempotency_key  TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('check_in', 'address_change')),
    body             BLOB    NOT NULL,
    body_sha256      BLOB    NOT NULL CHECK (length(body_sha256) = 32),
    status           INTEGER NOT NULL CHECK (status IN (201, 422)),
    response         BLOB    NOT NULL,
    -- CI-XXXX-XXXX or AC-XXXX-XXXX for an accepted item, NULL otherwise.
    reference        TEXT    UNIQUE,
    received_at      INTEGER NOT NULL,
    UNIQUE (wallet_key_id, idempotency_key),
    CHECK ((status = 201) = (reference IS NOT NULL))
) STRICT;
