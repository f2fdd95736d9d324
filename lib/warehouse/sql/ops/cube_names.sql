-- The pre-aggregated tables (the cubes every dashboard query reads).
SELECT table_name
FROM duckdb_tables()
WHERE starts_with(table_name, 'agg_')
ORDER BY table_name;
