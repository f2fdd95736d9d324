-- Append the validated rows registered as ingest_rows (ids and batch already assigned).
INSERT INTO intervention (intervention_id, intervention_date, centre_id, region_code, type_code,
                          sex, is_demo, batch_id)
SELECT intervention_id, CAST(intervention_date AS DATE), centre_id, region_code, type_code, sex,
       is_demo, batch_id
FROM ingest_rows;
