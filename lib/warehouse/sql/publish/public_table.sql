-- One table of the public snapshot (data/public/public.duckdb), by name.
SELECT * FROM query_table($name);
