-- The file's rows (registered as ingest_rows) that the given batches do not already hold, a
-- row counted as often as it appears: what "import only the new rows" adds.
SELECT beneficiary_id, placement_id, CAST(visit_date AS DATE) AS visit_date, status_code,
       reason_code
FROM ingest_rows
EXCEPT ALL
SELECT beneficiary_id, placement_id, visit_date, status_code, reason_code
FROM follow_up WHERE list_contains($batch_ids, batch_id);
