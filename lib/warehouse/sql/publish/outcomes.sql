-- Micro-projects (record_kind beneficiary) and jobs (placement) per cohort and region, by their
-- status $months months after the origin (1 July of the cohort's year), for the cohorts whose
-- follow-ups could reach that far (input of lib.public.outcomes): active (still running or
-- held: followed that long without an ending), ended (closed, left, dismissed or back in
-- prison by then). The rest of a cohort (followed less long, or never) is its published
-- count of beneficiaries or placements minus these two. As lib.outcomes reads a curve: an
-- ending in month $months counts as ended by then, a last visit in that month as active.
WITH horizon AS (
    SELECT max(make_date(cohort_year, 7, 1) + to_months(last_months)) AS reached
    FROM agg_follow_up_return
)
SELECT s.record_kind, s.cohort_year AS year, s.region_code,
       coalesce(sum(s.records) FILTER (WHERE (NOT s.ended AND s.months >= $months)
                                         OR (s.ended AND s.months > $months)), 0)::BIGINT
           AS active,
       coalesce(sum(s.records) FILTER (WHERE s.ended AND s.months <= $months), 0)::BIGINT
           AS ended,
       bool_or(s.is_demo) AS any_demo
FROM agg_follow_up_spell s, horizon h
WHERE make_date(s.cohort_year, 7, 1) + to_months($months) <= h.reached
GROUP BY s.record_kind, s.cohort_year, s.region_code
ORDER BY s.record_kind, s.cohort_year, s.region_code;
