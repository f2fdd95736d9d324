-- The record tables: every table whose rows come from an import (they have a batch_id;
-- published_figure, which has none, is read apart).
SELECT table_name
FROM duckdb_columns()
WHERE column_name = 'batch_id' AND table_name <> 'import_batch'
ORDER BY table_name;
