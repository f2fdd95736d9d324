-- Follow-up spells of one kind of record ($record_kind: beneficiary for micro-projects,
-- placement for jobs) of the selected regions, sectors and sexes, per cohort: people by months
-- followed from 1 July of the cohort's year, whether the spell ended and how. From the cube,
-- summed over regions, sectors and sexes (a few hundred rows whatever the scale).
SELECT cohort_year, months, ended, end_status, reason_code,
       sum(records)::BIGINT AS records,
       bool_or(is_demo) AS any_demo
FROM agg_follow_up_spell
WHERE record_kind = $record_kind
  AND list_contains($regions, region_code)
  AND list_contains($sectors, sector_code)
  AND list_contains($sexes, sex)
GROUP BY cohort_year, months, ended, end_status, reason_code
ORDER BY cohort_year, months, ended, end_status, reason_code;
