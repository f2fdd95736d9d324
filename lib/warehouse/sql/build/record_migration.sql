-- One schema change applied.
INSERT INTO schema_migration VALUES ($name, now()::TIMESTAMP);
