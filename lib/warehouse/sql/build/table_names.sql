-- The tables of the warehouse (to tell an older warehouse from a current one).
SELECT table_name FROM duckdb_tables();
