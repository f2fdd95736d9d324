-- How many records of each table are demo data and how many were imported. Counted from the
-- cubes (is_demo is one of their dimensions): no scan of the record tables on a page load.
SELECT 'beneficiary' AS record_table,
       coalesce(sum(beneficiaries) FILTER (WHERE is_demo), 0)::BIGINT AS demo,
       coalesce(sum(beneficiaries) FILTER (WHERE NOT is_demo), 0)::BIGINT AS imported
FROM agg_beneficiary
UNION ALL
SELECT 'placement', coalesce(sum(placements) FILTER (WHERE is_demo), 0)::BIGINT,
       coalesce(sum(placements) FILTER (WHERE NOT is_demo), 0)::BIGINT
FROM agg_placement
UNION ALL
SELECT 'intervention', coalesce(sum(interventions) FILTER (WHERE is_demo), 0)::BIGINT,
       coalesce(sum(interventions) FILTER (WHERE NOT is_demo), 0)::BIGINT
FROM agg_intervention;
