-- Follow-up spells of one kind of record ($record_kind) of the selected regions, sectors and
-- sexes, every cohort together, per group of one dimension ($dimension: region_code,
-- sector_code or sex), the group's code as text: people by months followed and whether the
-- spell ended. From the cube.
SELECT CASE $dimension
           WHEN 'region_code' THEN CAST(region_code AS VARCHAR)
           WHEN 'sector_code' THEN sector_code
           WHEN 'sex' THEN sex
       END AS group_code,
       months, ended,
       sum(records)::BIGINT AS records,
       bool_or(is_demo) AS any_demo
FROM agg_follow_up_spell
WHERE record_kind = $record_kind
  AND list_contains($regions, region_code)
  AND list_contains($sectors, sector_code)
  AND list_contains($sexes, sex)
GROUP BY group_code, months, ended
ORDER BY group_code, months, ended;
