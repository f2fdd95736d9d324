-- The small state every app process writes (lib.warehouse.db.Store): SQLite, WAL mode.
-- A name is unique per author, not across authors: refusing a name another author had taken
-- told anyone that a private scenario of that name existed. (A store made before keeps its
-- old table until lib.warehouse.db.Store rebuilds it: state/scenario_rebuild.)
CREATE TABLE IF NOT EXISTS scenario (
    scenario_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,  -- ISO 8601, UTC
    inputs      TEXT NOT NULL,  -- JSON: the scenario's URL form
    results     TEXT NOT NULL,  -- JSON: what it bought
    UNIQUE (author, name)
);

-- The scenarios their author shared with every signed-in user (with real records, a scenario is
-- private to its author and the administrators until then). A table of its own, not a column:
-- a store made before sharing existed gets it from this file (CREATE ... IF NOT EXISTS), with
-- no migration. Deleting a scenario deletes its row here too (state/scenario_delete).
CREATE TABLE IF NOT EXISTS scenario_share (
    scenario_id INTEGER PRIMARY KEY,
    shared_at   TEXT NOT NULL   -- ISO 8601, UTC
);

-- Every sign-in attempt, kept a day: the lock and the back-off read it, in every process.
CREATE TABLE IF NOT EXISTS sign_in_attempt (
    attempt_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    client       TEXT NOT NULL,
    attempted_at REAL NOT NULL,  -- seconds since the epoch
    outcome      TEXT NOT NULL   -- pending, ok, failed, refused
);
CREATE INDEX IF NOT EXISTS sign_in_by_name ON sign_in_attempt (name, attempted_at);
CREATE INDEX IF NOT EXISTS sign_in_by_client ON sign_in_attempt (client, attempted_at);

-- Every attempt to publish the public snapshot (lib.public.publish).
CREATE TABLE IF NOT EXISTS publication (
    publication_id INTEGER PRIMARY KEY AUTOINCREMENT,
    attempted_at   TEXT NOT NULL,  -- ISO 8601, UTC
    status         TEXT NOT NULL CHECK (status IN ('published', 'refused')),
    reason         TEXT,           -- an i18n key (publish.refused.*) when refused
    detail         TEXT,           -- what the audit found, in words (never a hidden value)
    demo           INTEGER NOT NULL,
    threshold      INTEGER NOT NULL,
    shown          TEXT            -- JSON: [[key, value], ...] of the published quantities
);

-- The audit of sign-ins (never a password): kept, unlike the attempts the back-off reads.
CREATE TABLE IF NOT EXISTS audit_event (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,  -- ISO 8601, UTC
    kind     TEXT NOT NULL,  -- sign_in, sign_in_failed, sign_in_refused, ...
    actor    TEXT NOT NULL,  -- the account name given
    client   TEXT NOT NULL,
    detail   TEXT            -- JSON
);
