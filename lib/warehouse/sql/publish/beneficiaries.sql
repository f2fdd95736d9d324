-- Beneficiaries and grants per programme year, region, sector and sex (input of lib.publish).
SELECT programme_year AS year, region_code, sector_code, sex,
       sum(beneficiaries)::BIGINT AS beneficiaries, sum(grant_mad)::BIGINT AS budget_mad,
       bool_or(is_demo) AS any_demo
FROM agg_beneficiary
GROUP BY ALL
ORDER BY ALL;
