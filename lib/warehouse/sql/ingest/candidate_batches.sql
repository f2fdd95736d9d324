-- Committed batches of one kind and size: the only ones an identical file could repeat.
SELECT batch_id, file_name, imported_by, imported_at
FROM import_batch
WHERE kind = $kind AND status = 'committed' AND row_count = $row_count
ORDER BY batch_id;
