-- Committed batches of the file's kind, each with how many of its rows the file (registered as
-- ingest_rows) holds too: rows compared whole, a row counted as often as it appears.
SELECT b.batch_id, b.file_name, b.imported_by, b.imported_at, b.row_count AS batch_rows,
       b.row_count - (
           SELECT count(*) FROM (
               SELECT programme_year, region_code, sector_code, sex, age_band, support_type, grant_mad,
           is_moussalaha, is_former_cpe, is_royal_handover FROM beneficiary WHERE batch_id = b.batch_id
               EXCEPT ALL
               SELECT programme_year, region_code, sector_code, sex, age_band, support_type, grant_mad,
           is_moussalaha, is_former_cpe, is_royal_handover FROM ingest_rows
           )
       ) AS shared
FROM import_batch b
WHERE b.kind = $kind AND b.status = 'committed'
ORDER BY b.batch_id;
