-- Interventions per type over the selected years, regions and sexes.
WITH selected AS (
    SELECT type_code, sum(interventions) AS interventions, bool_or(is_demo) AS any_demo
    FROM agg_intervention
    WHERE list_contains($years, year)
      AND list_contains($regions, region_code)
      AND list_contains($sexes, sex)
    GROUP BY type_code
)
SELECT t.code AS type_code, t.name_fr, t.name_ar, t.name_en,
       coalesce(s.interventions, 0)::BIGINT AS interventions,
       coalesce(s.any_demo, false) AS any_demo
FROM intervention_type t
LEFT JOIN selected s ON s.type_code = t.code
ORDER BY t.sort_order;
