-- How many records of one record table each import batch has.
SELECT batch_id, count(*)::BIGINT AS records
FROM query_table($table_name)
WHERE batch_id IS NOT NULL
GROUP BY batch_id;
