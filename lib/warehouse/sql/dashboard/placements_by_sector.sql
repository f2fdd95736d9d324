-- Placements per sector for one year; every selected sector listed, 0 where none.
WITH selected AS (
    SELECT sector_code, sum(placements) AS placements,
           sum(placements) FILTER (WHERE sex = 'F') AS women, bool_or(is_demo) AS any_demo
    FROM agg_placement
    WHERE year = $year
      AND list_contains($regions, region_code)
      AND list_contains($sectors, sector_code)
      AND list_contains($sexes, sex)
    GROUP BY sector_code
)
SELECT c.code AS sector_code, c.name_fr, c.name_ar, c.name_en,
       coalesce(s.placements, 0)::BIGINT AS placements,
       coalesce(s.women, 0)::BIGINT AS women,
       coalesce(s.any_demo, false) AS any_demo
FROM sector c
LEFT JOIN selected s ON s.sector_code = c.code
WHERE list_contains($sectors, c.code)
ORDER BY c.sort_order;
