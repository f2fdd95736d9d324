-- Committed batches of the file's kind, each with how many of its rows the file (registered as
-- ingest_rows) holds too: rows compared whole, a row counted as often as it appears.
SELECT b.batch_id, b.file_name, b.imported_by, b.imported_at, b.row_count AS batch_rows,
       b.row_count - (
           SELECT count(*) FROM (
               SELECT beneficiary_id, placement_id, visit_date, status_code, reason_code
               FROM follow_up WHERE batch_id = b.batch_id
               EXCEPT ALL
               SELECT beneficiary_id, placement_id, CAST(visit_date AS DATE), status_code,
                      reason_code
               FROM ingest_rows
           )
       ) AS shared
FROM import_batch b
WHERE b.kind = $kind AND b.status = 'committed'
ORDER BY b.batch_id;
