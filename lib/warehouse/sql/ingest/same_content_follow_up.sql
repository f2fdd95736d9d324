-- How many rows of the file (registered as ingest_rows) a batch does not hold: 0 means the same.
SELECT count(*) AS differing
FROM (
    SELECT beneficiary_id, placement_id, CAST(visit_date AS DATE), status_code, reason_code
    FROM ingest_rows
    EXCEPT ALL
    SELECT beneficiary_id, placement_id, visit_date, status_code, reason_code
    FROM follow_up
    WHERE batch_id = $batch_id
);
