-- Placements per region for one year; every region listed, 0 where none.
WITH selected AS (
    SELECT region_code, sum(placements) AS placements,
           sum(placements) FILTER (WHERE sex = 'F') AS women, bool_or(is_demo) AS any_demo
    FROM agg_placement
    WHERE year = $year
      AND list_contains($regions, region_code)
      AND list_contains($sectors, sector_code)
      AND list_contains($sexes, sex)
    GROUP BY region_code
)
SELECT r.code AS region_code, r.iso_3166_2, r.name_fr, r.name_ar, r.name_en,
       coalesce(s.placements, 0)::BIGINT AS placements,
       coalesce(s.women, 0)::BIGINT AS women,
       coalesce(s.any_demo, false) AS any_demo
FROM region r
LEFT JOIN selected s ON s.region_code = r.code
WHERE list_contains($regions, r.code)
ORDER BY r.code;
