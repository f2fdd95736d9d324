-- CAPC interventions per year, for the selected regions and sexes (they carry no sector).
SELECT year,
       sum(interventions)::BIGINT AS interventions,
       bool_or(is_demo) AS any_demo
FROM agg_intervention
WHERE list_contains($regions, region_code)
  AND list_contains($sexes, sex)
GROUP BY year
ORDER BY year;
