-- Placements in partner companies per year, for the selected regions, sectors and sexes.
SELECT year,
       sum(placements)::BIGINT AS placements,
       coalesce(sum(placements) FILTER (WHERE sex = 'F'), 0)::BIGINT AS women,
       coalesce(sum(placements) FILTER (WHERE sex = 'M'), 0)::BIGINT AS men,
       bool_or(is_demo) AS any_demo
FROM agg_placement
WHERE list_contains($regions, region_code)
  AND list_contains($sectors, sector_code)
  AND list_contains($sexes, sex)
GROUP BY year
ORDER BY year;
