-- The records of the given batches, as a file would hold them (what replacing them removes).
SELECT programme_year, region_code, sector_code, sex, age_band, support_type, grant_mad,
           is_moussalaha, is_former_cpe, is_royal_handover FROM beneficiary WHERE list_contains($batch_ids, batch_id);
