-- Every attempt to publish the public snapshot (see schema.sql).
CREATE TABLE IF NOT EXISTS publication (
    publication_id INTEGER PRIMARY KEY,
    attempted_at   TIMESTAMP NOT NULL,
    status         VARCHAR NOT NULL CHECK (status IN ('published', 'refused')),
    reason         VARCHAR,
    detail         VARCHAR,
    demo           BOOLEAN NOT NULL,
    threshold      INTEGER NOT NULL,
    shown          VARCHAR
);
