-- Records of one record table the import audit cannot account for: a batch_id no import
-- has, an imported record without a batch, a demo record with one. None in a sound warehouse.
SELECT count(*)::BIGINT AS records
FROM query_table($table_name)
WHERE (batch_id IS NULL) <> is_demo
   OR (batch_id IS NOT NULL AND batch_id NOT IN (SELECT batch_id FROM import_batch));
