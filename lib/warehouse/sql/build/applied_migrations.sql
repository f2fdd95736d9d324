-- The schema changes already applied to this warehouse.
SELECT name FROM schema_migration ORDER BY name;
