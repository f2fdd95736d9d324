-- Append the validated rows registered as ingest_rows (ids and batch already assigned).
INSERT INTO beneficiary (beneficiary_id, programme_year, region_code, sector_code, sex, age_band,
                         support_type, grant_mad, is_moussalaha, is_former_cpe,
                         is_royal_handover, is_demo, batch_id)
SELECT beneficiary_id, programme_year, region_code, sector_code, sex, age_band, support_type,
       grant_mad, is_moussalaha, is_former_cpe, is_royal_handover, is_demo, batch_id
FROM ingest_rows;
