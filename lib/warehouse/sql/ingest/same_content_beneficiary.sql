-- How many rows of the file (registered as ingest_rows) a batch does not hold: 0 means the same.
SELECT count(*) AS differing
FROM (
    SELECT programme_year, region_code, sector_code, sex, age_band, support_type, grant_mad,
           is_moussalaha, is_former_cpe, is_royal_handover
    FROM ingest_rows
    EXCEPT ALL
    SELECT programme_year, region_code, sector_code, sex, age_band, support_type, grant_mad,
           is_moussalaha, is_former_cpe, is_royal_handover
    FROM beneficiary
    WHERE batch_id = $batch_id
);
