-- The records of the given batches, as a file would hold them (what replacing them removes).
SELECT beneficiary_id, placement_id, visit_date, status_code, reason_code
FROM follow_up WHERE list_contains($batch_ids, batch_id);
