-- The file's rows (registered as ingest_rows) that the given batches do not already hold, a
-- row counted as often as it appears: what "import only the new rows" adds.
SELECT programme_year, region_code, sector_code, sex, age_band, support_type, grant_mad,
           is_moussalaha, is_former_cpe, is_royal_handover
FROM ingest_rows
EXCEPT ALL
SELECT programme_year, region_code, sector_code, sex, age_band, support_type, grant_mad,
           is_moussalaha, is_former_cpe, is_royal_handover FROM beneficiary WHERE list_contains($batch_ids, batch_id);
