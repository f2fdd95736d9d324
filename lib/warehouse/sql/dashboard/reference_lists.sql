-- The values a filter may take: regions, sectors, record years, sexes. One row per value.
SELECT 'region' AS kind, CAST(code AS VARCHAR) AS code, name_fr, name_ar, name_en, code AS sort_key
FROM region
UNION ALL
SELECT 'sector', code, name_fr, name_ar, name_en, sort_order FROM sector
UNION ALL
SELECT 'intervention_type', code, name_fr, name_ar, name_en, sort_order FROM intervention_type
UNION ALL
SELECT 'year', CAST(y AS VARCHAR), CAST(y AS VARCHAR), CAST(y AS VARCHAR), CAST(y AS VARCHAR), y
FROM (
    SELECT programme_year AS y FROM agg_beneficiary
    UNION SELECT year FROM agg_placement
    UNION SELECT year FROM agg_intervention
)
ORDER BY kind, sort_key;
