-- A new build has every migration already: record them all as applied.
INSERT INTO schema_migration SELECT unnest($names::VARCHAR[]), now()::TIMESTAMP;
