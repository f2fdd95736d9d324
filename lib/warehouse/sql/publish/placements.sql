-- Placements per year, region, sector and sex (input of lib.publish).
SELECT year, region_code, sector_code, sex, sum(placements)::BIGINT AS placements,
       bool_or(is_demo) AS any_demo
FROM agg_placement
GROUP BY ALL
ORDER BY ALL;
