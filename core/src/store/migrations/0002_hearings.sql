-- Version 2: the hearing cache. One sealed list, replaced whole on each
-- refresh so a reader never sees half of one.

CREATE TABLE hearing_cache (
    slot            INTEGER PRIMARY KEY CHECK (slot = 1),
    hearings_sealed BLOB NOT NULL,
    etag            TEXT,
    fetched_at      INTEGER NOT NULL
) STRICT;
