-- How many records of each table are demo data and how many were imported.
SELECT 'beneficiary' AS record_table, count(*) FILTER (WHERE is_demo) AS demo,
       count(*) FILTER (WHERE NOT is_demo) AS imported
FROM beneficiary
UNION ALL
SELECT 'placement', count(*) FILTER (WHERE is_demo), count(*) FILTER (WHERE NOT is_demo)
FROM placement
UNION ALL
SELECT 'intervention', count(*) FILTER (WHERE is_demo), count(*) FILTER (WHERE NOT is_demo)
FROM intervention;
