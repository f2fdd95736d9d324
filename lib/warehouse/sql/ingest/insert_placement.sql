-- Append the validated rows registered as ingest_rows (ids and batch already assigned).
INSERT INTO placement (placement_id, year, region_code, sector_code, sex, age_band, is_demo,
                       batch_id)
SELECT placement_id, year, region_code, sector_code, sex, age_band, is_demo, batch_id
FROM ingest_rows;
