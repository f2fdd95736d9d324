-- How many rows one table of the warehouse holds (the manifest of a backup).
SELECT count(*) AS row_count FROM query_table($table_name);
