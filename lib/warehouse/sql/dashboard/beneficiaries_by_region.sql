-- Every one of the 12 regions for one programme year: regions without beneficiaries give 0.
WITH selected AS (
    SELECT region_code,
           sum(beneficiaries) AS beneficiaries,
           sum(grant_mad) AS budget_mad,
           sum(beneficiaries) FILTER (WHERE sex = 'F') AS women,
           bool_or(is_demo) AS any_demo
    FROM agg_beneficiary
    WHERE programme_year = $year
      AND list_contains($sectors, sector_code)
      AND list_contains($sexes, sex)
    GROUP BY region_code
)
SELECT r.code AS region_code, r.iso_3166_2, r.name_fr, r.name_ar, r.name_en,
       r.population_2014, r.population_2024,
       list_contains($regions, r.code) AS selected,
       coalesce(s.beneficiaries, 0)::BIGINT AS beneficiaries,
       coalesce(s.budget_mad, 0)::BIGINT AS budget_mad,
       coalesce(s.women, 0)::BIGINT AS women,
       coalesce(s.any_demo, false) AS any_demo
FROM region r
LEFT JOIN selected s ON s.region_code = r.code
ORDER BY r.code;
