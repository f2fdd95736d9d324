-- Every sector for one programme year, for the selected regions and sexes.
WITH selected AS (
    SELECT sector_code,
           sum(beneficiaries) AS beneficiaries,
           sum(grant_mad) AS budget_mad,
           sum(beneficiaries) FILTER (WHERE sex = 'F') AS women,
           bool_or(is_demo) AS any_demo
    FROM agg_beneficiary
    WHERE programme_year = $year
      AND list_contains($regions, region_code)
      AND list_contains($sexes, sex)
    GROUP BY sector_code
)
SELECT c.code AS sector_code, c.name_fr, c.name_ar, c.name_en,
       list_contains($sectors, c.code) AS selected,
       coalesce(s.beneficiaries, 0)::BIGINT AS beneficiaries,
       coalesce(s.budget_mad, 0)::BIGINT AS budget_mad,
       coalesce(s.women, 0)::BIGINT AS women,
       coalesce(s.any_demo, false) AS any_demo
FROM sector c
LEFT JOIN selected s ON s.sector_code = c.code
ORDER BY c.sort_order;
