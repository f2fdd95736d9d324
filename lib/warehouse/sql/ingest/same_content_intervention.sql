-- How many rows of the file (registered as ingest_rows) a batch does not hold: 0 means the same.
SELECT count(*) AS differing
FROM (
    SELECT CAST(intervention_date AS DATE), centre_id, region_code, type_code, sex
    FROM ingest_rows
    EXCEPT ALL
    SELECT intervention_date, centre_id, region_code, type_code, sex
    FROM intervention
    WHERE batch_id = $batch_id
);
