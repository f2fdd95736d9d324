-- Append the validated rows registered as ingest_rows (ids and batch already assigned).
INSERT INTO follow_up (follow_up_id, beneficiary_id, placement_id, visit_date, status_code,
                       reason_code, is_demo, batch_id)
SELECT follow_up_id, beneficiary_id, placement_id, CAST(visit_date AS DATE), status_code,
       reason_code, is_demo, batch_id
FROM ingest_rows;
