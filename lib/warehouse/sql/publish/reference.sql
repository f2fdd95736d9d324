-- The reference lists the public tables name things with (no record in them), in their order.
SELECT kind, code, name_fr, name_ar, name_en, population_2014, population_2024, extra
FROM (
    SELECT 'region' AS kind, CAST(code AS VARCHAR) AS code, name_fr, name_ar, name_en,
           population_2014, population_2024, iso_3166_2 AS extra, code AS sort_key
    FROM region
    UNION ALL
    SELECT 'sector', code, name_fr, name_ar, name_en, NULL, NULL, NULL, sort_order FROM sector
    UNION ALL
    SELECT 'intervention_type', code, name_fr, name_ar, name_en, NULL, NULL, NULL, sort_order
    FROM intervention_type
    UNION ALL
    SELECT 'centre', CAST(c.centre_id AS VARCHAR), c.city, c.city_ar, c.city_en, NULL, NULL,
           CAST(c.region_code AS VARCHAR), c.centre_id
    FROM centre c
)
ORDER BY kind, sort_key;
