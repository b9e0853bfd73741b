-- Version 2: one binding per phone, and idempotency per holder.
--
-- A wallet replaced by a later enrollment, or reported lost, is kept with
-- why it ended: its requests are answered `binding_revoked`, not
-- `unknown_wallet`.
ALTER TABLE wallets ADD COLUMN retired_reason TEXT
    CHECK (retired_reason IS NULL OR retired_reason IN ('replaced', 'reported_lost'));
UPDATE wallets SET retired_reason = 'replaced' WHERE retired_at IS NOT NULL;

-- Idempotency keys are scoped to the holder rather than to one phone: a
-- holder whose phone lost its key re-enrolls and sends the same queued
-- items again, under their original keys, from the new binding; an item
-- the old binding already delivered is answered as it was then.
CREATE TABLE submissions_by_holder (
    id               INTEGER PRIMARY KEY,
    holder_id        INTEGER NOT NULL REFERENCES holders (id),
    wallet_key_id    TEXT    NOT NULL REFERENCES wallets (key_id),
    idempotency_key  TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('check_in', 'address_change')),
    body             BLOB    NOT NULL,
    body_sha256      BLOB    NOT NULL CHECK (length(body_sha256) = 32),
    status           INTEGER NOT NULL CHECK (status IN (201, 422)),
    response         BLOB    NOT NULL,
    reference        TEXT    UNIQUE,
    received_at      INTEGER NOT NULL,
    UNIQUE (holder_id, idempotency_key),
    CHECK ((status = 201) = (reference IS NOT NULL))
) STRICT;

INSERT INTO submissions_by_holder (id, holder_id, wallet_key_id, idempotency_key, kind, body,
                                   body_sha256, status, response, reference, received_at)
SELECT s.id, w.holder_id, s.wallet_key_id, s.idempotency_key, s.kind, s.body,
       s.body_sha256, s.status, s.response, s.reference, s.received_at
FROM submissions s JOIN wallets w ON w.key_id = s.wallet_key_id;

DROP TABLE submissions;
ALTER TABLE submissions_by_holder RENAME TO submissions;
