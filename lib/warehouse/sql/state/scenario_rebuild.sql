-- The scenario table of a store made when names were unique across authors, rebuilt with names
-- unique per author (SQLite cannot drop a constraint): same rows, same ids, and the id counter
-- kept, so that a deleted scenario's id (an old link) never names a new one. Run inside one
-- transaction by lib.warehouse.db.Store, only when state/scenario_table says it is needed.
CREATE TABLE scenario_rebuilt (
    scenario_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    inputs      TEXT NOT NULL,
    results     TEXT NOT NULL,
    UNIQUE (author, name)
);
INSERT INTO scenario_rebuilt (scenario_id, name, author, created_at, inputs, results)
SELECT scenario_id, name, author, created_at, inputs, results FROM scenario;
CREATE TEMP TABLE scenario_counter AS
SELECT coalesce(max(seq), 0) AS seq FROM sqlite_sequence WHERE name = 'scenario';
DROP TABLE scenario;
ALTER TABLE scenario_rebuilt RENAME TO scenario;
DELETE FROM sqlite_sequence WHERE name = 'scenario';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'scenario', max(seq, coalesce((SELECT max(scenario_id) FROM scenario), 0))
FROM scenario_counter;
DROP TABLE scenario_counter;
