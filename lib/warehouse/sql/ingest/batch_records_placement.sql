-- The records of the given batches, as a file would hold them (what replacing them removes).
SELECT year, region_code, sector_code, sex, age_band FROM placement WHERE list_contains($batch_ids, batch_id);
