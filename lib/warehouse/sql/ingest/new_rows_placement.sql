-- The file's rows (registered as ingest_rows) that the given batches do not already hold, a
-- row counted as often as it appears: what "import only the new rows" adds.
SELECT year, region_code, sector_code, sex, age_band
FROM ingest_rows
EXCEPT ALL
SELECT year, region_code, sector_code, sex, age_band FROM placement WHERE list_contains($batch_ids, batch_id);
