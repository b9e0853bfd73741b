-- Version 3: where this wallet is enrolled and when it last reached the
-- portal. Written last during enrollment, so a wallet with a card but no
-- row here simply enrolls again (the portal answers a repeat by the same
-- key as it did the first time).

CREATE TABLE enrollment (
    slot           INTEGER PRIMARY KEY CHECK (slot = 1),
    portal_url     TEXT NOT NULL CHECK (length(portal_url) BETWEEN 1 AND 2048),
    enrolled_at    INTEGER NOT NULL,
    last_synced_at INTEGER,
    -- The issuer root pinned at enrollment, hex, only when the app has no
    -- roots built in (the desktop stand-in); an app's built-in roots win.
    trust_root     TEXT CHECK (trust_root IS NULL OR length(trust_root) = 64)
) STRICT;
