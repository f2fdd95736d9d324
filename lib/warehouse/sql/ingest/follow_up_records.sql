-- The records the file's follow-ups (registered as ingest_rows) name, each key once: the year
-- of the grant or placement and whether it is a demonstration record (NULL: no such record).
WITH named AS (
    SELECT DISTINCT beneficiary_id, placement_id FROM ingest_rows
)
SELECT n.beneficiary_id, n.placement_id,
       coalesce(b.programme_year, p.year) AS record_year,
       coalesce(b.is_demo, p.is_demo) AS is_demo
FROM named n
LEFT JOIN beneficiary b ON b.beneficiary_id = n.beneficiary_id
LEFT JOIN placement p ON p.placement_id = n.placement_id;
