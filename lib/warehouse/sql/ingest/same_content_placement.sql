-- How many rows of the file (registered as ingest_rows) a batch does not hold: 0 means the same.
SELECT count(*) AS differing
FROM (
    SELECT year, region_code, sector_code, sex, age_band FROM ingest_rows
    EXCEPT ALL
    SELECT year, region_code, sector_code, sex, age_band FROM placement WHERE batch_id = $batch_id
);
