-- The committed (not rolled back) batch that imported a file with this SHA-256, if any.
SELECT batch_id, kind, file_name, imported_by, imported_at
FROM import_batch
WHERE sha256 = $sha256 AND status = 'committed'
ORDER BY batch_id
LIMIT 1;
