-- Followed people of the selected kinds of record ($record_kinds), regions, sectors and sexes,
-- per cohort: the year first followed, how long followed (months from 1 July of the cohort's
-- year), and when (if ever) first seen back in prison. From the cube, summed over regions,
-- sectors and sexes (a few hundred rows whatever the scale).
SELECT cohort_year, first_visit_year, last_months, return_year, return_months,
       sum(records)::BIGINT AS records,
       bool_or(is_demo) AS any_demo
FROM agg_follow_up_return
WHERE list_contains($record_kinds, record_kind)
  AND list_contains($regions, region_code)
  AND list_contains($sectors, sector_code)
  AND list_contains($sexes, sex)
GROUP BY cohort_year, first_visit_year, last_months, return_year, return_months
ORDER BY cohort_year, first_visit_year, last_months, return_year, return_months;
