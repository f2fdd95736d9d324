-- Interventions per CAPC centre over the selected years, regions and sexes.
WITH selected AS (
    SELECT centre_id, sum(interventions) AS interventions, bool_or(is_demo) AS any_demo
    FROM agg_intervention
    WHERE list_contains($years, year)
      AND list_contains($regions, region_code)
      AND list_contains($sexes, sex)
    GROUP BY centre_id
)
SELECT c.centre_id, c.city AS city_fr, c.city_ar, c.city_en, c.region_code, r.name_fr AS region_name_fr,
       r.name_ar AS region_name_ar, r.name_en AS region_name_en,
       coalesce(s.interventions, 0)::BIGINT AS interventions,
       coalesce(s.any_demo, false) AS any_demo
FROM centre c
JOIN region r ON r.code = c.region_code
LEFT JOIN selected s ON s.centre_id = c.centre_id
WHERE list_contains($regions, c.region_code)
ORDER BY interventions DESC, c.city;
