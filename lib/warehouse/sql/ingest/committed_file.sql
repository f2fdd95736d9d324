-- The committed (not rolled back) batch that imported this file (same SHA-256) and the same
-- sheet of it (NULL for a CSV), if any.
SELECT batch_id, kind, file_name, imported_by, imported_at
FROM import_batch
WHERE sha256 = $sha256 AND sheet IS NOT DISTINCT FROM $sheet AND status = 'committed'
ORDER BY batch_id
LIMIT 1;
