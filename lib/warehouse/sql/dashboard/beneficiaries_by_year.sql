-- Programme KPIs per programme year, for the selected regions, sectors and sexes.
SELECT programme_year AS year,
       sum(beneficiaries)::BIGINT AS beneficiaries,
       sum(grant_mad)::BIGINT AS budget_mad,
       sum(beneficiaries) FILTER (WHERE sex = 'F')::BIGINT AS women,
       count(DISTINCT region_code) FILTER (WHERE beneficiaries > 0)::BIGINT AS regions_covered,
       sum(moussalaha)::BIGINT AS moussalaha,
       sum(royal_handover)::BIGINT AS royal_handover,
       bool_or(is_demo) AS any_demo
FROM agg_beneficiary
WHERE list_contains($regions, region_code)
  AND list_contains($sectors, sector_code)
  AND list_contains($sexes, sex)
GROUP BY programme_year
ORDER BY programme_year;
