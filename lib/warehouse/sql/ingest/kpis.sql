-- Per-year totals an import moves, split demo / imported: the "before" of the import preview.
SELECT 'beneficiaries' AS kpi, programme_year AS year, is_demo,
       sum(beneficiaries)::BIGINT AS value
FROM agg_beneficiary GROUP BY ALL
UNION ALL
SELECT 'budget_mad', programme_year, is_demo, sum(grant_mad)::BIGINT
FROM agg_beneficiary GROUP BY ALL
UNION ALL
SELECT 'women', programme_year, is_demo,
       coalesce(sum(beneficiaries) FILTER (WHERE sex = 'F'), 0)::BIGINT
FROM agg_beneficiary GROUP BY ALL
UNION ALL
SELECT 'placements', year, is_demo, sum(placements)::BIGINT
FROM agg_placement GROUP BY ALL
UNION ALL
SELECT 'interventions', year, is_demo, sum(interventions)::BIGINT
FROM agg_intervention GROUP BY ALL
UNION ALL
SELECT 'follow_ups', year(visit_date), is_demo, count(*)::BIGINT
FROM follow_up GROUP BY ALL
UNION ALL
SELECT 'published_figures', NULL, false, count(*)::BIGINT
FROM published_figure
ORDER BY kpi, year, is_demo;
