-- Every import, newest first: the audit trail the import page lists (with its rollbacks).
SELECT batch_id, kind, file_name, sheet, sha256, imported_by, imported_at, row_count, status,
       rolled_back_at, rolled_back_by
FROM import_batch
ORDER BY batch_id DESC;
