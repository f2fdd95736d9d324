-- Interventions per month and type over the selected years, regions and sexes.
SELECT make_date(year, month, 1) AS month, type_code,
       sum(interventions)::BIGINT AS interventions,
       bool_or(is_demo) AS any_demo
FROM agg_intervention
WHERE list_contains($years, year)
  AND list_contains($regions, region_code)
  AND list_contains($sexes, sex)
GROUP BY ALL
ORDER BY month, type_code;
