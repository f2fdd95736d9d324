-- How many rows each table of the state store holds (the manifest of a backup). Every table
-- of sql/state/schema.sql is here (tests/ops/test_backup.py checks it); it is read on a copy
-- brought to the current schema, so a store of an older version counts its new tables as empty.
SELECT 'audit_event' AS table_name, count(*) AS row_count FROM audit_event
UNION ALL SELECT 'publication', count(*) FROM publication
UNION ALL SELECT 'scenario', count(*) FROM scenario
UNION ALL SELECT 'scenario_share', count(*) FROM scenario_share
UNION ALL SELECT 'sign_in_attempt', count(*) FROM sign_in_attempt;
