-- The file's rows (registered as ingest_rows) that the given batches do not already hold, a
-- row counted as often as it appears: what "import only the new rows" adds.
SELECT CAST(intervention_date AS DATE) AS intervention_date, centre_id, region_code, type_code, sex
FROM ingest_rows
EXCEPT ALL
SELECT intervention_date, centre_id, region_code, type_code, sex FROM intervention WHERE list_contains($batch_ids, batch_id);
