-- The reference year of the what-if simulator: people, women and money per region and sector.
SELECT region_code::INTEGER AS region_code, sector_code,
       sum(beneficiaries)::BIGINT AS beneficiaries,
       coalesce(sum(beneficiaries) FILTER (WHERE sex = 'F'), 0)::BIGINT AS women,
       sum(grant_mad)::BIGINT AS grant_mad_total,
       bool_or(is_demo) AS any_demo
FROM agg_beneficiary
WHERE programme_year = $year
GROUP BY ALL
ORDER BY ALL;
