-- Warehouses built before migrations were recorded lack this table.
CREATE TABLE IF NOT EXISTS schema_migration (
    name       VARCHAR PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);
