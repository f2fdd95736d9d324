-- The followed people, demo and imported, and the last month their follow-up reaches (the
-- horizon of the outcome figures). From the cube: no scan of the follow-up visits.
SELECT coalesce(sum(records) FILTER (WHERE is_demo), 0)::BIGINT AS demo,
       coalesce(sum(records) FILTER (WHERE NOT is_demo), 0)::BIGINT AS imported,
       max(make_date(cohort_year, 7, 1) + to_months(last_months)) AS horizon
FROM agg_follow_up_return;
