-- The audit record of one import, written in the same transaction as its rows.
INSERT INTO import_batch (batch_id, kind, file_name, sha256, sheet, imported_by, imported_at,
                          row_count, status, rolled_back_at, rolled_back_by)
VALUES ($batch_id, $kind, $file_name, $sha256, $sheet, $imported_by, $imported_at, $row_count,
        'committed', NULL, NULL);
